// The registry actor against a real registry (Debian's docker-registry, distribution
// 2.8) seeded by the test: ping, tags, manifests by tag and digest, index resolution,
// HEAD, verified blob downloads, and the registry's own errors.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "adapters/common/digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/media_types.hpp"
#include "oci_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace fluxaws::oci::testing;
using namespace std::chrono_literals;

namespace {

struct live_fixture : client_fixture {
  live_registry& reg = live();
  repository_ref repo = repo_at(reg.process.authority(), reg.content.repo);
  std::string sha(const std::string& bytes) { return "sha256:" + digest::sha256_hex(bytes); }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(live_registry_tests, live_fixture)

BOOST_AUTO_TEST_CASE(ping_without_auth) {
  auto r = ask<ping_result>(ping_atom::value, ping_request{repo, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->status == 200);
  BOOST_TEST(r.value->auth_scheme.empty());
}

BOOST_AUTO_TEST_CASE(lists_all_tags) {
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  auto tags = r.value->tags;
  std::sort(tags.begin(), tags.end());
  BOOST_TEST(tags == reg.content.tags);
  BOOST_TEST(r.value->pages >= 1u);
}

BOOST_AUTO_TEST_CASE(manifest_by_tag_and_by_digest) {
  auto by_tag = ask<manifest_result>(get_manifest_atom::value,
                                     manifest_request{repo, "v1.1.0", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(by_tag.ok(), by_tag.error.to_string());
  BOOST_TEST(by_tag.value->digest == reg.content.artifact.digest);
  BOOST_TEST(by_tag.value->body == reg.content.artifact.body);
  BOOST_TEST(by_tag.value->media_type == media_type::oci_manifest);
  const auto& m = std::get<image_manifest>(by_tag.value->manifest);
  BOOST_TEST(m.config.media_type == "application/vnd.cncf.flux.config.v1+json");
  BOOST_REQUIRE_EQUAL(m.layers.size(), 1u);
  BOOST_TEST(m.layers[0].digest == sha(reg.content.layer));
  BOOST_TEST(m.layers[0].size == static_cast<int64_t>(reg.content.layer.size()));
  BOOST_TEST(m.layers[0].annotation("org.opencontainers.image.title") == "podinfo.tar.gz");
  BOOST_TEST(m.annotations.size() == 2u);

  auto by_digest = ask<manifest_result>(
      get_manifest_atom::value, manifest_request{repo, reg.content.artifact.digest, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(by_digest.ok(), by_digest.error.to_string());
  BOOST_TEST(by_digest.value->digest == reg.content.artifact.digest);
  BOOST_TEST(by_digest.value->body == reg.content.artifact.body);
}

BOOST_AUTO_TEST_CASE(docker_v2_manifest) {
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "docker", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->digest == reg.content.docker.digest);
  BOOST_TEST(r.value->media_type == media_type::docker_manifest);
  BOOST_TEST(std::get<image_manifest>(r.value->manifest).layers[0].media_type ==
             "application/vnd.docker.image.rootfs.diff.tar.gzip");
}

BOOST_AUTO_TEST_CASE(index_and_platform_selection) {
  auto index = ask<manifest_result>(get_manifest_atom::value,
                                    manifest_request{repo, "multi", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(index.ok(), index.error.to_string());
  BOOST_TEST(is_index(index.value->manifest));
  BOOST_TEST(index.value->digest == reg.content.index.digest);
  BOOST_TEST(std::get<image_index>(index.value->manifest).manifests.size() == 2u);

  manifest_request req{repo, "multi", registry_auth::anonymous(), local()};
  req.platform = default_platform();
  auto amd64 = ask<manifest_result>(get_manifest_atom::value, req);
  BOOST_REQUIRE_MESSAGE(amd64.ok(), amd64.error.to_string());
  BOOST_TEST(amd64.value->digest == reg.content.amd64.digest);
  BOOST_TEST(amd64.value->index_digest == reg.content.index.digest);
  BOOST_TEST(amd64.value->index_media_type == media_type::oci_index);

  req.platform = parse_platform("linux/arm64").value();
  auto arm64 = ask<manifest_result>(get_manifest_atom::value, req);
  BOOST_REQUIRE_MESSAGE(arm64.ok(), arm64.error.to_string());
  BOOST_TEST(arm64.value->digest == reg.content.arm64.digest);

  req.platform = parse_platform("linux/ppc64le").value();
  auto none = ask<manifest_result>(get_manifest_atom::value, req);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error.code == errc::platform_not_found);
  BOOST_TEST(none.error.message.find("linux/ppc64le") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(head_by_tag_and_digest) {
  auto tag = ask<manifest_head>(head_manifest_atom::value,
                                head_request{repo, "latest", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(tag.ok(), tag.error.to_string());
  BOOST_TEST(tag.value->digest == reg.content.artifact.digest);
  BOOST_TEST(tag.value->size == reg.content.artifact.body.size());
  BOOST_TEST(tag.value->media_type == media_type::oci_manifest);
  auto dig = ask<manifest_head>(head_manifest_atom::value,
                                head_request{repo, reg.content.index.digest, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(dig.ok(), dig.error.to_string());
  BOOST_TEST(dig.value->media_type == media_type::oci_index);
}

BOOST_AUTO_TEST_CASE(blob_download_verified) {
  blob_request b;
  b.repo = repo;
  b.digest = sha(reg.content.layer);
  b.opts = local();
  b.dest = tmp.file("layer.tgz");
  b.max_bytes = 1 << 20;
  b.expected_size = reg.content.layer.size();
  auto r = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->size == reg.content.layer.size());
  BOOST_TEST(r.value->digest == b.digest);
  BOOST_TEST((read_file(b.dest) == reg.content.layer));
}

BOOST_AUTO_TEST_CASE(blob_over_the_cap) {
  blob_request b;
  b.repo = repo;
  b.digest = sha(reg.content.layer);
  b.opts = local();
  b.dest = tmp.file("layer.tgz");
  b.max_bytes = 1000;
  auto r = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::blob_too_large);
  BOOST_TEST(tmp.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(unwritable_destination_is_an_io_error) {
  blob_request b;
  b.repo = repo;
  b.digest = sha(reg.content.layer);
  b.opts = local();
  b.dest = tmp.file("no-such-dir/layer.tgz");
  b.max_bytes = 1 << 20;
  auto r = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::io_error, r.error.to_string());
  BOOST_TEST(r.error.message.find("no-such-dir") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(registry_errors_are_named) {
  auto tag = ask<manifest_result>(get_manifest_atom::value,
                                  manifest_request{repo, "v9.9.9", registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!tag.ok());
  BOOST_TEST(tag.error.code == errc::not_found);
  BOOST_TEST(tag.error.status == 404);
  BOOST_TEST(tag.error.message.find("manifest " + repo.name() + ":v9.9.9: 404 Not Found: MANIFEST_UNKNOWN") == 0u,
             tag.error.message);

  auto unknown_repo = repo_at(reg.process.authority(), "flux/nothing-here");
  auto tags = ask<tag_list>(list_tags_atom::value, list_tags_request{unknown_repo, registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!tags.ok());
  BOOST_TEST(tags.error.code == errc::not_found);
  BOOST_TEST(tags.error.message.find("NAME_UNKNOWN") != std::string::npos, tags.error.message);

  auto head = ask<manifest_head>(head_manifest_atom::value,
                                 head_request{repo, "v9.9.9", registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!head.ok());
  BOOST_TEST(head.error.code == errc::not_found);

  blob_request b;
  b.repo = repo;
  b.digest = sha("never pushed");
  b.opts = local();
  b.dest = tmp.file("missing.bin");
  b.max_bytes = 1 << 20;
  auto blob = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE(!blob.ok());
  BOOST_TEST(blob.error.code == errc::not_found);
  BOOST_TEST(blob.error.message.find("BLOB_UNKNOWN") != std::string::npos, blob.error.message);
  BOOST_TEST(tmp.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(plain_http_only_when_asked) {
  // The same registry without insecure: the client speaks TLS and fails; it never
  // falls back to plain HTTP on its own.
  call_options strict{10s, false};
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "latest", registry_auth::anonymous(), strict});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::network_error, r.error.to_string());
  BOOST_TEST(r.error.message.find(reg.process.authority()) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
