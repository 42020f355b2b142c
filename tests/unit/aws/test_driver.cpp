// The credentials driver actor and the async helpers, run against a fake HTTP client
// actor (same typed interface as the real one) in a real actor system.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/credentials_driver.hpp"
#include "adapters/common/strings.hpp"
#include "captures.hpp"
#include "fake_http.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

using fetch_done = caf::atom_constant<caf::atom("fetchdone")>;

struct test_config : caf::actor_system_config {
  test_config() { set("scheduler.max-threads", 2); }
};

struct temp_dir {
  std::filesystem::path path;
  temp_dir() {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("fluxaws-aws-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& content) const {
    auto p = path / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p.string();
  }
};

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<test::fake_http_state> http_state = std::make_shared<test::fake_http_state>();
  http::client_actor http = test::spawn_fake_http(sys, http_state);
  credentials_driver_actor driver = spawn_credentials_driver(sys, http);
  temp_dir dir;

  ~fixture() {
    self->send_exit(driver, caf::exit_reason::user_shutdown);
    self->send_exit(http, caf::exit_reason::user_shutdown);
  }

  result<credentials> fetch(const source_config& c, credentials_driver_actor d = {}) {
    std::optional<result<credentials>> out;
    self->request(d ? d : driver, std::chrono::seconds(30), credentials_fetch_atom::value, c)
        .receive([&](const credentials_outcome& o) { out = o.to_result(); },
                 [&](caf::error& e) { out = result<credentials>(make_error("caf", sys.render(e))); });
    return *out;
  }

  web_identity_config web_identity(const std::string& token_file) {
    env_map env{{"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/FederatedWebIdentityRole"},
                {"AWS_WEB_IDENTITY_TOKEN_FILE", token_file},
                {"AWS_ROLE_SESSION_NAME", "app1"},
                {"AWS_REGION", "us-east-1"}};
    return std::get<web_identity_config>(*choose_source(env));
  }
};

std::string header_of(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, name)) return v;
  return {};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(credentials_driver, fixture)

BOOST_AUTO_TEST_CASE(static_source_needs_no_http) {
  static_config s;
  s.creds = {"AKIDEXAMPLE", "secret", "", std::nullopt, "static"};
  auto r = fetch(source_config(s));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->access_key_id == "AKIDEXAMPLE");
  BOOST_TEST(http_state->requests().empty());
}

BOOST_AUTO_TEST_CASE(web_identity_rereads_the_token_file_each_fetch) {
  auto sts = load_capture("sts-assume-role-with-web-identity.json");
  http_state->answer = [&](const http::request&) { return find_exchange(sts, "success").response; };
  auto file = dir.write("token", "first-token");
  auto cfg = web_identity(file);

  auto r1 = fetch(source_config(cfg));
  BOOST_REQUIRE_MESSAGE(r1.ok(), (r1.ok() ? std::string() : r1.error().message));
  BOOST_TEST(r1->access_key_id == "ASIAIOSFODNN7EXAMPLE");
  BOOST_TEST(r1->source == "web-identity");

  dir.write("token", "second-token");  // Kubernetes rotated the projected token
  auto r2 = fetch(source_config(cfg));
  BOOST_REQUIRE(r2.ok());

  auto seen = http_state->requests();
  BOOST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(seen[0].url == "https://sts.us-east-1.amazonaws.com/");
  BOOST_TEST(seen[0].body.find("WebIdentityToken=first-token") != std::string::npos);
  BOOST_TEST(seen[1].body.find("WebIdentityToken=second-token") != std::string::npos);
  BOOST_TEST(header_of(seen[0], "Authorization").empty());
}

BOOST_AUTO_TEST_CASE(web_identity_missing_or_empty_token_file) {
  auto missing = (dir.path / "does-not-exist").string();
  auto r = fetch(source_config(web_identity(missing)));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find(missing) != std::string::npos, r.error().message);
  BOOST_TEST(r.error().code == "token_file");

  auto empty = dir.write("empty", "");
  auto e = fetch(source_config(web_identity(empty)));
  BOOST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().message.find(empty) != std::string::npos);

  auto r3 = fetch(source_config(web_identity(dir.path.string())));  // a directory
  BOOST_TEST(!r3.ok());
  BOOST_TEST(http_state->requests().empty());
}

