// canonical_uri, canonical_query, canonical_request: the canonicalization rules.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/sigv4.hpp"

namespace sigv4 = fluxaws::aws::sigv4;

BOOST_AUTO_TEST_SUITE(canonical_uri)

BOOST_AUTO_TEST_CASE(normalizes_dot_segments_and_slashes_for_generic_services) {
  const std::pair<const char*, const char*> cases[] = {
      {"/", "/"},
      {"", "/"},
      {"//", "/"},
      {"//example//", "/example/"},
      {"/./", "/"},
      {"/./example", "/example"},
      {"/example/..", "/"},
      {"/example1/example2/../..", "/"},
      {"/a/b/../c", "/a/c"},
      {"/a/b/../c/", "/a/c/"},
      {"/a/./b/.", "/a/b"},
      {"/../../a", "/a"},  // never above the root
      {"/a/..b/c", "/a/..b/c"},  // '..b' is an ordinary segment
      {"/a/b/...", "/a/b/..."},
      {"a/b", "/a/b"},  // a relative path still starts with '/'
  };
  for (const auto& [in, want] : cases) BOOST_TEST(sigv4::canonical_uri(in, true) == want, "path '" << in << "'");
}

BOOST_AUTO_TEST_CASE(keeps_the_path_as_is_for_s3) {
  for (const char* p : {"//", "//example//", "/./", "/example/..", "/example1/example2/../..", "/a//b/./c/../d"})
    BOOST_TEST(sigv4::canonical_uri(p, false) == p);
  BOOST_TEST(sigv4::canonical_uri("", false) == "/");
}

BOOST_AUTO_TEST_CASE(encodes_utf8_and_reserved_characters) {
  BOOST_TEST(sigv4::canonical_uri("/\xE1\x88\xB4", true) == "/%E1%88%B4");
  BOOST_TEST(sigv4::canonical_uri("/\xE1\x88\xB4", false) == "/%E1%88%B4");
  BOOST_TEST(sigv4::canonical_uri("/example space/", true) == "/example%20space/");
  BOOST_TEST(sigv4::canonical_uri("/example space/", false) == "/example%20space/");
  BOOST_TEST(sigv4::canonical_uri("/example/$delete", true) == "/example/%24delete");
  const std::string unreserved = "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  BOOST_TEST(sigv4::canonical_uri(unreserved, true) == unreserved);
  BOOST_TEST(sigv4::canonical_uri(unreserved, false) == unreserved);
  BOOST_TEST(sigv4::canonical_uri("/a+b=c&d:e@f!*'()[],;", true) ==
             "/a%2Bb%3Dc%26d%3Ae%40f%21%2A%27%28%29%5B%5D%2C%3B");
  BOOST_TEST(sigv4::canonical_uri("/tab\there", false) == "/tab%09here");
}

BOOST_AUTO_TEST_CASE(generic_services_encode_the_wire_path_a_second_time) {
  // The request line carries /a%20b; the canonical form encodes its '%' again.
  BOOST_TEST(sigv4::canonical_uri("/%20/foo", true) == "/%2520/foo");
  BOOST_TEST(sigv4::canonical_uri("/functions/my%3Afunc/invocations", true) == "/functions/my%253Afunc/invocations");
}

BOOST_AUTO_TEST_CASE(s3_keeps_valid_escapes_and_encodes_the_rest_once) {
  BOOST_TEST(sigv4::canonical_uri("/test%24file.text", false) == "/test%24file.text");
  BOOST_TEST(sigv4::canonical_uri("/test-bucket/dir/b%20c%2Bd.txt", false) == "/test-bucket/dir/b%20c%2Bd.txt");
  BOOST_TEST(sigv4::canonical_uri("/b c+d.txt", false) == "/b%20c%2Bd.txt");
  // A '%' that starts no valid escape is a literal percent sign.
  BOOST_TEST(sigv4::canonical_uri("/100%", false) == "/100%25");
  BOOST_TEST(sigv4::canonical_uri("/100%zz", false) == "/100%25zz");
  BOOST_TEST(sigv4::canonical_uri("/%4", false) == "/%254");
  BOOST_TEST(sigv4::canonical_uri("/%41%zz", false) == "/%41%25zz");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canonical_query)

