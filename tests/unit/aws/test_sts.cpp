// STS: request bodies byte for byte against the AWS SDK captures, answers parsed as
// the SDK parsed them, and the broken answers that must be errors.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/sts.hpp"
#include "adapters/common/time.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

const std::vector<test::capture_exchange>& captures() {
  static const auto all = load_capture("sts-assume-role-with-web-identity.json");
  return all;
}

endpoint capture_endpoint() {
  endpoint_settings st;
  st.endpoint_url = "http://127.0.0.1:45123";
  return *resolve_endpoint(service::sts, "us-east-1", st);
}

sts::web_identity_params capture_params() {
  sts::web_identity_params p;
  p.role_arn = "arn:aws:iam::123456789012:role/FederatedWebIdentityRole";
  p.role_session_name = "app1";
  p.web_identity_token =
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpidWlsZGVyIn0.c2lnbmF0dXJl";
  p.duration_seconds = 3600;
  return p;
}

std::string creds_doc(std::string_view expiration, bool xmlns = true, bool wrapper = true) {
  std::string inner =
      "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>s</SecretAccessKey>"
      "<SessionToken>t</SessionToken><Expiration>" +
      std::string(expiration) + "</Expiration></Credentials>";
  if (wrapper) inner = "<AssumeRoleWithWebIdentityResult>" + inner + "</AssumeRoleWithWebIdentityResult>";
  return std::string("<AssumeRoleWithWebIdentityResponse") +
         (xmlns ? " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"" : "") + ">" + inner +
         "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sts_wire)

BOOST_AUTO_TEST_CASE(web_identity_request_matches_the_sdk_byte_for_byte) {
  const auto& x = find_exchange(captures(), "success");
  auto req = sts::assume_role_with_web_identity_request(capture_endpoint(), capture_params());
  BOOST_TEST(req.body == x.request.body);
  BOOST_TEST(req.method == x.request.method);
  BOOST_TEST(req.path == "/");
  BOOST_TEST(req.url() == "http://127.0.0.1:45123/");
  BOOST_TEST((req.auth == auth_mode::none));  // unsigned, as the SDK sends it
  auto http_req = to_http_request(req, std::chrono::seconds(5));
  BOOST_TEST(http_req.url == "http://127.0.0.1:45123/");
  bool content_type = false, host = false;
  for (const auto& [k, v] : http_req.headers) {
    if (k == "Content-Type") content_type = v == x.request.header("content-type");
    if (k == "Host") host = v == x.request.header("host");
    BOOST_TEST(k != "Authorization");
    BOOST_TEST(k != "X-Amz-Date");
  }
  BOOST_TEST(content_type);
  BOOST_TEST(host);
  BOOST_TEST(http_req.body == x.request.body);
  // Even with credentials at hand, signing leaves it unsigned.
  credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "static"};
  auto signed_req = sign_request(req, c, std::chrono::system_clock::now(), std::chrono::seconds(5));
  for (const auto& h : signed_req.headers) BOOST_TEST(h.first != "Authorization");
}

BOOST_AUTO_TEST_CASE(optional_members_and_encoding) {
  auto p = capture_params();
  p.duration_seconds.reset();
  auto body = sts::assume_role_with_web_identity_body(p);
  BOOST_TEST(body.find("DurationSeconds") == std::string::npos);
  p.policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
  p.policy = "{\"Version\":\"2012-10-17\"}";
  p.provider_id = "www.amazon.com";
  p.duration_seconds = 900;
  body = sts::assume_role_with_web_identity_body(p);
  BOOST_TEST(body.find("&ProviderId=www.amazon.com&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess"
                       "&Policy=%7B%22Version%22%3A%222012-10-17%22%7D&DurationSeconds=900") != std::string::npos);
  BOOST_TEST(sts::form_encode({{"a b", "c+d/e*f!'()~"}}) == "a%20b=c%2Bd%2Fe%2Af%21%27%28%29~");
}

BOOST_AUTO_TEST_CASE(get_caller_identity_request_and_answer) {
  const auto& x = find_exchange(captures(), "bonus-GetCallerIdentity-signed");
  auto req = sts::get_caller_identity_request(capture_endpoint());
  BOOST_TEST(req.body == x.request.body);
  BOOST_TEST((req.auth == auth_mode::sigv4));
  BOOST_TEST(req.headers.at(0).second == x.request.header("content-type"));
  auto id = sts::parse_get_caller_identity(x.response);
  BOOST_REQUIRE(id.ok());
  BOOST_TEST(id->account == "123456789012");
  BOOST_TEST(id->arn == "arn:aws:iam::123456789012:user/Alice");
  BOOST_TEST(id->user_id == "AIDACKCEVSQ6C2EXAMPLE");
}

BOOST_AUTO_TEST_CASE(assume_role_request_in_model_order) {
  sts::assume_role_params p;
  p.role_arn = "arn:aws:iam::123456789012:role/demo";
  p.role_session_name = "s";
  p.duration_seconds = 1800;
  p.external_id = "ext-1";
  p.source_identity = "me";
  auto req = sts::assume_role_request(capture_endpoint(), p);
  BOOST_TEST(req.body ==
             "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
             "&RoleSessionName=s&DurationSeconds=1800&ExternalId=ext-1&SourceIdentity=me");
  BOOST_TEST((req.auth == auth_mode::sigv4));
  auto ok = sts::parse_assume_role(make_response(
      200,
      "<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/demo/s</Arn>"
      "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>ASIA1</AccessKeyId>"
      "<SecretAccessKey>sk</SecretAccessKey><SessionToken>tok</SessionToken>"
      "<Expiration>2015-08-30T13:36:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>"));
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->creds.source == "assume-role");
  BOOST_TEST(ok->assumed_role_arn == "arn:aws:sts::123456789012:assumed-role/demo/s");
}

