// Manifest and index parsing (OCI and Docker, malformed documents) and platform
// selection from an index.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/manifest.hpp"
#include "adapters/oci/media_types.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {

std::string dg(char c) { return "sha256:" + std::string(64, c); }

const std::string flux_artifact = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {"mediaType": "application/vnd.cncf.flux.config.v1+json", "digest": ")" + dg('c') + R"(", "size": 233},
  "layers": [
    {"mediaType": "application/vnd.cncf.flux.content.v1.tar+gzip", "digest": ")" + dg('1') + R"(",
     "size": 1024, "annotations": {"org.opencontainers.image.title": "podinfo.tar.gz"}}
  ],
  "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z",
                  "org.opencontainers.image.source": "https://github.com/stefanprodan/podinfo",
                  "org.opencontainers.image.revision": "6.5.0@sha1:abc"}
})";

const std::string docker_v2 = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
  "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7023, "digest": ")" + dg('a') + R"("},
  "layers": [
    {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 32654, "digest": ")" + dg('b') + R"("},
    {"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 16724, "digest": ")" + dg('d') + R"("}
  ]
})";

std::string index_with(const std::string& entries, const std::string& type = std::string(media_type::oci_index)) {
  return R"({"schemaVersion": 2, "mediaType": ")" + type + R"(", "manifests": [)" + entries + "]}";
}

std::string entry(char c, const std::string& os, const std::string& arch, const std::string& variant = "") {
  std::string p = R"({"os": ")" + os + R"(", "architecture": ")" + arch + "\"";
  if (!variant.empty()) p += R"(, "variant": ")" + variant + "\"";
  p += "}";
  return R"({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ")" + dg(c) +
         R"(", "size": 500, "platform": )" + p + "}";
}

error_info parse_error(const std::string& body, std::string_view content_type = "") {
  auto r = parse_manifest(body, content_type, "manifest reg/app:v1");
  BOOST_REQUIRE_MESSAGE(!r.ok(), body);
  return r.error();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(manifests)

BOOST_AUTO_TEST_CASE(oci_artifact_manifest) {
  auto r = parse_manifest(flux_artifact, "application/vnd.oci.image.manifest.v1+json", "m");
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE(!is_index(*r));
  const auto& m = std::get<image_manifest>(*r);
  BOOST_TEST(m.media_type == media_type::oci_manifest);
  BOOST_TEST(m.config.media_type == "application/vnd.cncf.flux.config.v1+json");
  BOOST_TEST(m.config.size == 233);
  BOOST_REQUIRE_EQUAL(m.layers.size(), 1u);
  BOOST_TEST(m.layers[0].media_type == "application/vnd.cncf.flux.content.v1.tar+gzip");
  BOOST_TEST(m.layers[0].digest == dg('1'));
  BOOST_TEST(m.layers[0].size == 1024);
  BOOST_TEST(m.layers[0].annotation("org.opencontainers.image.title") == "podinfo.tar.gz");
  BOOST_REQUIRE_EQUAL(m.annotations.size(), 3u);
  BOOST_TEST(m.annotations[1].first == "org.opencontainers.image.source");
  BOOST_TEST(m.annotations[2].second == "6.5.0@sha1:abc");
}

BOOST_AUTO_TEST_CASE(docker_v2_manifest) {
  auto r = parse_manifest(docker_v2, "", "m");
  BOOST_REQUIRE(r.ok());
  const auto& m = std::get<image_manifest>(*r);
  BOOST_TEST(m.media_type == media_type::docker_manifest);
  BOOST_REQUIRE_EQUAL(m.layers.size(), 2u);
  BOOST_TEST(m.layers[1].size == 16724);
}

BOOST_AUTO_TEST_CASE(type_from_content_type_or_shape) {
  // OCI manifests may omit mediaType: the Content-Type decides, parameters ignored.
  std::string no_type = R"({"schemaVersion": 2, "config": {"mediaType": "a/b", "digest": ")" + dg('a') +
                        R"(", "size": 1}, "layers": []})";
  auto by_header = parse_manifest(no_type, "Application/VND.oci.image.manifest.v1+json; charset=utf-8", "m");
  BOOST_REQUIRE(by_header.ok());
  BOOST_TEST(std::get<image_manifest>(*by_header).media_type == media_type::oci_manifest);
  BOOST_TEST(std::get<image_manifest>(*by_header).layers.empty());
  auto by_shape = parse_manifest(no_type, "application/octet-stream", "m");
  BOOST_REQUIRE(by_shape.ok());
  std::string idx_no_type = R"({"schemaVersion": 2, "manifests": []})";
  auto idx = parse_manifest(idx_no_type, "", "m");
  BOOST_REQUIRE(idx.ok());
  BOOST_TEST(is_index(*idx));
}

BOOST_AUTO_TEST_CASE(indexes_and_manifest_lists) {
  auto oci = parse_manifest(index_with(entry('1', "linux", "amd64") + "," + entry('2', "linux", "arm64", "v8")), "", "i");
  BOOST_REQUIRE(oci.ok());
  BOOST_REQUIRE(is_index(*oci));
  const auto& idx = std::get<image_index>(*oci);
  BOOST_REQUIRE_EQUAL(idx.manifests.size(), 2u);
  BOOST_REQUIRE(idx.manifests[1].platform.has_value());
  BOOST_TEST(idx.manifests[1].platform->variant == "v8");
  auto list = parse_manifest(index_with(entry('1', "linux", "amd64"), std::string(media_type::docker_manifest_list)),
                             "", "i");
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(std::get<image_index>(*list).media_type == media_type::docker_manifest_list);
}

