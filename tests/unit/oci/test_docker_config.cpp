// kubernetes.io/dockerconfigjson payloads: key forms, auth vs username/password,
// tokens, and errors that never show a credential.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/oci/docker_config.hpp"
#include "adapters/oci/error_codes.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {
const std::string src = "Secret flux-system/regcred";
}

BOOST_AUTO_TEST_SUITE(docker_configs)

BOOST_AUTO_TEST_CASE(auth_field) {
  auto json = R"({"auths": {"123456789012.dkr.ecr.us-east-1.amazonaws.com": {"auth": ")" +
              enc::base64("AWS:ecr-password:with:colons") + R"("}}})";
  auto cfg = parse_docker_config(json, src);
  BOOST_REQUIRE(cfg.ok());
  auto auth = auth_for_registry(*cfg, "123456789012.dkr.ecr.us-east-1.amazonaws.com", src);
  BOOST_REQUIRE(auth.ok());
  BOOST_TEST((auth->type == registry_auth::kind::basic));
  BOOST_TEST(auth->username == "AWS");
  BOOST_TEST(auth->secret == "ecr-password:with:colons");
  BOOST_TEST(!auth->cached);
}

BOOST_AUTO_TEST_CASE(username_password_and_auth_precedence) {
  auto cfg = parse_docker_config(R"({"auths": {
      "ghcr.io": {"username": "u1", "password": "p1"},
      "quay.io": {"username": "ignored", "password": "ignored", "auth": ")" + enc::base64("u2:p2") + R"("}}})",
                                 src);
  BOOST_REQUIRE(cfg.ok());
  auto ghcr = auth_for_registry(*cfg, "ghcr.io", src);
  BOOST_REQUIRE(ghcr.ok());
  BOOST_TEST(ghcr->username == "u1");
  BOOST_TEST(ghcr->secret == "p1");
  auto quay = auth_for_registry(*cfg, "QUAY.io", src);
  BOOST_REQUIRE(quay.ok());
  BOOST_TEST(quay->username == "u2");
  BOOST_TEST(quay->secret == "p2");
}

BOOST_AUTO_TEST_CASE(key_forms) {
  auto cfg = parse_docker_config(R"({"auths": {
      "https://index.docker.io/v1/": {"auth": ")" + enc::base64("hub:1") + R"("},
      "http://registry.example:5000/v2/": {"auth": ")" + enc::base64("port:2") + R"("},
      "https://Other.Example": {"auth": ")" + enc::base64("other:3") + R"("},
      "plain.example/some/path": {"auth": ")" + enc::base64("plain:4") + R"("}}})",
                                 src);
  BOOST_REQUIRE(cfg.ok());
  for (const char* hub : {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
    auto a = auth_for_registry(*cfg, hub, src);
    BOOST_REQUIRE_MESSAGE(a.ok(), hub);
    BOOST_TEST(a->username == "hub");
  }
  BOOST_TEST(auth_for_registry(*cfg, "registry.example:5000", src)->username == "port");
  // The port is part of the registry: no entry for the host without it.
  BOOST_TEST(!auth_for_registry(*cfg, "registry.example", src).ok());
  BOOST_TEST(auth_for_registry(*cfg, "other.example", src)->username == "other");
  BOOST_TEST(auth_for_registry(*cfg, "plain.example", src)->username == "plain");
  BOOST_TEST(docker_config_key_host("https://index.docker.io/v1/") == "docker.io");
  BOOST_TEST(docker_config_key_host("https://") == "");
}

BOOST_AUTO_TEST_CASE(tokens) {
  auto cfg = parse_docker_config(R"({"auths": {
      "a.example": {"registrytoken": "rt"},
      "b.example": {"username": "<token>", "identitytoken": "it"}}})",
                                 src);
  BOOST_REQUIRE(cfg.ok());
  auto a = auth_for_registry(*cfg, "a.example", src);
  BOOST_REQUIRE(a.ok());
  BOOST_TEST((a->type == registry_auth::kind::bearer));
  BOOST_TEST(a->secret == "rt");
  auto b = auth_for_registry(*cfg, "b.example", src);
  BOOST_REQUIRE(b.ok());
  BOOST_TEST((b->type == registry_auth::kind::refresh_token));
  BOOST_TEST(b->secret == "it");
}

BOOST_AUTO_TEST_CASE(errors_name_the_secret_and_key_but_no_credential) {
  const std::string secret_pw = "s3cr3t-value";
  struct bad_case {
    std::string json;
    std::string needle;
  };
  std::vector<bad_case> cases = {
      {"not json " + secret_pw, "not valid JSON"},
      {"[]", "not a JSON object"},
      {"{}", "has no \"auths\""},
      {R"({"auths": []})", "\"auths\" is not an object"},
      {R"({"auths": {"https://": {"auth": "eA=="}}})", "does not name a registry host"},
      {R"({"auths": {"r.example": "x"}})", "auths[\"r.example\"] is not an object"},
      {R"({"auths": {"r.example": {"auth": "!!!)" + secret_pw + R"("}}})", "auths[\"r.example\"].auth is not valid base64"},
      {R"({"auths": {"r.example": {"auth": ")" + enc::base64(secret_pw) + R"("}}})", "not base64 of user:password"},
      {R"({"auths": {"r.example": {"password": 5}}})", "auths[\"r.example\"].password is not a string"},
  };
  for (const auto& c : cases) {
    auto r = parse_docker_config(c.json, src);
    BOOST_REQUIRE_MESSAGE(!r.ok(), c.json);
    BOOST_TEST(r.error().code == errc::invalid_docker_config);
    BOOST_TEST(r.error().message.find(src) == 0u);
    BOOST_TEST(r.error().message.find(c.needle) != std::string::npos, r.error().message);
    BOOST_TEST(r.error().message.find(secret_pw) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(missing_entry_and_empty_entry) {
  auto cfg = parse_docker_config(R"({"auths": {"a.example": {}}})", src);
  BOOST_REQUIRE(cfg.ok());
  auto missing = auth_for_registry(*cfg, "b.example", src);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("no credentials for registry \"b.example\"") != std::string::npos);
  auto empty = auth_for_registry(*cfg, "a.example", src);
  BOOST_REQUIRE(!empty.ok());
  BOOST_TEST(empty.error().message.find("has no credentials") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(identity_is_one_way_and_distinct) {
  auto a = registry_auth::basic("AWS", "token-1");
  auto b = registry_auth::basic("AWS", "token-2");
  BOOST_TEST(a.identity() != b.identity());
  BOOST_TEST(a.identity().find("token-1") == std::string::npos);
  BOOST_TEST(registry_auth::anonymous().identity() == "anonymous");
  BOOST_TEST(a.basic_header() == "Basic " + enc::base64("AWS:token-1"));
  BOOST_TEST(a.describe().find("token-1") == std::string::npos);
  BOOST_TEST(a.describe().find("AWS") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
