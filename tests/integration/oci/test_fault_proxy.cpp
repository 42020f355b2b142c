// A small proxy in front of the live registry alters what it serves: corrupted bytes,
// bodies cut short (with an honest or a lying Content-Length), missing or wrong
// digest headers. The client must report DigestMismatch / Truncated and leave no file.
#include <boost/test/unit_test.hpp>

#include <atomic>

#include "adapters/common/digest.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/error_codes.hpp"
#include "fake_server.hpp"
#include "oci_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace fluxaws::oci::testing;

namespace {

enum class fault { none, flip_byte, cut_lying_length, cut_honest_length, drop_digest_header, wrong_digest_header };

struct proxy_fixture : client_fixture {
  live_registry& reg = live();
  std::atomic<fault> mode{fault::none};
  fake_server proxy{forward_to(reg.process.port(), [this](const fake_request&, fake_reply& reply) {
    if (reply.status != 200) return;
    switch (mode.load()) {
      case fault::none:
        break;
      case fault::flip_byte:
        if (!reply.body.empty()) reply.body[reply.body.size() / 2] ^= 0x01;
        break;
      case fault::cut_lying_length:
        reply.declared_length = reply.body.size();
        reply.body.resize(reply.body.size() / 2);
        break;
      case fault::cut_honest_length:
        reply.body.resize(reply.body.size() / 2);
        break;
      case fault::drop_digest_header:
      case fault::wrong_digest_header:
        for (auto it = reply.headers.begin(); it != reply.headers.end();)
          it = str::iequals(it->first, "docker-content-digest") ? reply.headers.erase(it) : std::next(it);
        if (mode.load() == fault::wrong_digest_header)
          reply.headers.emplace_back("Docker-Content-Digest", "sha256:" + digest::sha256_hex("other"));
        break;
    }
  })};
  repository_ref repo = repo_at(proxy.authority(), reg.content.repo);

  blob_request layer_request(std::optional<uint64_t> expected = std::nullopt) {
    blob_request b;
    b.repo = repo;
    b.digest = "sha256:" + digest::sha256_hex(reg.content.layer);
    b.opts = local();
    b.dest = tmp.file("layer.tgz");
    b.max_bytes = 1 << 20;
    b.expected_size = expected;
    return b;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(fault_proxy, proxy_fixture)

BOOST_AUTO_TEST_CASE(clean_proxy_passes) {
  auto r = ask<blob_result>(fetch_blob_atom::value, layer_request(reg.content.layer.size()));
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST((read_file(r.value->path) == reg.content.layer));
}

BOOST_AUTO_TEST_CASE(corrupted_blob_is_a_digest_mismatch_and_removed) {
  mode = fault::flip_byte;
  auto r = ask<blob_result>(fetch_blob_atom::value, layer_request());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::digest_mismatch, r.error.to_string());
  BOOST_TEST(r.error.message.find("blob " + repo.name() + "@sha256:") == 0u, r.error.message);
  BOOST_TEST(tmp.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(connection_closed_early_is_truncated_and_removed) {
  mode = fault::cut_lying_length;
  auto r = ask<blob_result>(fetch_blob_atom::value, layer_request());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::truncated, r.error.to_string());
  BOOST_TEST(tmp.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(short_body_with_honest_length) {
  mode = fault::cut_honest_length;
  // Knowing the descriptor's size, the short body is a truncation...
  auto sized = ask<blob_result>(fetch_blob_atom::value, layer_request(reg.content.layer.size()));
  BOOST_REQUIRE(!sized.ok());
  BOOST_TEST(sized.error.code == errc::truncated, sized.error.to_string());
  BOOST_TEST(tmp.entries() == 0u);
  // ...without it, the digest still refuses the bytes.
  auto unsized = ask<blob_result>(fetch_blob_atom::value, layer_request());
  BOOST_REQUIRE(!unsized.ok());
  BOOST_TEST(unsized.error.code == errc::digest_mismatch, unsized.error.to_string());
  BOOST_TEST(tmp.entries() == 0u);
}

BOOST_AUTO_TEST_CASE(corrupted_manifest_against_its_digest_header) {
  mode = fault::flip_byte;
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "v1.0.0", registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::digest_mismatch, r.error.to_string());
  BOOST_TEST(r.error.message.find("Docker-Content-Digest") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(manifest_by_digest_checked_without_header) {
  mode = fault::drop_digest_header;
  auto ok = ask<manifest_result>(get_manifest_atom::value,
                                 manifest_request{repo, reg.content.artifact.digest, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.error.to_string());
  BOOST_TEST(ok.value->digest == reg.content.artifact.digest);
  mode = fault::flip_byte;  // the bytes no longer hash to the digest asked for
  auto bad = ask<manifest_result>(get_manifest_atom::value,
                                  manifest_request{repo, reg.content.artifact.digest, registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error.code == errc::digest_mismatch);
}

BOOST_AUTO_TEST_CASE(wrong_digest_header_is_refused) {
  mode = fault::wrong_digest_header;
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "latest", registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::digest_mismatch);
  auto head = ask<manifest_head>(head_manifest_atom::value,
                                 head_request{repo, reg.content.artifact.digest, registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!head.ok());
  BOOST_TEST(head.error.code == errc::digest_mismatch);
}

BOOST_AUTO_TEST_CASE(head_without_digest_falls_back_to_get) {
  mode = fault::drop_digest_header;
  auto r = ask<manifest_head>(head_manifest_atom::value, head_request{repo, "latest", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->digest == reg.content.artifact.digest);
  auto seen = proxy.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0].method == "HEAD");
  BOOST_TEST(seen[1].method == "GET");
}

BOOST_AUTO_TEST_SUITE_END()
