// Digest grammar and verification against the exact bytes.
#include <boost/test/unit_test.hpp>

#include "adapters/common/digest.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {
const std::string empty_sha256 = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

BOOST_AUTO_TEST_SUITE(digests)

BOOST_AUTO_TEST_CASE(parses_registered_algorithms) {
  auto d = parse_digest(empty_sha256);
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(d->algorithm == "sha256");
  BOOST_TEST(d->encoded.size() == 64u);
  BOOST_TEST(d->str() == empty_sha256);
  auto s512 = "sha512:" + std::string(128, 'a');
  BOOST_TEST(is_valid_digest(s512));
  // Unregistered algorithms follow the generic grammar.
  BOOST_TEST(is_valid_digest("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"));
}

BOOST_AUTO_TEST_CASE(refuses_malformed_digests) {
  for (const char* bad : {"", "sha256", "sha256:", ":abc", "SHA256:" "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                          "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
                          "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855a",
                          "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha512:abcd",
                          "sha256+:abc", "sha256::abc", "sha 256:abc", "sha256:abc/def"}) {
    auto d = parse_digest(bad);
    BOOST_TEST(!d.ok(), bad);
    if (!d.ok()) BOOST_TEST(d.error().code == errc::invalid_reference);
  }
}

BOOST_AUTO_TEST_CASE(error_messages_do_not_echo_control_characters) {
  auto d = parse_digest("sha256:\x01\x02\n" + std::string(300, 'x'));
  BOOST_REQUIRE(!d.ok());
  BOOST_TEST(d.error().message.find('\n') == std::string::npos);
  BOOST_TEST(d.error().message.size() < 200u);
}

BOOST_AUTO_TEST_CASE(verifies_exact_bytes) {
  BOOST_TEST(verify_digest("", empty_sha256, "blob x").ok());
  BOOST_TEST(sha256_digest("hello") == "sha256:" + digest::sha256_hex("hello"));
  auto st = verify_digest("hello ", sha256_digest("hello"), "manifest r/x:1");
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().code == errc::digest_mismatch);
  BOOST_TEST(st.error().message.find("manifest r/x:1") == 0u);
  BOOST_TEST(st.error().message.find(sha256_digest("hello")) != std::string::npos);
  BOOST_TEST(st.error().message.find(sha256_digest("hello ")) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(verifies_sha512) {
  auto d = compute_digest("sha512", "abc");
  BOOST_REQUIRE(d.ok());
  BOOST_TEST(*d == "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                   "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
  BOOST_TEST(verify_digest("abc", *d, "x").ok());
  BOOST_TEST(!verify_digest("abd", *d, "x").ok());
}

BOOST_AUTO_TEST_CASE(unknown_algorithm_cannot_be_verified) {
  auto st = verify_digest("abc", "md5:900150983cd24fb0d6963f7d28e17f72", "x");
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().code == errc::unsupported);
}

BOOST_AUTO_TEST_CASE(streamed_sha256_hex_check) {
  auto hex = digest::sha256_hex("layer");
  BOOST_TEST(verify_sha256_hex(hex, "sha256:" + hex, "blob").ok());
  auto st = verify_sha256_hex(digest::sha256_hex("layeR"), "sha256:" + hex, "blob");
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().code == errc::digest_mismatch);
  auto s512 = verify_sha256_hex(hex, "sha512:" + std::string(128, 'a'), "blob");
  BOOST_REQUIRE(!s512.ok());
  BOOST_TEST(s512.error().code == errc::unsupported);
}

BOOST_AUTO_TEST_SUITE_END()
