// The 401 decisions: what to send first, when to retry with Basic or a fresh token,
// and when to give up with Unauthorized — without ever sending credentials the caller
// did not choose.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/auth_flow.hpp"
#include "adapters/oci/error_codes.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {

const http::header_list basic_401{{"Www-Authenticate", R"(Basic realm="https://r/",service="ecr.amazonaws.com")"}};
const http::header_list bearer_401{{"www-authenticate", R"(Bearer realm="https://auth/token",service="r")"}};

auth_challenge known(std::string scheme) {
  auth_challenge c;
  c.scheme = std::move(scheme);
  c.params = {{"realm", "https://auth/token"}};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_flow)

BOOST_AUTO_TEST_CASE(first_request_to_an_unknown_host_sends_nothing) {
  auto p = plan_first_request(registry_auth::basic("AWS", "pw"), std::nullopt, std::nullopt);
  BOOST_TEST(p.authorization.empty());
  BOOST_TEST(!p.fetch_token_first);
}

BOOST_AUTO_TEST_CASE(first_request_to_a_known_basic_host) {
  auto creds = registry_auth::basic("AWS", "pw");
  auto p = plan_first_request(creds, known("basic"), std::nullopt);
  BOOST_TEST(p.authorization == creds.basic_header());
  auto anon = plan_first_request(registry_auth::anonymous(), known("basic"), std::nullopt);
  BOOST_TEST(anon.authorization.empty());
}

BOOST_AUTO_TEST_CASE(first_request_to_a_known_bearer_host) {
  auto cached = plan_first_request(registry_auth::anonymous(), known("bearer"), std::string("tok"));
  BOOST_TEST(cached.authorization == "Bearer tok");
  BOOST_TEST(cached.uses_cached_token);
  auto fetch = plan_first_request(registry_auth::basic("u", "p"), known("bearer"), std::nullopt);
  BOOST_TEST(fetch.authorization.empty());
  BOOST_TEST(fetch.fetch_token_first);
}

BOOST_AUTO_TEST_CASE(registry_token_is_sent_as_is) {
  auto p = plan_first_request(registry_auth::bearer("rt"), std::nullopt, std::nullopt);
  BOOST_TEST(p.authorization == "Bearer rt");
  auto after = plan_after_unauthorized(registry_auth::bearer("rt"), bearer_401, {});
  BOOST_TEST((after.action == retry_plan::kind::give_up));
  BOOST_TEST(after.reason.find("registry token") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(basic_challenge) {
  auto creds = registry_auth::basic("AWS", "pw", true);
  auto first = plan_after_unauthorized(creds, basic_401, {});
  BOOST_TEST((first.action == retry_plan::kind::basic));
  attempt_history tried;
  tried.sent_basic = true;
  auto second = plan_after_unauthorized(creds, basic_401, tried);
  BOOST_TEST((second.action == retry_plan::kind::give_up));
  BOOST_TEST(second.reason.find("refused basic credentials for user \"AWS\"") != std::string::npos);
  BOOST_TEST(second.reason.find("pw") == std::string::npos);
  auto anon = plan_after_unauthorized(registry_auth::anonymous(), basic_401, {});
  BOOST_TEST((anon.action == retry_plan::kind::give_up));
  BOOST_TEST(anon.reason.find("requires credentials") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bearer_challenge) {
  auto first = plan_after_unauthorized(registry_auth::anonymous(), bearer_401, {});
  BOOST_TEST((first.action == retry_plan::kind::fetch_token));
  BOOST_TEST(first.challenge.param("realm") == "https://auth/token");
  attempt_history cached;
  cached.sent_cached_token = true;  // a cached token went stale: fetch a fresh one
  BOOST_TEST((plan_after_unauthorized(registry_auth::anonymous(), bearer_401, cached).action ==
              retry_plan::kind::fetch_token));
  attempt_history fresh;
  fresh.sent_fresh_token = true;
  auto give_up = plan_after_unauthorized(registry_auth::basic("u", "p"), bearer_401, fresh);
  BOOST_TEST((give_up.action == retry_plan::kind::give_up));
  BOOST_TEST(give_up.reason.find("auth") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(no_or_unsupported_challenge) {
  auto none = plan_after_unauthorized(registry_auth::basic("u", "p"), {}, {});
  BOOST_TEST((none.action == retry_plan::kind::give_up));
  BOOST_TEST(none.reason.find("no WWW-Authenticate") != std::string::npos);
  auto odd = plan_after_unauthorized(registry_auth::basic("u", "p"), {{"WWW-Authenticate", "Negotiate abc"}}, {});
  BOOST_TEST((odd.action == retry_plan::kind::give_up));
  BOOST_TEST(odd.reason.find("negotiate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ecr_expired_token_denial) {
  const std::string expired =
      R"({"errors":[{"code":"DENIED","message":"Your Authorization Token has expired. Reauthenticate and try again."}]})";
  BOOST_TEST(is_expired_token_denial(403, expired));
  BOOST_TEST(!is_expired_token_denial(401, expired));
  BOOST_TEST(!is_expired_token_denial(403, R"({"errors":[{"code":"DENIED","message":"not authorized"}]})"));
  BOOST_TEST(!is_expired_token_denial(403, "authorization token has expired"));  // not a registry error body
}

BOOST_AUTO_TEST_CASE(unauthorized_error_text) {
  auto e = unauthorized_error("manifest r/app:v1",
                              R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                              "the registry refused basic credentials for user \"AWS\"");
  BOOST_TEST(e.code == errc::unauthorized);
  BOOST_TEST(e.status == 401);
  BOOST_TEST(e.message ==
             "manifest r/app:v1: 401 Unauthorized: UNAUTHORIZED: authentication required (the registry refused basic "
             "credentials for user \"AWS\")");
}

BOOST_AUTO_TEST_SUITE_END()