BOOST_AUTO_TEST_CASE(malformed_documents) {
  struct bad_case {
    std::string body;
    std::string needle;
  };
  std::vector<bad_case> cases = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {R"({"schemaVersion": 1, "name": "x", "fsLayers": []})", "schema 1"},
      {R"({"mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws"})", "schema 1"},
      {R"({"mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {}, "layers": []})", "schemaVersion is missing"},
      {R"({"schemaVersion": "2", "config": {}, "layers": []})", "schemaVersion is not 2"},
      {R"({"schemaVersion": 3, "config": {}, "layers": []})", "schemaVersion is not 2"},
      {R"({"schemaVersion": 2, "mediaType": "text/html"})", "unsupported media type"},
      {R"({"schemaVersion": 2, "mediaType": 7})", "mediaType is not a string"},
      {R"({"schemaVersion": 2})", "neither a manifest"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": []})", "config is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1}})", "layers is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1}, "layers": {}})", "layers is not an array"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": "sha256:xyz", "size": 1}, "layers": []})", "config.digest is not a valid digest"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": -1}, "layers": []})", "config.size is not a non-negative integer"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1.5}, "layers": []})", "config.size"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"("}, "layers": []})", "config.size is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1}, "layers": [{"digest": ")" + dg('b') + R"(", "size": 2}]})", "layers[0].mediaType is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1}, "layers": [], "annotations": {"k": 1}})", "annotations[\"k\"] is not a string"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": "x", "layers": []})", "config is not an object"},
      {index_with("{}"), "manifests[0].mediaType is missing"},
      {index_with(R"({"mediaType": "a/b", "digest": ")" + dg('a') + R"(", "size": 1, "platform": {"os": "linux"}})"), "manifests[0].platform.architecture is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"})", "manifests is missing"},
      {R"({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": 3})", "manifests is not an array"},
  };
  for (const auto& c : cases) {
    auto e = parse_error(c.body);
    BOOST_TEST(e.code == errc::manifest_invalid, c.body);
    BOOST_TEST(e.message.find("manifest reg/app:v1") == 0u, c.body);
    BOOST_TEST(e.message.find(c.needle) != std::string::npos, c.body << " -> " << e.message);
  }
}

BOOST_AUTO_TEST_CASE(platform_selection) {
  auto r = parse_manifest(index_with(entry('1', "linux", "arm", "v6") + "," + entry('2', "linux", "arm", "v7") + "," +
                                     entry('3', "linux", "arm64", "v8") + "," + entry('4', "linux", "amd64") + "," +
                                     entry('5', "windows", "amd64") + "," + entry('6', "unknown", "unknown")),
                          "", "i");
  BOOST_REQUIRE(r.ok());
  const auto& idx = std::get<image_index>(*r);
  auto pick = [&](std::string_view p) {
    auto plat = parse_platform(p);
    BOOST_REQUIRE(plat.ok());
    return select_platform(idx, *plat, "index reg/app:v1");
  };
  BOOST_TEST(select_platform(idx, default_platform(), "i")->digest == dg('4'));
  BOOST_TEST(pick("linux/amd64")->digest == dg('4'));
  BOOST_TEST(pick("LINUX/x86_64")->digest == dg('4'));
  BOOST_TEST(pick("linux/arm64")->digest == dg('3'));
  BOOST_TEST(pick("linux/aarch64")->digest == dg('3'));
  BOOST_TEST(pick("linux/arm64/v8")->digest == dg('3'));
  BOOST_TEST(pick("linux/arm")->digest == dg('2'));  // v7 is arm's default
  BOOST_TEST(pick("linux/arm/v6")->digest == dg('1'));
  BOOST_TEST(pick("windows/amd64")->digest == dg('5'));
  auto none = pick("linux/s390x");
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().code == errc::platform_not_found);
  BOOST_TEST(none.error().message.find("index reg/app:v1") == 0u);
  BOOST_TEST(none.error().message.find("linux/s390x") != std::string::npos);
  BOOST_TEST(none.error().message.find("linux/arm64/v8") != std::string::npos);
  BOOST_TEST(!pick("linux/arm64/v9").ok());
}

BOOST_AUTO_TEST_CASE(arm64_without_variant_in_index) {
  auto r = parse_manifest(index_with(entry('7', "linux", "arm64")), "", "i");
  BOOST_REQUIRE(r.ok());
  auto want = parse_platform("linux/arm64/v8");
  BOOST_REQUIRE(want.ok());
  BOOST_TEST(select_platform(std::get<image_index>(*r), *want, "i")->digest == dg('7'));
}

BOOST_AUTO_TEST_CASE(empty_index_has_no_platform) {
  auto r = parse_manifest(index_with(""), "", "i");
  BOOST_REQUIRE(r.ok());
  auto s = select_platform(std::get<image_index>(*r), default_platform(), "i");
  BOOST_REQUIRE(!s.ok());
  BOOST_TEST(s.error().message.find("lists no platforms") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(platform_strings) {
  BOOST_TEST(!parse_platform("linux").ok());
  BOOST_TEST(!parse_platform("linux/").ok());
  BOOST_TEST(!parse_platform("a/b/c/d").ok());
  BOOST_TEST(parse_platform("linux/arm/v7")->str() == "linux/arm/v7");
}

BOOST_AUTO_TEST_CASE(accept_list_names_all_four_types) {
  auto accept = media_type::accept_all();
  for (auto t : {media_type::oci_manifest, media_type::oci_index, media_type::docker_manifest,
                 media_type::docker_manifest_list})
    BOOST_TEST(accept.find(t) != std::string::npos);
  BOOST_TEST(media_type::is_index("application/vnd.docker.distribution.manifest.list.v2+json"));
  BOOST_TEST(!media_type::is_manifest("application/vnd.oci.image.index.v1+json"));
}

BOOST_AUTO_TEST_SUITE_END()
