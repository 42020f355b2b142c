// Authentication against fake servers in front of the live registry:
//  - a Basic registry (ECR-style "AWS:<token>") that records every Authorization it
//    receives: credentials only after its challenge, only to it, refusals reported as
//    Unauthorized;
//  - a Bearer registry with a separate token server: realm/service/scope, Basic
//    credentials to the token server only, the token cached across calls and per
//    credential.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <set>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/error_codes.hpp"
#include "fake_server.hpp"
#include "oci_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace fluxaws::oci::testing;

namespace {

std::string query_param(const std::string& target, const std::string& key) {
  auto q = target.find('?');
  if (q == std::string::npos) return {};
  for (auto pair : str::split(std::string_view(target).substr(q + 1), '&')) {
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
  }
  return {};
}

fake_reply unauthorized(std::string challenge) {
  fake_reply r;
  r.status = 401;
  r.headers = {{"WWW-Authenticate", std::move(challenge)}, {"Content-Type", "application/json"}};
  r.body = R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})";
  return r;
}

const std::string ecr_password = "eyJwYXlsb2FkIjoiZWNyLXRva2VuIn0";  // an ECR-like token

struct basic_fixture : client_fixture {
  live_registry& reg = live();
  std::string expected = "Basic " + enc::base64("AWS:" + ecr_password);
  fake_server registry_server{[this, fwd = forward_to(live().process.port())](const fake_request& r) {
    if (r.header("authorization") != expected)
      return unauthorized(R"(Basic realm="http://)" + std::string("127.0.0.1") + R"(/",service="ecr.amazonaws.com")");
    return fwd(r);
  }};
  // Another registry on another port: open to anyone.
  fake_server other_server{forward_to(live().process.port())};
  repository_ref repo = repo_at(registry_server.authority(), reg.content.repo);
  repository_ref other_repo = repo_at(other_server.authority(), reg.content.repo);
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(basic_auth, basic_fixture)

BOOST_AUTO_TEST_CASE(anonymous_is_refused_without_sending_anything) {
  auto r = ask<manifest_result>(get_manifest_atom::value,
                                manifest_request{repo, "latest", registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.status == 401);
  BOOST_TEST(r.error.message.find("requires credentials") != std::string::npos, r.error.message);
  auto seen = registry_server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 1u);
  BOOST_TEST(seen[0].header("authorization").empty());
}

BOOST_AUTO_TEST_CASE(ecr_style_credentials_after_the_challenge) {
  auto creds = registry_auth::basic("AWS", ecr_password, true);
  auto r = ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "latest", creds, local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->digest == reg.content.artifact.digest);
  auto seen = registry_server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0].header("authorization").empty());
  BOOST_TEST(seen[1].header("authorization") == expected);

  // Known host: the next operations send Basic at once, blobs included.
  registry_server.clear();
  auto tags = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, creds, local()});
  BOOST_REQUIRE_MESSAGE(tags.ok(), tags.error.to_string());
  blob_request b;
  b.repo = repo;
  b.digest = "sha256:" + digest::sha256_hex(reg.content.layer);
  b.auth = creds;
  b.opts = local();
  b.dest = tmp.file("layer");
  b.max_bytes = 1 << 20;
  auto blob = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE_MESSAGE(blob.ok(), blob.error.to_string());
  seen = registry_server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  for (const auto& s : seen) BOOST_TEST(s.header("authorization") == expected);
}

BOOST_AUTO_TEST_CASE(stale_cached_token_is_unauthorized) {
  auto stale = registry_auth::basic("AWS", "an-expired-token", true);
  auto r = ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "latest", stale, local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.message.find("UNAUTHORIZED: authentication required") != std::string::npos, r.error.message);
  BOOST_TEST(r.error.message.find("an-expired-token") == std::string::npos);
  BOOST_TEST(registry_server.requests().size() == 2u);  // tried once, no loop
  // The caller evicts and retries once with a fresh token: success.
  auto fresh = registry_auth::basic("AWS", ecr_password, true);
  BOOST_TEST(ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "latest", fresh, local()}).ok());
}

