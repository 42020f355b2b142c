// ECR / ECR Public GetAuthorizationToken: bodies and targets against the SDK capture,
// answers (and their variations) as the SDK parses them, and broken answers.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/ecr_api.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/time.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

const std::vector<test::capture_exchange>& captures() {
  static const auto all = load_capture("ecr-get-authorization-token.json");
  return all;
}

endpoint local_endpoint(service s) {
  endpoint_settings st;
  st.endpoint_url = "http://127.0.0.1:45123";
  return *resolve_endpoint(s, "us-east-1", st);
}

std::string header(const service_request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ecr_wire)

BOOST_AUTO_TEST_CASE(requests_match_the_sdk) {
  const auto& plain = find_exchange(captures(), "success-no-registryIds");
  auto req = ecr::get_authorization_token_request(local_endpoint(service::ecr));
  BOOST_TEST(req.body == plain.request.body);
  BOOST_TEST(header(req, "Content-Type") == plain.request.header("content-type"));
  BOOST_TEST(header(req, "X-Amz-Target") == plain.request.header("x-amz-target"));
  BOOST_TEST(req.ep.signing_name == "ecr");
  BOOST_TEST(req.method == "POST");

  const auto& ids = find_exchange(captures(), "success-with-registryIds");
  auto req2 = ecr::get_authorization_token_request(local_endpoint(service::ecr), {"123456789012"});
  BOOST_TEST(req2.body == ids.request.body);
}

BOOST_AUTO_TEST_CASE(captured_answers) {
  for (const char* name : {"success-no-registryIds", "success-with-registryIds"}) {
    const auto& x = find_exchange(captures(), name);
    auto t = ecr::parse_get_authorization_token(x.response);
    BOOST_TEST_CONTEXT(name) {
      BOOST_REQUIRE_MESSAGE(t.ok(), (t.ok() ? std::string() : t.error().message));
      const auto& data = x.sdk_result.find("output")->find("authorizationData")->as_array().at(0);
      BOOST_TEST(timefmt::rfc3339_millis(t->expires_at) == data.find("expiresAt")->as_string());
      BOOST_TEST(t->proxy_endpoint == data.find("proxyEndpoint")->as_string());
      auto decoded = *enc::unbase64(data.find("authorizationToken")->as_string());
      BOOST_TEST(t->username == "AWS");
      BOOST_TEST(t->username + ":" + t->password == decoded);
    }
  }
  auto denied = ecr::parse_get_authorization_token(find_exchange(captures(), "error-AccessDeniedException").response);
  BOOST_REQUIRE(!denied.ok());
  BOOST_TEST(denied.error().code == "AccessDeniedException");
  auto unrec = ecr::parse_get_authorization_token(find_exchange(captures(), "error-UnrecognizedClientException").response);
  BOOST_TEST(unrec.error().code == "UnrecognizedClientException");
}

// sdk-response-tolerance.txt, ECR lines; "QVdTOnB3" is base64("AWS:pw").
BOOST_AUTO_TEST_CASE(expires_at_forms) {
  auto parse = [](std::string body) { return ecr::parse_get_authorization_token(make_response(200, std::move(body))); };
  auto num = parse(R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":1440979200,"proxyEndpoint":"https://x"}]})");
  BOOST_REQUIRE(num.ok());
  BOOST_TEST(timefmt::rfc3339_millis(num->expires_at) == "2015-08-31T00:00:00.000Z");
  BOOST_TEST(num->password == "pw");
  auto str = parse(R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":"1440979200","proxyEndpoint":"https://x"}]})");
  BOOST_REQUIRE(str.ok());
  BOOST_TEST(timefmt::rfc3339_millis(str->expires_at) == "2015-08-31T00:00:00.000Z");
  auto frac = parse(R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":1440979200.5}]})");
  BOOST_TEST(timefmt::rfc3339_millis(frac->expires_at) == "2015-08-31T00:00:00.500Z");
  auto iso = parse(R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":"2015-08-31T00:00:00.000Z"}]})");
  BOOST_TEST(!iso.ok());
}

BOOST_AUTO_TEST_CASE(token_split_on_first_colon) {
  auto pair = ecr::decode_authorization_token(enc::base64("AWS:pass:with:colons"));
  BOOST_REQUIRE(pair.ok());
  BOOST_TEST(pair->first == "AWS");
  BOOST_TEST(pair->second == "pass:with:colons");
  BOOST_TEST(!ecr::decode_authorization_token(enc::base64("no-colon")).ok());
  BOOST_TEST(!ecr::decode_authorization_token("%%%").ok());
  BOOST_TEST(!ecr::decode_authorization_token(enc::base64(":pw")).ok());
  BOOST_TEST(!ecr::decode_authorization_token(enc::base64("AWS:")).ok());
}

BOOST_AUTO_TEST_CASE(broken_answers_are_parse_errors) {
  const char* bodies[] = {
      R"({"authorizationData":[]})",  // the SDK accepts it; no token is an error for us
      R"({})",
      R"({"authorizationData":{}})",
      R"({"authorizationData":[{"expiresAt":1440979200}]})",
      R"({"authorizationData":[{"authorizationToken":"QVdTOnB3"}]})",
      R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":null}]})",
      R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":true}]})",
      R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":-5}]})",
      R"({"authorizationData":[{"authorizationToken":"%%%","expiresAt":1}]})",
      R"({"authorizationData":[{"authorizationToken":12,"expiresAt":1}]})",
      R"({"authorizationData":["x"]})",
      R"({"__type":"AccessDeniedException","message":"m"})",  // error body at 200
      R"({"authorizationData":[{"authorizationToken":"QVdTOnB3","expiresAt":14409)",
      "[]",
      "",
      "<xml/>",
  };
  for (auto b : bodies) {
    auto r = ecr::parse_get_authorization_token(make_response(200, b));
    BOOST_TEST_CONTEXT(b) {
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().code == "parse");
      BOOST_TEST(r.error().message.rfind("ECR GetAuthorizationToken", 0) == 0u);
      BOOST_TEST(r.error().message.find("QVdTOnB3") == std::string::npos);
      BOOST_TEST(r.error().message.find("pw") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(ecr_public_request_and_single_object_answer) {
  auto ep = resolve_endpoint(service::ecr_public, "us-east-1", {});
  BOOST_TEST(ep->to_string() == "https://api.ecr-public.us-east-1.amazonaws.com");
  auto req = ecr::get_public_authorization_token_request(*ep);
  BOOST_TEST(req.body == "{}");
  BOOST_TEST(header(req, "X-Amz-Target") == "SpencerFrontendService.GetAuthorizationToken");
  BOOST_TEST(header(req, "Content-Type") == "application/x-amz-json-1.1");
  BOOST_TEST(req.ep.signing_name == "ecr-public");
  BOOST_TEST(req.url() == "https://api.ecr-public.us-east-1.amazonaws.com/");

  auto ok = ecr::parse_get_public_authorization_token(
      make_response(200, R"({"authorizationData":{"authorizationToken":"QVdTOnB3","expiresAt":1440979200}})"));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->username == "AWS");
  BOOST_TEST(ok->password == "pw");
  BOOST_TEST(!ecr::parse_get_public_authorization_token(make_response(200, R"({"authorizationData":[]})")).ok());
  BOOST_TEST(!ecr::parse_get_public_authorization_token(make_response(200, R"({})")).ok());
  auto denied = ecr::parse_get_public_authorization_token(
      make_response(400, R"({"__type":"AccessDeniedException","message":"no"})"));
  BOOST_TEST(denied.error().code == "AccessDeniedException");
}

BOOST_AUTO_TEST_SUITE_END()
