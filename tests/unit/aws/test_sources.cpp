// Credential sources as step machines, fed canned answers: no actor, no socket, no file.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/default_chain.hpp"
#include "adapters/aws/retry.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

const auto kNow = *timefmt::parse_rfc3339("2015-08-30T12:36:00Z");

std::string header_of(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, name)) return v;
  return {};
}

// By value: the steps passed in are usually temporaries.
http::request http_of(const source_step& s) {
  BOOST_REQUIRE(is_http(s));
  return std::get<0>(s);
}

result<credentials> done_of(const source_step& s) {
  BOOST_REQUIRE(is_done(s));
  return std::get<2>(s);
}

std::unique_ptr<credential_source> from_env(const env_map& env) {
  auto cfg = choose_source(env);
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  return make_source(*cfg, kNow);
}

const char* kCredsJson =
    R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"sk","Token":"tok","Expiration":"2015-08-30T18:36:00Z","AccountId":"123456789012"})";

env_map web_identity_env() {
  return {{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/FederatedWebIdentityRole"},
          {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"},
          {"AWS_ROLE_SESSION_NAME", "app1"},
          {"AWS_REGION", "us-west-2"}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(credential_sources)

BOOST_AUTO_TEST_CASE(default_chain_order) {
  env_map all = web_identity_env();
  all["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE";
  all["AWS_SECRET_ACCESS_KEY"] = "secret";
  all["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://169.254.170.23/v1/credentials";
  BOOST_TEST(source_name(*choose_source(all)) == "static");
  all.erase("AWS_ACCESS_KEY_ID");
  all.erase("AWS_SECRET_ACCESS_KEY");
  BOOST_TEST(source_name(*choose_source(all)) == "web-identity");
  all.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  BOOST_TEST(source_name(*choose_source(all)) == "container");
  all.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  BOOST_TEST(source_name(*choose_source(all)) == "imds");
  all["AWS_EC2_METADATA_DISABLED"] = "true";
  auto none = choose_source(all);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().message.find("no AWS credentials") != std::string::npos);
  // Empty values count as unset.
  BOOST_TEST(!choose_source({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_EC2_METADATA_DISABLED", "true"}}).ok());
}

BOOST_AUTO_TEST_CASE(static_keys) {
  auto src = from_env({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"},
                       {"AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
                       {"AWS_SESSION_TOKEN", "tok"}});
  const auto& r = done_of(src->start());
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->access_key_id == "AKIDEXAMPLE");
  BOOST_TEST(r->session_token == "tok");
  BOOST_TEST(!r->expiration.has_value());
  BOOST_TEST(r->source == "static");
  BOOST_TEST(r->describe() == "AKIDEXAMPLE (static)");

  auto alias = from_env({{"AWS_ACCESS_KEY", "AKID2"}, {"AWS_SECRET_KEY", "s2"},
                         {"AWS_CREDENTIAL_EXPIRATION", "2015-08-30T13:36:00Z"}});
  const auto& a = done_of(alias->start());
  BOOST_TEST(a->access_key_id == "AKID2");
  BOOST_TEST(timefmt::rfc3339(*a->expiration) == "2015-08-30T13:36:00Z");

  auto missing = choose_source({{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}});
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("AWS_SECRET_ACCESS_KEY") != std::string::npos);
  auto bad_exp = choose_source({{"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "super-secret"},
                                {"AWS_CREDENTIAL_EXPIRATION", "soon"}});
  BOOST_REQUIRE(!bad_exp.ok());
  BOOST_TEST(bad_exp.error().message.find("super-secret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(web_identity_steps) {
  auto sts_capture = load_capture("sts-assume-role-with-web-identity.json");
  auto src = from_env(web_identity_env());
  BOOST_TEST(src->name() == "web-identity");
  auto step = src->start();
  BOOST_REQUIRE(is_file(step));
  BOOST_TEST(std::get<1>(step).path == "/var/run/secrets/eks.amazonaws.com/serviceaccount/token");

  const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpidWlsZGVyIn0.c2lnbmF0dXJl";
  step = src->on_file(result<std::string>(jwt + "\n"));
  const auto& req = http_of(step);
  BOOST_TEST(req.method == "POST");
  BOOST_TEST(req.url == "https://sts.us-west-2.amazonaws.com/");
  BOOST_TEST(header_of(req, "Host") == "sts.us-west-2.amazonaws.com");
  BOOST_TEST(header_of(req, "Authorization").empty());
  BOOST_TEST(header_of(req, "Content-Type") == "application/x-www-form-urlencoded");
  // The captured body, minus DurationSeconds (not set here).
  std::string expected = find_exchange(sts_capture, "success").request.body;
  expected.resize(expected.find("&DurationSeconds"));
  BOOST_TEST(req.body == expected);
  BOOST_TEST(req.timeout.count() > 0);

  step = src->on_http(find_exchange(sts_capture, "success").response);
  const auto& r = done_of(step);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->access_key_id == "ASIAIOSFODNN7EXAMPLE");
  BOOST_TEST(r->source == "web-identity");
  BOOST_TEST(timefmt::rfc3339(*r->expiration) == "2015-08-30T13:36:00Z");
  // Fed again after done: an error, not a second result.
  BOOST_TEST(!done_of(src->on_http(find_exchange(sts_capture, "success").response)).ok());
}

BOOST_AUTO_TEST_CASE(web_identity_generated_session_name_and_env_errors) {
  auto env = web_identity_env();
  env.erase("AWS_ROLE_SESSION_NAME");
  auto src = from_env(env);
  src->start();
  auto step = src->on_file(result<std::string>(std::string("tok")));
  BOOST_TEST(http_of(step).body.find("RoleSessionName=fluxaws-1440938160000") != std::string::npos);

  env = web_identity_env();
  env.erase("AWS_ROLE_ARN");
  auto no_role = choose_source(env);
  BOOST_REQUIRE(!no_role.ok());
  BOOST_TEST(no_role.error().message.find("AWS_ROLE_ARN") != std::string::npos);

  env = web_identity_env();
  env.erase("AWS_REGION");
  BOOST_REQUIRE(!choose_source(env).ok());
  BOOST_TEST(choose_source(env).error().message.find("AWS_REGION") != std::string::npos);
  env["AWS_DEFAULT_REGION"] = "eu-west-1";
  BOOST_TEST(std::get<web_identity_config>(*choose_source(env)).sts.to_string() == "https://sts.eu-west-1.amazonaws.com");

  env = web_identity_env();
  env["AWS_USE_FIPS_ENDPOINT"] = "true";
  BOOST_TEST(std::get<web_identity_config>(*choose_source(env)).sts.to_string() == "https://sts-fips.us-west-2.amazonaws.com");
  env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4566";
  BOOST_TEST(!choose_source(env).ok());  // FIPS with a custom endpoint
  env.erase("AWS_USE_FIPS_ENDPOINT");
  BOOST_TEST(std::get<web_identity_config>(*choose_source(env)).sts.to_string() == "http://127.0.0.1:4566");
}

BOOST_AUTO_TEST_CASE(web_identity_token_file_problems) {
  auto src = from_env(web_identity_env());
  src->start();
  auto r = done_of(src->on_file(result<std::string>(make_error(
      "token_file", "token file /var/run/secrets/eks.amazonaws.com/serviceaccount/token: No such file or directory"))));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "token_file");
  BOOST_TEST(r.error().message.find("/var/run/secrets/eks.amazonaws.com/serviceaccount/token") != std::string::npos);
  BOOST_TEST(r.error().message.find("FederatedWebIdentityRole") != std::string::npos);

  auto empty = from_env(web_identity_env());
  empty->start();
  auto e = done_of(empty->on_file(result<std::string>(std::string(" \n"))));
  BOOST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().message.find("is empty") != std::string::npos);
  BOOST_TEST(e.error().message.find("/var/run/secrets/eks.amazonaws.com/serviceaccount/token") != std::string::npos);

  // Out of order: an HTTP answer before the file.
  auto early = from_env(web_identity_env());
  early->start();
  BOOST_TEST(!done_of(early->on_http(make_response(200, ""))).ok());
}

BOOST_AUTO_TEST_CASE(web_identity_sts_errors) {
  auto sts_capture = load_capture("sts-assume-role-with-web-identity.json");
  for (auto [name, code] : {std::pair{"error-ExpiredTokenException", "ExpiredTokenException"},
                            std::pair{"error-InvalidIdentityToken", "InvalidIdentityTokenException"},
                            std::pair{"error-AccessDenied", "AccessDenied"}}) {
    auto src = from_env(web_identity_env());
    src->start();
    src->on_file(result<std::string>(std::string("tok")));
    const auto& r = done_of(src->on_http(find_exchange(sts_capture, name).response));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == code);
    BOOST_TEST(is_auth_error(r.error()));
    BOOST_TEST(!is_retryable(r.error()));
  }
  auto src = from_env(web_identity_env());
  src->start();
  src->on_file(result<std::string>(std::string("tok")));
  http::response timeout;
  timeout.fail = http::failure::timeout;
  const auto& r = done_of(src->on_http(timeout));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "timeout");
  BOOST_TEST(r.error().message.find("sts.us-west-2.amazonaws.com") != std::string::npos);
  BOOST_TEST(is_retryable(r.error()));
  // A 200 without the Result wrapper never becomes empty credentials.
  auto src2 = from_env(web_identity_env());
  src2->start();
  src2->on_file(result<std::string>(std::string("tok")));
  BOOST_TEST(!done_of(src2->on_http(make_response(200, "<AssumeRoleWithWebIdentityResponse/>"))).ok());
}

BOOST_AUTO_TEST_CASE(container_pod_identity_steps) {
  auto src = from_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                        "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-when-a-file-is-set"}});
  BOOST_TEST(src->name() == "container");
  auto step = src->start();
  BOOST_REQUIRE(is_file(step));
  BOOST_TEST(std::get<1>(step).path == "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token");
  step = src->on_file(result<std::string>(std::string("pod-identity-jwt\n")));
  const auto& req = http_of(step);
  BOOST_TEST(req.method == "GET");
  BOOST_TEST(req.url == "http://169.254.170.23/v1/credentials");
  BOOST_TEST(header_of(req, "Authorization") == "pod-identity-jwt");
  const auto& r = done_of(src->on_http(make_response(200, kCredsJson)));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->access_key_id == "ASIACONTAINER");
  BOOST_TEST(r->session_token == "tok");
  BOOST_TEST(r->source == "container");
  BOOST_TEST(timefmt::rfc3339(*r->expiration) == "2015-08-30T18:36:00Z");
}

BOOST_AUTO_TEST_CASE(container_token_from_env_and_relative_uri) {
  auto src = from_env({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc-123"},
                       {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:8080/ignored"},
                       {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "static-token"}});
  const auto& req = http_of(src->start());
  BOOST_TEST(req.url == "http://169.254.170.2/v2/credentials/abc-123");
  BOOST_TEST(header_of(req, "Authorization") == "static-token");

  auto no_token = from_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "https://creds.example.com/c?x=1"}});
  const auto& nt = http_of(no_token->start());
  BOOST_TEST(nt.url == "https://creds.example.com/c?x=1");
  BOOST_TEST(header_of(nt, "Authorization").empty());
}