BOOST_AUTO_TEST_CASE(credentials_go_only_where_asked) {
  auto creds = registry_auth::basic("AWS", ecr_password, true);
  BOOST_REQUIRE(ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "latest", creds, local()}).ok());
  // Another registry, asked anonymously, gets nothing, although the client knows
  // (and has used) credentials for the first one.
  auto other = ask<manifest_result>(get_manifest_atom::value,
                                    manifest_request{other_repo, "latest", registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(other.ok(), other.error.to_string());
  for (const auto& s : other_server.requests()) BOOST_TEST(s.header("authorization").empty());
  // And credentials sent to the first registry never appear anywhere else.
  for (const auto& s : other_server.requests())
    for (const auto& [k, v] : s.headers) BOOST_TEST(v.find(enc::base64("AWS:" + ecr_password)) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(pagination_link_to_another_registry_is_refused) {
  fake_server paging{[this](const fake_request& r) {
    if (r.header("authorization") != expected) return unauthorized(R"(Basic realm="x")");
    fake_reply reply;
    reply.headers = {{"Content-Type", "application/json"},
                     {"Link", "<" + other_server.origin() + "/v2/" + reg.content.repo + "/tags/list?last=a>; rel=\"next\""}};
    reply.body = R"({"name":"flux/podinfo","tags":["a"]})";
    return reply;
  }};
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(paging.authority(), reg.content.repo),
                                           registry_auth::basic("AWS", ecr_password, true), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::pagination_refused);
  BOOST_TEST(r.error.message.find(other_server.authority()) != std::string::npos, r.error.message);
  BOOST_TEST(other_server.requests().empty());
}

BOOST_AUTO_TEST_CASE(blob_redirect_to_storage_carries_no_credentials) {
  // As ECR does: the blob answer is a redirect to pre-signed storage elsewhere.
  fake_server storage{[this](const fake_request&) { return fake_reply{200, {}, reg.content.layer}; }};
  fake_server redirecting{[this, &storage, fwd = forward_to(live().process.port())](const fake_request& r) {
    if (r.header("authorization") != expected) return unauthorized(R"(Basic realm="x")");
    if (r.target.find("/blobs/") != std::string::npos)
      return fake_reply{307, {{"Location", storage.origin() + "/layer?X-Amz-Signature=abc"}}, ""};
    return fwd(r);
  }};
  blob_request b;
  b.repo = repo_at(redirecting.authority(), reg.content.repo);
  b.digest = "sha256:" + digest::sha256_hex(reg.content.layer);
  b.auth = registry_auth::basic("AWS", ecr_password, true);
  b.opts = local();
  b.dest = tmp.file("layer");
  b.max_bytes = 1 << 20;
  auto r = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST((read_file(b.dest) == reg.content.layer));
  auto at_storage = storage.requests();
  BOOST_REQUIRE_EQUAL(at_storage.size(), 1u);
  BOOST_TEST(at_storage[0].target == "/layer?X-Amz-Signature=abc");
  BOOST_TEST(at_storage[0].header("authorization").empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---- Bearer ----------------------------------------------------------------------------

namespace {

struct bearer_fixture : client_fixture {
  live_registry& reg = live();
  std::mutex mtx;
  std::set<std::string> issued;  // valid tokens
  std::atomic<int> counter{0};
  // Token server: Basic robot credentials (any "robot*" user with password "pw"), or anonymous.
  fake_server token_server{[this](const fake_request& r) {
    auto auth = r.header("authorization");
    std::string user;
    if (!auth.empty()) {
      auto decoded = enc::unbase64(std::string_view(auth).substr(6)).value_or("");
      if (decoded.substr(decoded.find(':') + 1) != "pw") return fake_reply{401, {}, R"({"details":"bad credentials"})"};
      user = decoded.substr(0, decoded.find(':'));
    } else {
      user = "anonymous";
    }
    auto token = "tok-" + user + "-" + std::to_string(++counter);
    {
      std::lock_guard<std::mutex> g(mtx);
      issued.insert(token);
    }
    return fake_reply{200, {{"Content-Type", "application/json"}},
                      R"({"token":")" + token + R"(","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"})"};
  }};
  fake_server registry_server{[this, fwd = forward_to(live().process.port())](const fake_request& r) {
    auto auth = r.header("authorization");
    bool ok = false;
    if (str::starts_with(auth, "Bearer ")) {
      std::lock_guard<std::mutex> g(mtx);
      ok = issued.count(auth.substr(7)) > 0;
    }
    if (!ok)
      return unauthorized(R"(Bearer realm=")" + token_server.origin() +
                          R"(/token",service="fake-registry",scope="repository:)" + reg.content.repo + R"(:pull")");
    return fwd(r);
  }};
  repository_ref repo = repo_at(registry_server.authority(), reg.content.repo);
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bearer_auth, bearer_fixture)

BOOST_AUTO_TEST_CASE(token_flow_with_realm_service_and_scope) {
  auto creds = registry_auth::basic("robot", "pw");
  auto r = ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "v1.0.0", creds, local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->digest == reg.content.artifact.digest);

  auto tokens = token_server.requests();
  BOOST_REQUIRE_EQUAL(tokens.size(), 1u);
  BOOST_TEST(tokens[0].method == "GET");
  BOOST_TEST(str::starts_with(tokens[0].target, "/token?"));
  BOOST_TEST(query_param(tokens[0].target, "service") == "fake-registry");
  BOOST_TEST(query_param(tokens[0].target, "scope") == "repository%3Aflux%2Fpodinfo%3Apull");
  BOOST_TEST(tokens[0].header("authorization") == "Basic " + enc::base64("robot:pw"));

  auto seen = registry_server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);
  BOOST_TEST(seen[0].header("authorization").empty());
  BOOST_TEST(seen[1].header("authorization") == "Bearer tok-robot-1");
  // The registry never sees the robot's password.
  for (const auto& s : seen) BOOST_TEST(!str::starts_with(s.header("authorization"), "Basic"));
}

BOOST_AUTO_TEST_CASE(token_cached_across_calls_and_per_credential) {
  auto robot = registry_auth::basic("robot", "pw");
  BOOST_REQUIRE(ask<manifest_result>(get_manifest_atom::value, manifest_request{repo, "v1.0.0", robot, local()}).ok());
  registry_server.clear();
  auto tags = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, robot, local()});
  BOOST_REQUIRE_MESSAGE(tags.ok(), tags.error.to_string());
  blob_request b;
  b.repo = repo;
  b.digest = "sha256:" + digest::sha256_hex(reg.content.layer);
  b.auth = robot;
  b.opts = local();
  b.dest = tmp.file("layer");
  b.max_bytes = 1 << 20;
  auto blob = ask<blob_result>(fetch_blob_atom::value, b);
  BOOST_REQUIRE_MESSAGE(blob.ok(), blob.error.to_string());
  BOOST_TEST(token_server.requests().size() == 1u);  // one token for all three calls
  auto seen = registry_server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 2u);  // sent with the cached token at once
  for (const auto& s : seen) BOOST_TEST(s.header("authorization") == "Bearer tok-robot-1");
  auto st = stats();
  BOOST_TEST(st.token_requests == 1u);
  BOOST_TEST(st.token_cache_hits == 2u);

  // Other credentials get their own token.
  auto robot2 = registry_auth::basic("robot2", "pw");
  BOOST_REQUIRE(ask<tag_list>(list_tags_atom::value, list_tags_request{repo, robot2, local()}).ok());
  BOOST_TEST(token_server.requests().size() == 2u);
  BOOST_TEST(registry_server.requests().back().header("authorization") == "Bearer tok-robot2-2");
}

BOOST_AUTO_TEST_CASE(anonymous_token_and_ping) {
  auto ping = ask<ping_result>(ping_atom::value, ping_request{repo, registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(ping.ok(), ping.error.to_string());
  BOOST_TEST(ping.value->auth_scheme == "bearer");
  auto tokens = token_server.requests();
  BOOST_REQUIRE_EQUAL(tokens.size(), 1u);
  BOOST_TEST(tokens[0].header("authorization").empty());
  BOOST_TEST(query_param(tokens[0].target, "scope").empty());  // a ping asks for no repository
}

BOOST_AUTO_TEST_CASE(token_server_refusal) {
  auto r = ask<tag_list>(list_tags_atom::value, list_tags_request{repo, registry_auth::basic("robot", "wrong"), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::unauthorized);
  BOOST_TEST(r.error.message.find("token request to " + token_server.authority()) != std::string::npos,
             r.error.message);
  BOOST_TEST(r.error.message.find("wrong") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
