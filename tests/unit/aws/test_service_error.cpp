// Error documents of every protocol: each captured error answer must give the name and
// message the AWS SDK gave (sdk_result.error), plus the variations of
// sdk-response-tolerance.txt.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/service_error.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::load_capture;

namespace {

void check_errors_of(const std::string& file, protocol p, int expected_count) {
  int n = 0;
  for (const auto& x : load_capture(file)) {
    if (x.sdk_result.find("ok")->as_bool()) continue;
    const auto& sdk = *x.sdk_result.find("error");
    auto e = parse_service_error(p, x.response.status, x.response.headers, x.response.body);
    BOOST_TEST_CONTEXT(file << " " << x.name) {
      BOOST_TEST(e.code == sdk.find("name")->as_string());
      BOOST_TEST(e.message == sdk.find("message")->as_string());
      if (const auto* code = sdk.find("Code")) BOOST_TEST(e.wire_code == code->as_string());
      if (const auto* type = sdk.find("Type")) BOOST_TEST(e.type == type->as_string());
      BOOST_TEST(e.status == x.response.status);
      BOOST_TEST(e.server_fault() == (sdk.find("$fault")->as_string() == "server"));
      BOOST_TEST(!e.request_id.empty());
      auto info = to_error_info(e, "OP");
      BOOST_TEST(info.code == e.code);
      BOOST_TEST(info.status == x.response.status);
      BOOST_TEST(info.message.rfind("OP: ", 0) == 0u);
    }
    ++n;
  }
  BOOST_TEST(n == expected_count);
}

http::header_list json_type() { return {{"content-type", "application/x-amz-json-1.1"}}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(service_errors)

BOOST_AUTO_TEST_CASE(captured_json_errors) {
  check_errors_of("kms-decrypt.json", protocol::json, 5);
  check_errors_of("ecr-get-authorization-token.json", protocol::json, 2);
}

BOOST_AUTO_TEST_CASE(captured_query_errors_map_to_sdk_names) {
  check_errors_of("sts-assume-role-with-web-identity.json", protocol::query, 3);
  BOOST_TEST(sts_error_name("InvalidIdentityToken") == "InvalidIdentityTokenException");
  BOOST_TEST(sts_error_name("IDPRejectedClaim") == "IDPRejectedClaimException");
  BOOST_TEST(sts_error_name("IDPCommunicationError") == "IDPCommunicationErrorException");
  BOOST_TEST(sts_error_name("MalformedPolicyDocument") == "MalformedPolicyDocumentException");
  BOOST_TEST(sts_error_name("PackedPolicyTooLarge") == "PackedPolicyTooLargeException");
  BOOST_TEST(sts_error_name("RegionDisabledException") == "RegionDisabledException");
  BOOST_TEST(sts_error_name("AccessDenied") == "AccessDenied");
  BOOST_TEST(sts_error_name("ValidationError") == "ValidationError");
}

BOOST_AUTO_TEST_CASE(captured_rest_xml_errors) {
  // NoSuchKey, SignatureDoesNotMatch, and the 304 the SDK reports as "Unknown".
  int n = 0;
  for (const auto& x : load_capture("s3-object-ops.json")) {
    if (x.sdk_result.find("ok")->as_bool()) continue;
    const auto& sdk = *x.sdk_result.find("error");
    auto e = parse_service_error(protocol::rest_xml, x.response.status, x.response.headers, x.response.body);
    BOOST_TEST_CONTEXT(x.name) {
      if (x.response.status == 304) {
        BOOST_TEST(e.code == "NotModified");
        BOOST_TEST(e.message == "UnknownError");
      } else {
        BOOST_TEST(e.code == sdk.find("name")->as_string());
        BOOST_TEST(e.message == sdk.find("message")->as_string());
      }
      BOOST_TEST(e.request_id == "4442587FB7D0A2F9");
    }
    ++n;
  }
  BOOST_TEST(n == 3);
  auto head404 = parse_service_error(protocol::rest_xml, 404, {}, "");
  BOOST_TEST(head404.code == "NotFound");
  auto redirect = parse_service_error(protocol::rest_xml, 301, {{"x-amz-bucket-region", "eu-west-1"}}, "");
  BOOST_TEST(redirect.code == "MovedPermanently");
  BOOST_TEST(redirect.bucket_region == "eu-west-1");
}

// sdk-response-tolerance.txt, KMS lines.
BOOST_AUTO_TEST_CASE(json_tolerance_variants) {
  auto e = parse_service_error(protocol::json, 400, {{"x-amzn-errortype", "AccessDeniedException"}}, "{}");
  BOOST_TEST(e.code == "AccessDeniedException");
  BOOST_TEST(e.message == "UnknownError");

  e = parse_service_error(protocol::json, 400, json_type(), R"({"__type":"AccessDeniedException","Message":"capital M"})");
  BOOST_TEST(e.code == "AccessDeniedException");
  BOOST_TEST(e.message == "capital M");

  e = parse_service_error(protocol::json, 400, json_type(), R"({"code":"AccessDeniedException","message":"m"})");
  BOOST_TEST(e.code == "AccessDeniedException");
  BOOST_TEST(e.message == "m");

  e = parse_service_error(protocol::json, 400, json_type(), "");
  BOOST_TEST(e.code == "Unknown");
  BOOST_TEST(e.message == "UnknownError");

  e = parse_service_error(protocol::json, 403, {}, "<html>forbidden</html>");
  BOOST_TEST(e.code == "Unknown");
  BOOST_TEST(e.message.find("not a JSON error document") != std::string::npos);

  e = parse_service_error(protocol::json, 400, {}, R"({"__type":"com.amazonaws.kms#NotFoundException:extra","message":null})");
  BOOST_TEST(e.code == "NotFoundException");
  BOOST_TEST(e.message == "UnknownError");

  e = parse_service_error(protocol::json, 400, {}, R"(["not","an","object"])");
  BOOST_TEST(e.code == "Unknown");
  e = parse_service_error(protocol::json, 400, {}, R"({"__type":42,"message":7})");
  BOOST_TEST(e.code == "Unknown");
  BOOST_TEST(e.message == "UnknownError");
}

// sdk-response-tolerance.txt, STS lines.
BOOST_AUTO_TEST_CASE(query_tolerance_variants) {
  auto e = parse_service_error(protocol::query, 400, {}, "<Error><Code>XXX</Code><Message>XXX</Message></Error>");
  BOOST_TEST(e.code == "Unknown");
  BOOST_TEST(e.wire_code == "XXX");
  BOOST_TEST(e.message == "XXX");

  e = parse_service_error(protocol::query, 400, {},
                          "<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code>"
                          "<Message>1 validation error</Message></Error></ErrorResponse>");
  BOOST_TEST(e.code == "ValidationError");
  BOOST_TEST(e.message == "1 validation error");

  e = parse_service_error(protocol::query, 400, {}, R"({"__type":"ValidationError"})");
  BOOST_TEST(e.code == "Unknown");
  BOOST_TEST(e.message.find("not an XML error document") != std::string::npos);

  e = parse_service_error(protocol::query, 500, {}, "<ErrorResponse><Error><Code>InternalFailure</Code>");
  BOOST_TEST(e.code == "Unknown");  // truncated: no crash, no guess
  BOOST_TEST(e.server_fault());
}

BOOST_AUTO_TEST_CASE(transport_failures_name_the_host) {
  http::response r;
  r.fail = http::failure::timeout;
  auto e = transport_error(r, "https://sts.us-east-1.amazonaws.com/", "STS AssumeRoleWithWebIdentity");
  BOOST_TEST(e.code == "timeout");
  BOOST_TEST(e.message.find("sts.us-east-1.amazonaws.com") != std::string::npos);
  r.fail = http::failure::connection_refused;
  BOOST_TEST(transport_error(r, "http://127.0.0.1:1/", "x").code == "connection_refused");
  auto none = response_error(protocol::json, fluxaws::test::make_response(200, "{}"), "u", "op");
  BOOST_TEST(!none.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