BOOST_AUTO_TEST_CASE(sorts_by_encoded_key_then_value) {
  BOOST_TEST(sigv4::canonical_query("Param2=value2&Param1=value1") == "Param1=value1&Param2=value2");
  // Repeated keys: sorted by value, byte order (upper case first).
  BOOST_TEST(sigv4::canonical_query("Param1=value2&Param1=Value1") == "Param1=Value1&Param1=value2");
  BOOST_TEST(sigv4::canonical_query("a=2&b=1&a=1&a=10") == "a=1&a=10&a=2&b=1");
  // By key first: "a" < "a-b" although "a-b=" < "a=" as whole strings.
  BOOST_TEST(sigv4::canonical_query("a-b=1&a=2") == "a=2&a-b=1");
  // Sorted by the encoded key: %E1... sorts before letters.
  BOOST_TEST(sigv4::canonical_query("Param-3=Value3&Param=Value2&%E1%88%B4=Value1") ==
             "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
}

BOOST_AUTO_TEST_CASE(empty_values_and_keys) {
  BOOST_TEST(sigv4::canonical_query("") == "");
  BOOST_TEST(sigv4::canonical_query("lifecycle") == "lifecycle=");
  BOOST_TEST(sigv4::canonical_query("Param1=") == "Param1=");
  BOOST_TEST(sigv4::canonical_query("a&b=&c=3") == "a=&b=&c=3");
  BOOST_TEST(sigv4::canonical_query("a=1&&b=2&") == "a=1&b=2");  // empty pairs carry nothing
  BOOST_TEST(sigv4::canonical_query("=x") == "=x");
  BOOST_TEST(sigv4::canonical_query("a=b=c") == "a=b%3Dc");  // split on the first '='
}

BOOST_AUTO_TEST_CASE(encodes_raw_input_and_keeps_already_encoded_input) {
  BOOST_TEST(sigv4::canonical_query("\xE1\x88\xB4=bar") == "%E1%88%B4=bar");
  BOOST_TEST(sigv4::canonical_query("%E1%88%B4=bar") == "%E1%88%B4=bar");
  BOOST_TEST(sigv4::canonical_query("prefix=dir%2f") == "prefix=dir%2F");  // escapes in upper case
  BOOST_TEST(sigv4::canonical_query("prefix=dir/") == "prefix=dir%2F");
  BOOST_TEST(sigv4::canonical_query("f oo=b ar") == "f%20oo=b%20ar");
  BOOST_TEST(sigv4::canonical_query("a=b+c") == "a=b%2Bc");  // '+' is a plus, not a space
  BOOST_TEST(sigv4::canonical_query("a=%7E%41") == "a=~A");  // unreserved escapes decode
  BOOST_TEST(sigv4::canonical_query("a=100%") == "a=100%25");  // malformed escape: literal
  BOOST_TEST(sigv4::canonical_query("a=%zz") == "a=%25zz");
  BOOST_TEST(sigv4::canonical_query("a=%41%zz%4") == "a=A%25zz%254");  // escape by escape
  BOOST_TEST(sigv4::canonical_query("continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&"
                                    "list-type=2&max-keys=2&prefix=dir%2F") ==
             "continuation-token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D&list-type=2&max-keys=2&"
             "prefix=dir%2F");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(canonical_request)

BOOST_AUTO_TEST_CASE(trims_folds_joins_and_sorts_headers) {
  sigv4::http_request req;
  req.method = "GET";
  req.path = "/";
  req.headers = {{"Host", "example.amazonaws.com"},
                 {"My-Header2", "  \"a   b\t\tc\"  "},
                 {"My-Header1", "value4"},
                 {"my-header1", "value1\n  value2"},
                 {"X-Amz-Date", "20150830T123600Z"},
                 {"User-Agent", "not named, not signed"}};
  const std::string creq =
      sigv4::canonical_request(req, "x-amz-date;my-header2;host;my-header1", sigv4::kEmptyPayloadHash, true);
  BOOST_TEST(creq ==
             "GET\n/\n\n"
             "host:example.amazonaws.com\n"
             "my-header1:value4,value1 value2\n"
             "my-header2:\"a b c\"\n"
             "x-amz-date:20150830T123600Z\n\n"
             "host;my-header1;my-header2;x-amz-date\n" +
                 std::string(sigv4::kEmptyPayloadHash));
}

BOOST_AUTO_TEST_CASE(a_named_header_the_request_lacks_is_empty) {
  sigv4::http_request req;
  req.method = "POST";
  req.path = "/";
  req.headers = {{"Host", "h"}};
  BOOST_TEST(sigv4::canonical_request(req, "host;x-missing", "UNSIGNED-PAYLOAD", true) ==
             "POST\n/\n\nhost:h\nx-missing:\n\nhost;x-missing\nUNSIGNED-PAYLOAD");
}

BOOST_AUTO_TEST_SUITE_END()
