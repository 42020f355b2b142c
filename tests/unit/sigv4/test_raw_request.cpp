// The test-suite request parser (request.txt / *.req).
#include <boost/test/unit_test.hpp>

#include "tests/unit/sigv4/raw_request.hpp"

using fluxaws::testsupport::parse_raw_request;

BOOST_AUTO_TEST_SUITE(raw_request)

BOOST_AUTO_TEST_CASE(raw_space_and_utf8_in_the_target) {
  std::string err;
  auto r = parse_raw_request("GET /example space/?a=b c HTTP/1.1\nHost:example.amazonaws.com\n", &err);
  BOOST_TEST_REQUIRE(r.has_value(), err);
  BOOST_TEST(r->method == "GET");
  BOOST_TEST(r->path == "/example space/");
  BOOST_TEST(r->query == "a=b c");
  r = parse_raw_request("GET /\xE1\x88\xB4 HTTP/1.1\nHost:h\n", &err);
  BOOST_TEST_REQUIRE(r.has_value(), err);
  BOOST_TEST(r->path == "/\xE1\x88\xB4");
  BOOST_TEST(r->query.empty());
}

BOOST_AUTO_TEST_CASE(obs_fold_continues_the_previous_header) {
  std::string err;
  auto r = parse_raw_request("GET / HTTP/1.1\nHost:h\nMy-Header1:value1\n  value2\n     value3\n", &err);
  BOOST_TEST_REQUIRE(r.has_value(), err);
  BOOST_TEST_REQUIRE(r->headers.size() == 2u);
  BOOST_TEST(r->headers[1].first == "My-Header1");
  BOOST_TEST(r->headers[1].second == "value1\n  value2\n     value3");
  BOOST_TEST(r->body.empty());
}

BOOST_AUTO_TEST_CASE(body_after_the_blank_line_verbatim) {
  std::string err;
  auto r = parse_raw_request("POST / HTTP/1.1\nHost:h\nMy-Header1: v \n\nParam1=value1\n\nmore", &err);
  BOOST_TEST_REQUIRE(r.has_value(), err);
  BOOST_TEST(r->headers[1].second == " v ");
  BOOST_TEST(r->body == "Param1=value1\n\nmore");
  r = parse_raw_request("GET / HTTP/1.1\r\nHost:h\r\nDate:x\r\n\r\nbody\r\n", &err);
  BOOST_TEST_REQUIRE(r.has_value(), err);
  BOOST_TEST(r->headers[0].second == "h");
  BOOST_TEST(r->body == "body\r\n");
}

BOOST_AUTO_TEST_CASE(rejects_broken_requests) {
  std::string err;
  BOOST_TEST(!parse_raw_request("", &err));
  BOOST_TEST(!parse_raw_request("GET /\n", &err));
  BOOST_TEST(!parse_raw_request("GET / HTTP/1.1\n continuation first\n", &err));
  BOOST_TEST(!parse_raw_request("GET / HTTP/1.1\nno colon\n", &err));
  BOOST_TEST(!err.empty());
}

BOOST_AUTO_TEST_SUITE_END()
