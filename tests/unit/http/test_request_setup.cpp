// Pure pieces of the HTTP client: request header lines, response header collection,
// curl error mapping and failure descriptions.
#include <boost/test/unit_test.hpp>

#include "adapters/http/curl_errors.hpp"
#include "adapters/http/request_setup.hpp"
#include "adapters/http/response_headers.hpp"

using namespace fluxaws::http;

BOOST_AUTO_TEST_SUITE(request_setup)

BOOST_AUTO_TEST_CASE(headers_keep_order_and_switch_off_curl_defaults) {
  header_list h = {{"X-Amz-Date", "20240101T000000Z"},
                   {"Authorization", "AWS4-HMAC-SHA256 Credential=x"},
                   {"a-header", "1"}};
  auto lines = curl_header_lines(h);
  BOOST_REQUIRE(lines.ok());
  std::vector<std::string> expected = {"X-Amz-Date: 20240101T000000Z",
                                       "Authorization: AWS4-HMAC-SHA256 Credential=x",
                                       "a-header: 1", "Accept:", "Expect:", "Content-Type:"};
  BOOST_TEST(*lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(own_accept_and_content_type_are_kept_and_not_disabled) {
  header_list h = {{"content-type", "application/x-amz-json-1.1"},
                   {"Accept", "application/vnd.oci.image.manifest.v1+json"}};
  auto lines = curl_header_lines(h);
  BOOST_REQUIRE(lines.ok());
  std::vector<std::string> expected = {"content-type: application/x-amz-json-1.1",
                                       "Accept: application/vnd.oci.image.manifest.v1+json",
                                       "Expect:"};
  BOOST_TEST(*lines == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_value_uses_curl_semicolon_syntax) {
  auto lines = curl_header_lines({{"X-Empty", ""}});
  BOOST_REQUIRE(lines.ok());
  BOOST_TEST(lines->front() == "X-Empty;");
}

BOOST_AUTO_TEST_CASE(header_injection_is_refused_without_echoing_the_value) {
  auto lines = curl_header_lines({{"X-Token", "secret-value\r\nEvil: 1"}});
  BOOST_REQUIRE(!lines.ok());
  BOOST_TEST(lines.error().code == "invalid_request");
  BOOST_TEST(lines.error().message.find("X-Token") != std::string::npos);
  BOOST_TEST(lines.error().message.find("secret-value") == std::string::npos);

  BOOST_TEST(!curl_header_lines({{"Bad Name", "v"}}).ok());
  BOOST_TEST(!curl_header_lines({{"Bad:Name", "v"}}).ok());
  BOOST_TEST(!curl_header_lines({{"", "v"}}).ok());
  BOOST_TEST(!curl_header_lines({{"X", std::string("a\0b", 3)}}).ok());
}

BOOST_AUTO_TEST_CASE(methods) {
  for (auto m : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}) BOOST_TEST(is_supported_method(m));
  for (auto m : {"get", "TRACE", "CONNECT", "", "GET "}) BOOST_TEST(!is_supported_method(m));
  BOOST_TEST(!method_allows_body("GET"));
  BOOST_TEST(!method_allows_body("HEAD"));
  BOOST_TEST(method_allows_body("POST"));
  BOOST_TEST(method_allows_body("DELETE"));
  BOOST_TEST(is_http_token("X-Amz-Security-Token"));
  BOOST_TEST(!is_http_token("X(1)"));
}

BOOST_AUTO_TEST_CASE(origin_keys_group_requests_by_scheme_host_and_port) {
  BOOST_TEST(origin_key("https://STS.us-east-1.amazonaws.com/?Action=x") ==
             "https://sts.us-east-1.amazonaws.com:443");
  BOOST_TEST(origin_key("HTTP://127.0.0.1:8080/echo") == "http://127.0.0.1:8080");
  BOOST_TEST(origin_key("http://user:pw@registry.local/v2/") == "http://registry.local:80");
  BOOST_TEST(origin_key("https://[::1]:8443/x") == "https://[::1]:8443");
  BOOST_TEST(origin_key("not a url").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(response_headers)

BOOST_AUTO_TEST_CASE(names_lower_cased_values_trimmed_order_kept) {
  header_collector c;
  for (auto line : {"HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n",
                    "X-Dup: a\r\n", "x-dup:  b \r\n", "Docker-Content-Digest:sha256:ab\r\n", "\r\n"})
    c.add_line(line);
  header_list expected = {{"content-type", "application/json"},
                          {"x-dup", "a"},
                          {"x-dup", "b"},
                          {"docker-content-digest", "sha256:ab"}};
  BOOST_TEST((c.headers() == expected));
}

BOOST_AUTO_TEST_CASE(a_new_status_line_starts_over) {
  header_collector c;
  for (auto line : {"HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 302 Found\r\n",
                    "Location: /x\r\n", "\r\n", "HTTP/2 200\r\n", "etag: \"1\"\r\n", "\r\n"})
    c.add_line(line);
  header_list expected = {{"etag", "\"1\""}};
  BOOST_TEST((c.take() == expected));
}

BOOST_AUTO_TEST_CASE(folded_lines_and_junk) {
  header_collector c;
  for (auto line : {"HTTP/1.1 200 OK\r\n", "X-Long: part one\r\n", "\t part two\r\n",
                    "no colon here\r\n", ": no name\r\n"})
    c.add_line(line);
  header_list expected = {{"x-long", "part one part two"}};
  BOOST_TEST((c.headers() == expected));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(curl_codes_map_to_distinct_failures) {
  BOOST_TEST((classify(CURLE_OK) == failure::none));
  BOOST_TEST((classify(CURLE_COULDNT_RESOLVE_HOST) == failure::dns));
  BOOST_TEST((classify(CURLE_COULDNT_RESOLVE_PROXY) == failure::dns));
  BOOST_TEST((classify(CURLE_COULDNT_CONNECT) == failure::connection_refused));
  BOOST_TEST((classify(CURLE_PEER_FAILED_VERIFICATION) == failure::tls));
  BOOST_TEST((classify(CURLE_SSL_CONNECT_ERROR) == failure::tls));
  BOOST_TEST((classify(CURLE_SSL_CACERT_BADFILE) == failure::tls));
  BOOST_TEST((classify(CURLE_OPERATION_TIMEDOUT) == failure::timeout));
  BOOST_TEST((classify(CURLE_FILESIZE_EXCEEDED) == failure::body_too_large));
  BOOST_TEST((classify(CURLE_RECV_ERROR) == failure::io));
  BOOST_TEST((classify(CURLE_GOT_NOTHING) == failure::io));
  BOOST_TEST((classify(CURLE_PARTIAL_FILE) == failure::io));
  BOOST_TEST((classify(CURLE_URL_MALFORMAT) == failure::invalid_request));
  BOOST_TEST((classify(CURLE_UNSUPPORTED_PROTOCOL) == failure::invalid_request));
  BOOST_TEST((classify(CURLE_TOO_MANY_REDIRECTS) == failure::other));
}

BOOST_AUTO_TEST_CASE(describe_failure_names_the_host_not_the_credentials) {
  response r;
  r.fail = failure::connection_refused;
  r.error = "Failed to connect";
  auto d = r.describe_failure("https://user:pa55@sts.us-east-1.amazonaws.com:443/?Action=x");
  BOOST_TEST(d == "connection refused: sts.us-east-1.amazonaws.com:443 (Failed to connect)");
  BOOST_TEST(d.find("pa55") == std::string::npos);
  r.fail = failure::dns;
  r.error.clear();
  BOOST_TEST(r.describe_failure("http://nosuch.invalid/x") == "DNS lookup failed: nosuch.invalid");
}

BOOST_AUTO_TEST_SUITE_END()