BOOST_AUTO_TEST_CASE(web_identity_sts_error_arrives_as_an_error) {
  auto sts = load_capture("sts-assume-role-with-web-identity.json");
  http_state->answer = [&](const http::request&) { return find_exchange(sts, "error-ExpiredTokenException").response; };
  auto r = fetch(source_config(web_identity(dir.write("token", "t"))));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "ExpiredTokenException");
}

BOOST_AUTO_TEST_CASE(pod_identity_through_the_driver) {
  http_state->answer = [](const http::request& req) {
    if (req.url != "http://169.254.170.23/v1/credentials" || header_of(req, "Authorization") != "pod-token")
      return make_response(403, R"({"code":"AccessDeniedException","message":"bad token"})");
    return make_response(
        200, R"({"AccessKeyId":"ASIAPOD","SecretAccessKey":"sk","Token":"t","Expiration":"2015-08-30T18:36:00Z"})");
  };
  env_map env{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"},
              {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir.write("pod-token", "pod-token\n")}};
  auto r = fetch(*choose_source(env));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  BOOST_TEST(r->access_key_id == "ASIAPOD");
  BOOST_TEST(r->source == "container");
}

BOOST_AUTO_TEST_CASE(imds_three_steps_through_the_driver) {
  http_state->answer = [](const http::request& req) {
    if (req.method == "PUT") return make_response(200, "TOKEN");
    if (header_of(req, "X-aws-ec2-metadata-token") != "TOKEN") return make_response(401, "");
    if (str::ends_with(req.url, "/security-credentials/")) return make_response(200, "node-role");
    return make_response(200, R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"sk","Token":"t","Expiration":"2015-08-30T18:36:00Z"})");
  };
  auto r = fetch(source_config(imds_config{}));
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  BOOST_TEST(r->access_key_id == "ASIAIMDS");
  BOOST_TEST(http_state->requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(concurrent_fetches_are_independent) {
  http_state->answer = [](const http::request& req) {
    if (req.method == "PUT") return make_response(200, "TOKEN");
    if (str::ends_with(req.url, "/security-credentials/")) return make_response(200, "node-role");
    return make_response(200, R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"sk","Token":"t","Expiration":"2015-08-30T18:36:00Z"})");
  };
  const int n = 20;
  for (int i = 0; i < n; ++i) self->send(driver, credentials_fetch_atom::value, source_config(imds_config{}));
  int ok = 0, got = 0;
  self->receive_for(got, n)([&](const credentials_outcome& o) { ok += o.creds.has_value() ? 1 : 0; });
  BOOST_TEST(ok == n);
  BOOST_TEST(http_state->requests().size() == static_cast<std::size_t>(3 * n));
}

BOOST_AUTO_TEST_CASE(dead_http_client_is_an_error_not_a_hang) {
  self->send_exit(http, caf::exit_reason::user_shutdown);
  self->wait_for(http);
  auto r = fetch(source_config(imds_config{}));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("IMDS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(injected_file_reader_and_clock) {
  credentials_driver_options opts;
  std::atomic<int> reads{0};
  opts.read_file = [&](const std::string& path) -> result<std::string> {
    ++reads;
    if (path == "/fake/token") return std::string("injected-token");
    return make_error("token_file", "token file " + path + ": not found");
  };
  opts.clock = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1000)); };
  auto d = spawn_credentials_driver(sys, http, opts);
  auto sts = load_capture("sts-assume-role-with-web-identity.json");
  http_state->answer = [&](const http::request&) { return find_exchange(sts, "success").response; };
  auto cfg = web_identity("/fake/token");
  cfg.session_name.clear();
  auto r = fetch(source_config(cfg), d);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(reads == 1);
  auto seen = http_state->requests();
  BOOST_REQUIRE(seen.size() == 1u);
  BOOST_TEST(seen[0].body.find("WebIdentityToken=injected-token") != std::string::npos);
  BOOST_TEST(seen[0].body.find("RoleSessionName=fluxaws-1000000") != std::string::npos);
  self->send_exit(d, caf::exit_reason::user_shutdown);
}

