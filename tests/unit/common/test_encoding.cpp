#include <boost/test/unit_test.hpp>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

using namespace fluxaws;

BOOST_AUTO_TEST_SUITE(encoding)

BOOST_AUTO_TEST_CASE(hex_round_trip) {
  BOOST_TEST(enc::hex(std::string("\x00\xff\x10", 3)) == "00ff10");
  BOOST_TEST(*enc::unhex("00FF10") == std::string("\x00\xff\x10", 3));
  BOOST_TEST(!enc::unhex("0"));
  BOOST_TEST(!enc::unhex("zz"));
}

BOOST_AUTO_TEST_CASE(base64_rfc4648_vectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, coded] : cases) {
    BOOST_TEST(enc::base64(plain) == coded);
    BOOST_TEST(*enc::unbase64(coded) == plain);
  }
  BOOST_TEST(*enc::unbase64("Zm8") == "fo");  // unpadded accepted
  BOOST_TEST(!enc::unbase64("Zm8=x"));
  BOOST_TEST(!enc::unbase64("%%%"));
  BOOST_TEST(!enc::unbase64("Z"));
  BOOST_TEST(!enc::unbase64("Zm 8="));
  BOOST_TEST(*enc::unbase64("Zm 8=", true) == "fo");
  BOOST_TEST(enc::base64url("\xfb\xff") == "-_8");
  BOOST_TEST(*enc::unbase64url("-_8") == "\xfb\xff");
}

BOOST_AUTO_TEST_CASE(uri_encoding) {
  BOOST_TEST(enc::uri_encode("a b/c~d*") == "a%20b%2Fc~d%2A");
  BOOST_TEST(enc::uri_encode("a b/c", true) == "a%20b/c");
  BOOST_TEST(*enc::uri_decode("a%20b%2f") == "a b/");
  BOOST_TEST(*enc::uri_decode("a+b", true) == "a b");
  BOOST_TEST(!enc::uri_decode("%2"));
  BOOST_TEST(!enc::uri_decode("%zz"));
}

BOOST_AUTO_TEST_CASE(digests) {
  BOOST_TEST(digest::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  digest::sha256_stream s;
  s.update("ab");
  s.update("c");
  BOOST_TEST(s.finish_hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  BOOST_TEST(enc::hex(digest::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  BOOST_TEST(digest::sha512("").size() == 64u);
  BOOST_TEST(digest::random_bytes(32).size() == 32u);
}

BOOST_AUTO_TEST_CASE(strings) {
  BOOST_TEST(str::to_lower("X-Amz-Date") == "x-amz-date");
  BOOST_TEST(str::iequals("Content-Type", "content-type"));
  BOOST_TEST(str::trim("  a b \r\n") == "a b");
  BOOST_TEST(str::split("a,b,,c", ',').size() == 4u);
  BOOST_TEST(str::replace_all("a..b..", "..", "/") == "a/b/");
}

BOOST_AUTO_TEST_SUITE_END()