BOOST_AUTO_TEST_CASE(captured_success_parses_like_the_sdk) {
  const auto& x = find_exchange(captures(), "success");
  auto r = sts::parse_assume_role_with_web_identity(x.response);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  const auto& out = *x.sdk_result.find("output");
  const auto& c = *out.find("Credentials");
  BOOST_TEST(r->creds.access_key_id == c.find("AccessKeyId")->as_string());
  BOOST_TEST(r->creds.secret_access_key == c.find("SecretAccessKey")->as_string());
  BOOST_TEST(r->creds.session_token == c.find("SessionToken")->as_string());
  BOOST_REQUIRE(r->creds.expiration.has_value());
  BOOST_TEST(timefmt::rfc3339_millis(*r->creds.expiration) == c.find("Expiration")->as_string());
  BOOST_TEST(r->creds.source == "web-identity");
  BOOST_TEST(r->assumed_role_arn == out.find("AssumedRoleUser")->find("Arn")->as_string());
  BOOST_TEST(r->assumed_role_id == out.find("AssumedRoleUser")->find("AssumedRoleId")->as_string());
  BOOST_TEST(r->subject_from_web_identity_token == out.find("SubjectFromWebIdentityToken")->as_string());
  BOOST_TEST(r->audience == out.find("Audience")->as_string());
  BOOST_TEST(r->provider == out.find("Provider")->as_string());
}

BOOST_AUTO_TEST_CASE(captured_errors) {
  auto r = sts::parse_assume_role_with_web_identity(find_exchange(captures(), "error-InvalidIdentityToken").response);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "InvalidIdentityTokenException");
  BOOST_TEST(r.error().status == 400);
  BOOST_TEST(r.error().message.find("Incorrect token audience") != std::string::npos);
  BOOST_TEST(r.error().message.find("InvalidIdentityToken)") != std::string::npos);  // wire code kept

  r = sts::parse_assume_role_with_web_identity(find_exchange(captures(), "error-AccessDenied").response);
  BOOST_TEST(r.error().code == "AccessDenied");
  BOOST_TEST(r.error().status == 403);
  r = sts::parse_assume_role_with_web_identity(find_exchange(captures(), "error-ExpiredTokenException").response);
  BOOST_TEST(r.error().code == "ExpiredTokenException");
  // The token never appears in an error.
  BOOST_TEST(r.error().message.find("eyJhbGci") == std::string::npos);
}

