// The Bearer token exchange: request building (realm, service, scope, credentials,
// refusals), answer parsing, and the token cache's lifetime rules.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/oci/bearer_token_cache.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/token_exchange.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace std::chrono_literals;

namespace {

auth_challenge bearer(std::string realm, std::string service = "registry.example") {
  auth_challenge c;
  c.scheme = "bearer";
  c.params = {{"realm", std::move(realm)}, {"service", std::move(service)}};
  return c;
}

std::string header(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(token_exchange)

BOOST_AUTO_TEST_CASE(get_with_basic_credentials) {
  auto req = make_token_request(bearer("https://auth.example/token"), "repository:team/app:pull",
                                registry_auth::basic("user", "pw"), false, 5s);
  BOOST_REQUIRE(req.ok());
  BOOST_TEST(req->method == "GET");
  BOOST_TEST(req->url ==
             "https://auth.example/token?service=registry.example&scope=repository%3Ateam%2Fapp%3Apull");
  BOOST_TEST(header(*req, "Authorization") == "Basic " + enc::base64("user:pw"));
  BOOST_TEST(req->timeout == 5000ms);
}

BOOST_AUTO_TEST_CASE(anonymous_sends_no_credentials) {
  auto req = make_token_request(bearer("https://auth.example/token?x=1"), "repository:a:pull",
                                registry_auth::anonymous(), false, 5s);
  BOOST_REQUIRE(req.ok());
  BOOST_TEST(req->url == "https://auth.example/token?x=1&service=registry.example&scope=repository%3Aa%3Apull");
  BOOST_TEST(header(*req, "Authorization").empty());
}

BOOST_AUTO_TEST_CASE(empty_scope_and_service_are_left_out) {
  auto req = make_token_request(bearer("https://auth.example/token", ""), "", registry_auth::anonymous(), false, 5s);
  BOOST_REQUIRE(req.ok());
  BOOST_TEST(req->url == "https://auth.example/token");
}

BOOST_AUTO_TEST_CASE(identity_token_uses_oauth2_refresh) {
  auto req = make_token_request(bearer("https://auth.example/token"), "repository:a:pull",
                                registry_auth::identity_token("<token>", "refresh-xyz"), false, 5s);
  BOOST_REQUIRE(req.ok());
  BOOST_TEST(req->method == "POST");
  BOOST_TEST(req->url == "https://auth.example/token");
  BOOST_TEST(header(*req, "Content-Type") == "application/x-www-form-urlencoded");
  BOOST_TEST(req->body.find("grant_type=refresh_token") != std::string::npos);
  BOOST_TEST(req->body.find("refresh_token=refresh-xyz") != std::string::npos);
  BOOST_TEST(req->body.find("scope=repository%3Aa%3Apull") != std::string::npos);
  BOOST_TEST(header(*req, "Authorization").empty());
}

BOOST_AUTO_TEST_CASE(refusals) {
  auto plain = make_token_request(bearer("http://auth.example/token"), "s", registry_auth::basic("u", "p"), false, 5s);
  BOOST_REQUIRE(!plain.ok());
  BOOST_TEST(plain.error().code == errc::insecure_refused);
  BOOST_TEST(make_token_request(bearer("http://auth.example/token"), "s", registry_auth::basic("u", "p"), true, 5s).ok());
  auto no_realm = auth_challenge{"bearer", {{"service", "x"}}, ""};
  BOOST_TEST(make_token_request(no_realm, "s", registry_auth::anonymous(), false, 5s).error().code == errc::token_error);
  BOOST_TEST(make_token_request(bearer("/relative"), "s", registry_auth::anonymous(), false, 5s).error().code ==
             errc::token_error);
  BOOST_TEST(make_token_request(bearer("https://u:p@auth.example/"), "s", registry_auth::anonymous(), false, 5s)
                 .error()
                 .code == errc::token_error);
  BOOST_TEST(make_token_request(bearer("https://auth.example/"), "s", registry_auth::bearer("t"), false, 5s)
                 .error()
                 .code == errc::token_error);
}

BOOST_AUTO_TEST_CASE(token_answers) {
  auto a = parse_token_response(R"({"token": "abc", "expires_in": 300, "issued_at": "2024-01-01T00:00:00Z"})", "t");
  BOOST_REQUIRE(a.ok());
  BOOST_TEST(a->token == "abc");
  BOOST_TEST(a->expires_in.count() == 300);
  auto access = parse_token_response(R"({"access_token": "def"})", "t");
  BOOST_REQUIRE(access.ok());
  BOOST_TEST(access->token == "def");
  BOOST_TEST(access->expires_in.count() == 60);  // the spec's default
  auto both = parse_token_response(R"({"token": "", "access_token": "ghi", "expires_in": 0})", "t");
  BOOST_REQUIRE(both.ok());
  BOOST_TEST(both->token == "ghi");
  BOOST_TEST(both->expires_in.count() == 60);
}

BOOST_AUTO_TEST_CASE(bad_token_answers_do_not_echo_the_body) {
  for (const char* body : {"", "secret-ish", "[]", R"({"token": 5})", R"({"token": ""})", R"({"expires_in": 5})",
                           R"({"token": "a b"})", R"({"token": "line\nbreak"})"}) {
    auto r = parse_token_response(body, "token request to auth.example");
    BOOST_REQUIRE_MESSAGE(!r.ok(), body);
    BOOST_TEST(r.error().code == errc::token_error);
    BOOST_TEST(r.error().message.find("token request to auth.example") == 0u);
    if (std::string(body) == "secret-ish") BOOST_TEST(r.error().message.find("secret-ish") == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(cache_lifetime) {
  bearer_token_cache cache;
  auto t0 = bearer_token_cache::clock::time_point{} + 1000s;
  auto key = bearer_token_cache::key("https://r", "repository:a:pull", registry_auth::basic("u", "p").identity());
  BOOST_TEST(!cache.get(key, t0).has_value());
  cache.put(key, "tok", 300s, t0);
  BOOST_TEST(cache.get(key, t0 + 269s).value_or("") == "tok");
  BOOST_TEST(!cache.get(key, t0 + 271s).has_value());  // 10% margin: 270 s
  cache.put(key, "tok2", 3600s, t0);
  BOOST_TEST(cache.get(key, t0 + 3569s).value_or("") == "tok2");
  BOOST_TEST(!cache.get(key, t0 + 3571s).has_value());  // margin capped at 30 s
  cache.evict(key);
  BOOST_TEST(!cache.get(key, t0).has_value());
}

BOOST_AUTO_TEST_CASE(cache_keys_separate_hosts_scopes_and_identities) {
  bearer_token_cache cache;
  auto now = bearer_token_cache::clock::now();
  auto id_a = registry_auth::basic("u", "a").identity();
  auto id_b = registry_auth::basic("u", "b").identity();
  cache.put(bearer_token_cache::key("https://r1", "s", id_a), "t1", 300s, now);
  BOOST_TEST(!cache.get(bearer_token_cache::key("https://r2", "s", id_a), now).has_value());
  BOOST_TEST(!cache.get(bearer_token_cache::key("https://r1", "s2", id_a), now).has_value());
  BOOST_TEST(!cache.get(bearer_token_cache::key("https://r1", "s", id_b), now).has_value());
  BOOST_TEST(cache.get(bearer_token_cache::key("https://r1", "s", id_a), now).has_value());
}

BOOST_AUTO_TEST_CASE(cache_is_bounded) {
  bearer_token_cache cache(3);
  auto now = bearer_token_cache::clock::now();
  cache.put("expired", "x", 60s, now - 120s);
  cache.put("short", "x", 100s, now);
  cache.put("long", "x", 1000s, now);
  BOOST_TEST(cache.size() == 3u);
  cache.put("new1", "x", 500s, now);  // drops the expired one
  BOOST_TEST(cache.size() == 3u);
  BOOST_TEST(cache.get("short", now).has_value());
  cache.put("new2", "x", 500s, now);  // drops the one closest to expiry
  BOOST_TEST(cache.size() == 3u);
  BOOST_TEST(!cache.get("short", now).has_value());
  BOOST_TEST(cache.get("long", now).has_value());
  BOOST_TEST(cache.get("new2", now).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