// The async helpers from an ordinary event-based actor: sign, send, parse, reply.
BOOST_AUTO_TEST_CASE(async_kms_decrypt_and_ecr_token_from_an_actor) {
  auto kms_capture = load_capture("kms-decrypt.json");
  auto ecr_capture = load_capture("ecr-get-authorization-token.json");
  http_state->answer = [&](const http::request& req) {
    auto target = header_of(req, "X-Amz-Target");
    if (target == "TrentService.Decrypt") return find_exchange(kms_capture, "success").response;
    if (target == "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken")
      return find_exchange(ecr_capture, "success-no-registryIds").response;
    return make_response(400, R"({"__type":"UnknownOperationException"})");
  };
  credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session", std::nullopt, "static"};
  auto kms_ep = *resolve_endpoint(service::kms, "us-east-1", {});
  auto ecr_ep = *resolve_endpoint(service::ecr, "us-east-1", {});
  auto http_handle = http;
  // The reporter goes in as a spawn argument: CAF 0.17 trips UBSan on argument-less spawns.
  sys.spawn([=](caf::event_based_actor* a, caf::actor reporter) {
    kms::decrypt_params p;
    p.ciphertext_blob = "blob";
    async::kms_decrypt(a, http_handle, kms_ep, creds, p, std::chrono::seconds(5),
                       [=](result<kms::decrypt_result> r) {
                         a->send(reporter, fetch_done::value, std::string("kms"), r.ok() ? r->plaintext : r.error().message);
                       });
    async::ecr_get_authorization_token(a, http_handle, ecr_ep, creds, std::chrono::seconds(5),
                                       [=](result<ecr::authorization_token> r) {
                                         a->send(reporter, fetch_done::value, std::string("ecr"),
                                                 r.ok() ? r->username : r.error().message);
                                       });
  }, caf::actor(self));
  std::map<std::string, std::string> results;
  int i = 0;
  self->receive_for(i, 2)([&](fetch_done, const std::string& what, const std::string& value) { results[what] = value; });
  BOOST_TEST(results["kms"] == "s3cr3t plaintext");
  BOOST_TEST(results["ecr"] == "AWS");
  auto seen = http_state->requests();
  BOOST_REQUIRE(seen.size() == 2u);
  for (const auto& req : seen) {
    BOOST_TEST(header_of(req, "Authorization").rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/", 0) == 0u);
    BOOST_TEST(header_of(req, "X-Amz-Security-Token") == "session");
    BOOST_TEST(!header_of(req, "X-Amz-Date").empty());
  }
}

BOOST_AUTO_TEST_CASE(async_transport_failure_names_the_operation) {
  http_state->answer = [](const http::request&) {
    http::response r;
    r.fail = http::failure::connection_refused;
    r.error = "Connection refused";
    return r;
  };
  auto sts_ep = *resolve_endpoint(service::sts, "eu-west-1", {});
  auto http_handle = http;
  sys.spawn([=](caf::event_based_actor* a, caf::actor reporter) {
    sts::web_identity_params p;
    p.role_arn = "arn:aws:iam::1:role/r";
    p.role_session_name = "s";
    p.web_identity_token = "tok";
    async::assume_role_with_web_identity(a, http_handle, sts_ep, p, std::chrono::seconds(5),
                                         [=](result<sts::assumed_role> r) {
                                           a->send(reporter, fetch_done::value, r.ok() ? std::string() : r.error().code,
                                                   r.ok() ? std::string() : r.error().message);
                                         });
  }, caf::actor(self));
  self->receive([&](fetch_done, const std::string& code, const std::string& message) {
    BOOST_TEST(code == "connection_refused");
    BOOST_TEST(message.find("STS AssumeRoleWithWebIdentity") != std::string::npos);
    BOOST_TEST(message.find("sts.eu-west-1.amazonaws.com") != std::string::npos);
    BOOST_TEST(message.find("tok") == std::string::npos);
  });
}

BOOST_AUTO_TEST_SUITE_END()