// sdk-response-tolerance.txt: the variations the SDK accepts.
BOOST_AUTO_TEST_CASE(tolerated_variations) {
  for (auto exp : {"2015-08-30T13:36:00Z", "2015-08-30T13:36:00.000Z", "2015-08-30T13:36:00+00:00"}) {
    for (bool xmlns : {true, false}) {
      BOOST_TEST_CONTEXT(exp << " xmlns=" << xmlns) {
        auto r = sts::parse_assume_role_with_web_identity(make_response(200, creds_doc(exp, xmlns)));
        BOOST_REQUIRE(r.ok());
        BOOST_TEST(r->creds.access_key_id == "ASIAEXAMPLE");
        BOOST_TEST(timefmt::rfc3339_millis(*r->creds.expiration) == "2015-08-30T13:36:00.000Z");
      }
    }
  }
  // Element order does not matter; whitespace around values is not part of them.
  auto r = sts::parse_assume_role_with_web_identity(make_response(
      200,
      "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\n"
      "  <Expiration>2015-08-30T13:36:00Z</Expiration>\n  <SessionToken>t</SessionToken>\n"
      "  <SecretAccessKey>s</SecretAccessKey>\n  <AccessKeyId>ASIA</AccessKeyId>\n"
      "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->creds.session_token == "t");
}

BOOST_AUTO_TEST_CASE(answers_that_must_be_errors_not_empty_credentials) {
  auto check = [](const http::response& resp, const std::string& needle) {
    auto r = sts::parse_assume_role_with_web_identity(resp);
    BOOST_TEST_CONTEXT(resp.body.substr(0, 80)) {
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().message.find(needle) != std::string::npos, r.error().message);
      BOOST_TEST(r.error().message.rfind("STS AssumeRoleWithWebIdentity", 0) == 0u);
    }
  };
  // The SDK returns {} for this one; we refuse it.
  check(make_response(200, creds_doc("2015-08-30T13:36:00Z", true, false)), "AssumeRoleWithWebIdentityResult");
  check(make_response(200,
                      "<ErrorResponse><Error><Code>AccessDenied</Code><Message>m</Message></Error></ErrorResponse>"),
        "error document");
  check(make_response(200, "<Error><Code>AccessDenied</Code></Error>"), "error document");
  check(make_response(200, "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult/>"
                           "</AssumeRoleWithWebIdentityResponse>"),
        "Credentials");
  std::string no_secret = creds_doc("2015-08-30T13:36:00Z");
  no_secret.replace(no_secret.find("<SecretAccessKey>s</SecretAccessKey>"), 36, "<SecretAccessKey></SecretAccessKey>");
  check(make_response(200, no_secret), "Credentials/SecretAccessKey");
  check(make_response(200, creds_doc("tomorrow")), "RFC 3339");
  check(make_response(200, ""), "malformed XML");
  check(make_response(200, R"({"Credentials":{}})"), "malformed XML");
  std::string full = creds_doc("2015-08-30T13:36:00Z");
  for (std::size_t n : {full.size() / 4, full.size() / 2, full.size() - 3}) {
    auto r = sts::parse_assume_role_with_web_identity(make_response(200, full.substr(0, n)));
    BOOST_TEST(!r.ok());
  }
  http::response failed;
  failed.fail = http::failure::dns;
  auto r = sts::parse_assume_role_with_web_identity(failed);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "dns");
}

BOOST_AUTO_TEST_SUITE_END()
