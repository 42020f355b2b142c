#include "registry_push.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapters/common/digest.hpp"
#include "loopback_http.hpp"

namespace fluxaws::oci::testing {

namespace {

std::string sha256_digest_of(const std::string& bytes) { return "sha256:" + digest::sha256_hex(bytes); }

// An absolute Location ("http://127.0.0.1:5000/v2/...") reduced to its target.
std::string target_of(const std::string& location) {
  auto scheme = location.find("://");
  if (scheme == std::string::npos) return location;
  auto slash = location.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : location.substr(slash);
}

}  // namespace

std::string pseudo_random(std::size_t n, uint32_t seed) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x & 0xff);
  }
  return out;
}

std::string push_blob(uint16_t port, const std::string& repo, const std::string& bytes) {
  auto digest = sha256_digest_of(bytes);
  auto start = loopback_call(port, "POST", "/v2/" + repo + "/blobs/uploads/");
  if (start.status != 202)
    throw std::runtime_error("blob upload start for " + repo + ": status " + std::to_string(start.status) + " " +
                             start.error + start.body);
  auto target = target_of(start.header("location"));
  target += (target.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + digest;
  auto put = loopback_call(port, "PUT", target, {{"Content-Type", "application/octet-stream"}}, bytes);
  if (put.status != 201)
    throw std::runtime_error("blob upload for " + repo + ": status " + std::to_string(put.status) + " " + put.error +
                             put.body);
  return digest;
}

pushed push_manifest(uint16_t port, const std::string& repo, const std::string& reference,
                     const std::string& media_type, const std::string& body) {
  auto put = loopback_call(port, "PUT", "/v2/" + repo + "/manifests/" + reference, {{"Content-Type", media_type}}, body);
  if (put.status != 201)
    throw std::runtime_error("manifest push " + repo + ":" + reference + ": status " + std::to_string(put.status) +
                             " " + put.error + put.body);
  auto digest = sha256_digest_of(body);
  if (put.header("docker-content-digest") != digest)
    throw std::runtime_error("manifest push " + repo + ":" + reference + ": the registry computed another digest");
  return pushed{digest, body, media_type};
}

std::string descriptor_json(const std::string& media_type, const std::string& bytes,
                            const std::string& annotations_json) {
  std::string out = R"({"mediaType":")" + media_type + R"(","digest":")" + sha256_digest_of(bytes) +
                    R"(","size":)" + std::to_string(bytes.size());
  if (!annotations_json.empty()) out += R"(,"annotations":)" + annotations_json;
  return out + "}";
}

seeded_content seed(uint16_t port) {
  seeded_content s;
  const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
  const std::string oci_index = "application/vnd.oci.image.index.v1+json";

  // A Flux artifact (what `flux push artifact` produces): config + one tar.gz layer.
  s.config = "{}";
  s.layer = pseudo_random(64 * 1024, 1);
  push_blob(port, s.repo, s.config);
  push_blob(port, s.repo, s.layer);
  std::string artifact =
      R"({"schemaVersion":2,"mediaType":")" + oci_manifest + R"(","config":)" +
      descriptor_json("application/vnd.cncf.flux.config.v1+json", s.config) + R"(,"layers":[)" +
      descriptor_json("application/vnd.cncf.flux.content.v1.tar+gzip", s.layer,
                      R"({"org.opencontainers.image.title":"podinfo.tar.gz"})") +
      R"(],"annotations":{"org.opencontainers.image.revision":"6.5.0@sha1:0123456789abcdef0123456789abcdef01234567","org.opencontainers.image.source":"https://github.com/stefanprodan/podinfo"}})";
  for (const char* tag : {"v1.0.0", "v1.1.0", "latest"}) s.artifact = push_manifest(port, s.repo, tag, oci_manifest, artifact);

  // A two-platform image index.
  s.amd64_layer = pseudo_random(4096, 2);
  s.arm64_layer = pseudo_random(4096, 3);
  auto amd64_config = std::string(R"({"architecture":"amd64","os":"linux"})");
  auto arm64_config = std::string(R"({"architecture":"arm64","os":"linux","variant":"v8"})");
  for (const auto* b : {&s.amd64_layer, &s.arm64_layer, &amd64_config, &arm64_config}) push_blob(port, s.repo, *b);
  auto image = [&](const std::string& config, const std::string& layer) {
    return R"({"schemaVersion":2,"mediaType":")" + oci_manifest + R"(","config":)" +
           descriptor_json("application/vnd.oci.image.config.v1+json", config) + R"(,"layers":[)" +
           descriptor_json("application/vnd.oci.image.layer.v1.tar+gzip", layer) + "]}";
  };
  auto amd64_body = image(amd64_config, s.amd64_layer);
  auto arm64_body = image(arm64_config, s.arm64_layer);
  s.amd64 = push_manifest(port, s.repo, sha256_digest_of(amd64_body), oci_manifest, amd64_body);
  s.arm64 = push_manifest(port, s.repo, sha256_digest_of(arm64_body), oci_manifest, arm64_body);
  std::string index = R"({"schemaVersion":2,"mediaType":")" + oci_index + R"(","manifests":[)" +
                      R"({"mediaType":")" + oci_manifest + R"(","digest":")" + s.arm64.digest + R"(","size":)" +
                      std::to_string(arm64_body.size()) +
                      R"(,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},)" + R"({"mediaType":")" +
                      oci_manifest + R"(","digest":")" + s.amd64.digest + R"(","size":)" +
                      std::to_string(amd64_body.size()) + R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
  s.index = push_manifest(port, s.repo, "multi", oci_index, index);

  // A Docker v2 manifest.
  const std::string docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
  s.docker_layer = pseudo_random(2048, 4);
  auto docker_config = std::string(R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}})");
  push_blob(port, s.repo, s.docker_layer);
  push_blob(port, s.repo, docker_config);
  std::string docker = R"({"schemaVersion":2,"mediaType":")" + docker_manifest + R"(","config":)" +
                       descriptor_json("application/vnd.docker.container.image.v1+json", docker_config) +
                       R"(,"layers":[)" +
                       descriptor_json("application/vnd.docker.image.rootfs.diff.tar.gzip", s.docker_layer) + "]}";
  s.docker = push_manifest(port, s.repo, "docker", docker_manifest, docker);

  s.tags = {"docker", "latest", "multi", "v1.0.0", "v1.1.0"};
  std::sort(s.tags.begin(), s.tags.end());
  return s;
}

}  // namespace fluxaws::oci::testing