BOOST_AUTO_TEST_CASE(container_host_allow_list) {
  for (const char* ok : {"http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/v1/credentials",
                         "http://[fd00:ec2:0::23]:80/x", "http://169.254.170.2/creds", "http://127.0.0.1:8080/creds",
                         "http://127.42.0.1/creds", "http://localhost:9000/creds", "http://[::1]:9000/creds",
                         "http://[::ffff:127.0.0.1]/creds", "https://anything.example.com/creds",
                         "HTTPS://Anything.Example.com/creds"}) {
    BOOST_TEST_CONTEXT(ok) { BOOST_TEST(check_container_url(ok).ok()); }
  }
  for (const char* bad : {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/creds", "http://example.com/creds",
                          "http://[fd00:ec2::24]/creds", "http://169.254.170.23.evil.com/creds",
                          "http://localhost.evil.com/creds", "http://128.0.0.1/creds", "ftp://127.0.0.1/creds",
                          "http://user@127.0.0.1/creds", "not a url", "http:///creds", "http://0x7f000001/creds"}) {
    BOOST_TEST_CONTEXT(bad) {
      auto st = check_container_url(bad);
      BOOST_TEST(!st.ok());
    }
  }
  auto refused = choose_source({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.1.2.3:8080/creds"}});
  BOOST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().message.find("AWS_CONTAINER_CREDENTIALS_FULL_URI") != std::string::npos);
  BOOST_TEST(refused.error().message.find("10.1.2.3") != std::string::npos);
  // A hand-made config with a refused URL is refused at start, before any request.
  container_config cfg;
  cfg.url = "http://10.1.2.3/creds";
  cfg.token = "secret-token";
  container_source src(cfg);
  const auto& r = done_of(src.start());
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("secret-token") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(container_failures) {
  auto make = [] {
    return from_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
                     {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/t"}});
  };
  auto a = make();
  a->start();
  auto missing = done_of(a->on_file(result<std::string>(make_error("token_file", "token file /t: No such file or directory"))));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("/t") != std::string::npos);

  auto b = make();
  b->start();
  BOOST_TEST(!done_of(b->on_file(result<std::string>(std::string("")))).ok());

  auto c = make();
  c->start();
  auto crlf = done_of(c->on_file(result<std::string>(std::string("abc\r\nX-Injected: 1"))));
  BOOST_REQUIRE(!crlf.ok());
  BOOST_TEST(crlf.error().message.find("X-Injected") == std::string::npos);

  auto run = [&](http::response resp) {
    auto s = make();
    s->start();
    s->on_file(result<std::string>(std::string("tok")));
    return done_of(s->on_http(resp));
  };
  auto denied = run(make_response(403, R"({"code":"AccessDeniedException","message":"pod has no association"})"));
  BOOST_REQUIRE(!denied.ok());
  BOOST_TEST(denied.error().code == "AccessDeniedException");
  BOOST_TEST(denied.error().message.find("pod has no association") != std::string::npos);
  BOOST_TEST(run(make_response(500, "oops")).error().status == 500);
  BOOST_TEST(run(make_response(200, "not json")).error().code == "parse");
  BOOST_TEST(run(make_response(200, R"({"AccessKeyId":"A","SecretAccessKey":"s","Token":"t"})")).error().code == "parse");
  BOOST_TEST(run(make_response(200, R"({"AccessKeyId":"A","SecretAccessKey":"","Token":"t","Expiration":"2015-08-30T18:36:00Z"})")).error().code == "parse");
  BOOST_TEST(run(make_response(200, R"({"AccessKeyId":"A","SecretAccessKey":"s","Token":"t","Expiration":"later"})")).error().code == "parse");
  http::response refused;
  refused.fail = http::failure::connection_refused;
  auto cr = run(refused);
  BOOST_TEST(cr.error().code == "connection_refused");
  BOOST_TEST(cr.error().message.find("169.254.170.23") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(imds_v2_steps) {
  auto src = from_env({});
  BOOST_TEST(src->name() == "imds");
  const auto& put = http_of(src->start());
  BOOST_TEST(put.method == "PUT");
  BOOST_TEST(put.url == "http://169.254.169.254/latest/api/token");
  BOOST_TEST(header_of(put, "X-aws-ec2-metadata-token-ttl-seconds") == "21600");

  auto step = src->on_http(make_response(200, "IMDS-TOKEN"));
  const auto& list = http_of(step);
  BOOST_TEST(list.method == "GET");
  BOOST_TEST(list.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
  BOOST_TEST(header_of(list, "X-aws-ec2-metadata-token") == "IMDS-TOKEN");

  step = src->on_http(make_response(200, "node-role\n"));
  const auto& get = http_of(step);
  BOOST_TEST(get.url == "http://169.254.169.254/latest/meta-data/iam/security-credentials/node-role");
  BOOST_TEST(header_of(get, "X-aws-ec2-metadata-token") == "IMDS-TOKEN");

  const auto& r = done_of(src->on_http(make_response(
      200, R"({"Code":"Success","LastUpdated":"2015-08-30T12:30:00Z","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"sk","Token":"tok","Expiration":"2015-08-30T18:36:00Z"})")));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->access_key_id == "ASIAIMDS");
  BOOST_TEST(r->source == "imds");
}

BOOST_AUTO_TEST_CASE(imds_endpoint_settings) {
  auto v6 = std::get<imds_config>(*choose_source({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}));
  BOOST_TEST(v6.endpoint == "http://[fd00:ec2::254]");
  auto custom = std::get<imds_config>(*choose_source({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"}}));
  BOOST_TEST(custom.endpoint == "http://127.0.0.1:1338");
  imds_source src(custom);
  BOOST_TEST(http_of(src.start()).url == "http://127.0.0.1:1338/latest/api/token");
  BOOST_TEST(!choose_source({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254"}}).ok());
  BOOST_TEST(!choose_source({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5"}}).ok());
}

BOOST_AUTO_TEST_CASE(imds_failures) {
  auto to_role_list = [](imds_config cfg, int token_status) {
    auto src = std::make_unique<imds_source>(cfg);
    src->start();
    auto next = src->on_http(make_response(token_status, token_status == 200 ? "T" : ""));
    return std::make_pair(std::move(src), std::move(next));
  };
  // No IMDSv2: fall back to v1 (no token header)…
  auto [v1, step] = to_role_list({}, 404);
  BOOST_TEST(header_of(http_of(step), "X-aws-ec2-metadata-token").empty());
  auto [v1b, step405] = to_role_list({}, 405);
  BOOST_TEST(is_http(step405));
  // …unless v1 is disabled.
  imds_config no_v1;
  no_v1.allow_v1_fallback = false;
  BOOST_TEST(!done_of(to_role_list(no_v1, 404).second).ok());
  BOOST_TEST(!std::get<imds_config>(*choose_source({{"AWS_EC2_METADATA_V1_DISABLED", "true"}})).allow_v1_fallback);
  // 403 and other statuses are errors.
  auto forbidden = done_of(to_role_list({}, 403).second);
  BOOST_REQUIRE(!forbidden.ok());
  BOOST_TEST(forbidden.error().message.find("169.254.169.254") != std::string::npos);
  BOOST_TEST(!done_of(to_role_list({}, 500).second).ok());

  auto after_list = [&](http::response list_answer) {
    auto [src, s] = to_role_list({}, 200);
    return done_of(src->on_http(list_answer));
  };
  BOOST_TEST(after_list(make_response(404, "")).error().message.find("no IAM role") != std::string::npos);
  BOOST_TEST(after_list(make_response(200, "\n")).error().message.find("no IAM role") != std::string::npos);
  BOOST_TEST(!after_list(make_response(200, "../../../latest/user-data")).ok());
  BOOST_TEST(!after_list(make_response(200, "role?x=1")).ok());
  BOOST_TEST(after_list(make_response(401, "")).error().code == "ExpiredToken");

  auto creds_answer = [&](http::response answer) {
    auto [src, s] = to_role_list({}, 200);
    src->on_http(make_response(200, "r"));
    return done_of(src->on_http(answer));
  };
  auto failure = creds_answer(make_response(200, R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"x"})"));
  BOOST_REQUIRE(!failure.ok());
  BOOST_TEST(failure.error().code == "AssumeRoleUnauthorizedAccess");
  BOOST_TEST(creds_answer(make_response(200, R"({"Code":"Success"})")).error().code == "parse");
  BOOST_TEST(!creds_answer(make_response(404, "")).ok());
  BOOST_TEST(!creds_answer(make_response(200, "{")).ok());

  imds_source src{imds_config{}};
  src.start();
  http::response unreachable;
  unreachable.fail = http::failure::timeout;
  auto t = done_of(src.on_http(unreachable));
  BOOST_REQUIRE(!t.ok());
  BOOST_TEST(t.error().code == "timeout");
  BOOST_TEST(t.error().message.find("169.254.169.254") != std::string::npos);
  BOOST_TEST(!done_of(src.on_file(result<std::string>(std::string("x")))).ok());
}

BOOST_AUTO_TEST_SUITE_END()
