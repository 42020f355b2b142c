// The AWS call policy against fluxaws-emulator: POST /_emulator/faults makes half of the
// STS (and ECR API) answers throttling errors; with the policy installed every
// AssumeRoleWithWebIdentity, GetCallerIdentity and ECR GetAuthorizationToken call
// succeeds through retries, the emulator's counters show the throttled attempts, and
// the limiter made the burst wait; without a policy the same faults fail calls.
#define BOOST_TEST_MODULE integration_callpolicy
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <curl/curl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/call_limiter.hpp"
#include "adapters/aws/call_policy.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/jwt.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/http/client.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

using namespace fluxaws;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string emulator_dir = FLUXAWS_EMULATOR_DIR;
constexpr const char* account = "111122223333";
constexpr const char* issuer_host = "oidc.callpolicy.test";
constexpr const char* subject = "system:serviceaccount:callpolicy:flux";
// Test material for the local emulator only.
constexpr const char* user_key_id = "AKIACALLPOLICY000001";
constexpr const char* user_secret = "callpolicy/Secret+Key/00001";
constexpr int calls_per_kind = 40;

using done_atom = caf::atom_constant<caf::atom("cpdone")>;

std::string world_text() {
  return std::string(
             "accounts: [\"111122223333\"]\n"
             "regions: [us-east-1]\n"
             "sts:\n  credentialLifetime: 1h\n"
             "iam:\n"
             "  oidcProviders:\n"
             "    - url: https://oidc.callpolicy.test\n"
             "      audiences: [sts.amazonaws.com]\n"
             "      publicKey: ") +
         emulator_dir + "/worlds/conformance-oidc.pub\n" +
         "  users:\n"
         "    - name: ci\n"
         "      accessKeys: [{id: " + user_key_id + ", secret: \"" + user_secret + "\"}]\n"
         "      policies:\n"
         "        - {Version: \"2012-10-17\", Statement: [{Effect: Allow, Action: ecr:GetAuthorizationToken, Resource: \"*\"}]}\n"
         "  roles:\n"
         "    - name: tenant\n"
         "      trustPolicy:\n"
         "        Version: \"2012-10-17\"\n"
         "        Statement:\n"
         "          - Effect: Allow\n"
         "            Principal: {Federated: arn:aws:iam::111122223333:oidc-provider/oidc.callpolicy.test}\n"
         "            Action: sts:AssumeRoleWithWebIdentity\n"
         "            Condition:\n"
         "              StringEquals:\n"
         "                oidc.callpolicy.test:aud: sts.amazonaws.com\n"
         "                oidc.callpolicy.test:sub: " + subject + "\n"
         "      policies:\n"
         "        - {Version: \"2012-10-17\", Statement: [{Effect: Allow, Action: ecr:GetAuthorizationToken, Resource: \"*\"}]}\n";
}

std::size_t on_body(char* p, std::size_t s, std::size_t n, void* u) {
  static_cast<std::string*>(u)->append(p, s * n);
  return s * n;
}

// Plain HTTP to the emulator's admin endpoints (never counted, delayed or faulted).
std::string admin(unsigned short port, const std::string& method, const std::string& path,
                  const std::string& body = "") {
  std::string out;
  CURL* c = curl_easy_init();
  std::string url = "http://127.0.0.1:" + std::to_string(port) + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST") curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  long status = 0;
  auto rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(c);
  if (rc != CURLE_OK) throw std::runtime_error("emulator admin " + path + ": " + curl_easy_strerror(rc));
  if (status != 200) throw std::runtime_error("emulator admin " + path + ": HTTP " + std::to_string(status) + " " + out);
  return out;
}

struct test_config : caf::actor_system_config {
  test_config() { set("scheduler.max-threads", 2); }
};

// The emulator (started once for the binary) and the HTTP settings it publishes.
struct emulator {
  std::string dir;
  std::unique_ptr<emu::harness::emulator_process> process;
  http::client_options client;

  emulator() {
    http::global_init();
    dir = (fs::temp_directory_path() / ("fluxaws-callpolicy-" + std::to_string(::getpid()))).string();
    fs::create_directories(dir);
    std::ofstream(dir + "/world.yaml") << world_text();
    emu::harness::emulator_options o;
    o.binary = FLUXAWS_EMULATOR_BIN;
    o.world = dir + "/world.yaml";
    o.extra_args = {"--no-registry", "--quiet"};
    o.ready_timeout = std::chrono::seconds(120);
    process = std::make_unique<emu::harness::emulator_process>(o);
    std::ifstream in(process->state_dir() + "/fluxaws.yaml");
    std::stringstream ss;
    ss << in.rdbuf();
    auto cfg = yamljson::parse_yaml(ss.str());
    if (!cfg) throw std::runtime_error("fluxaws.yaml: " + cfg.error().message);
    const auto* h = cfg->find("http");
    if (!h || !h->find("caFile")) throw std::runtime_error("fluxaws.yaml has no http.caFile");
    client.ca_file = h->find("caFile")->as_string();
    if (const auto* ct = h->find("connectTo"))
      for (const auto& rule : ct->as_array()) client.connect_to.push_back(rule.as_string());
    client.no_proxy = "*";
  }
  ~emulator() {
    process.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  static emulator& get() {
    static emulator e;
    return e;
  }

  // Sum of the counts of service/operation answered with status (0: any status).
  long count(const std::string& service, const std::string& operation, int status) const {
    auto v = json::parse(admin(process->port(), "GET", "/_emulator/calls"));
    if (!v) throw std::runtime_error("/_emulator/calls: not JSON");
    long n = 0;
    for (const auto& e : v->as_array()) {
      if (e.find("service")->as_string() != service || e.find("operation")->as_string() != operation) continue;
      if (status && e.find("status")->as_int() != status) continue;
      n += e.find("count")->as_int();
    }
    return n;
  }
};

std::string web_identity_token() {
  std::ifstream in(emulator_dir + "/worlds/conformance-oidc.key");
  std::stringstream ss;
  ss << in.rdbuf();
  auto key = jwt::rsa_signing_key::from_pem(ss.str());
  if (!key) throw std::runtime_error("signing key: " + key.error().message);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  json::value payload = json::value::make_object();
  payload["iss"] = std::string("https://") + issuer_host;
  payload["sub"] = std::string(subject);
  payload["aud"] = std::string("sts.amazonaws.com");
  payload["iat"] = static_cast<int64_t>(now);
  payload["nbf"] = static_cast<int64_t>(now - 5);
  payload["exp"] = static_cast<int64_t>(now + 3600);
  auto token = jwt::sign_rs256(payload, **key);
  if (!token) throw std::runtime_error("token: " + token.error().message);
  return *token;
}

struct tally {
  int ok = 0;
  int failed = 0;
  std::string first_error;
};

struct fixture {
  emulator& emu = emulator::get();
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  http::client_actor http = http::spawn_client(sys, emu.client);
  aws::call_limiter_actor limiter;
  aws::endpoint sts_ep = *aws::resolve_endpoint(aws::service::sts, "us-east-1", {});
  aws::endpoint ecr_ep = *aws::resolve_endpoint(aws::service::ecr, "us-east-1", {});
  std::string token = web_identity_token();

  fixture() {
    admin(emu.process->port(), "POST", "/_emulator/faults?replace=true",
          R"({"sts":{"throttle":0.5},"ecr":{"throttle":0.5}})");
    admin(emu.process->port(), "POST", "/_emulator/calls/reset");
  }
  ~fixture() {
    aws::uninstall_call_policy();
    if (limiter) self->send_exit(limiter, caf::exit_reason::user_shutdown);
    self->send_exit(http, caf::exit_reason::user_shutdown);
    try {
      admin(emu.process->port(), "POST", "/_emulator/faults?replace=true", "{}");
    } catch (...) {
    }
  }

  // calls_per_kind AssumeRoleWithWebIdentity calls, each followed by an ECR
  // GetAuthorizationToken with the credentials it returned, and as many GetCallerIdentity
  // calls signed with the user's keys — all at once, from one actor.
  std::map<std::string, tally> run_all() {
    auto h = http;
    auto sts = sts_ep;
    auto ecr = ecr_ep;
    auto tok = token;
    sys.spawn(
        [=](caf::event_based_actor* a, caf::actor reporter) {
          auto report = [a, reporter](const std::string& what, bool ok, const std::string& error) {
            a->send(reporter, done_atom::value, what, ok, error);
          };
          aws::credentials user{user_key_id, user_secret, "", std::nullopt, "static"};
          for (int i = 0; i < calls_per_kind; ++i) {
            aws::sts::web_identity_params p;
            p.role_arn = std::string("arn:aws:iam::") + account + ":role/tenant";
            p.role_session_name = "callpolicy-" + std::to_string(i);
            p.web_identity_token = tok;
            aws::async::assume_role_with_web_identity(
                a, h, sts, p, 60s, [a, h, ecr, report](result<aws::sts::assumed_role> r) {
                  report("sts", r.ok(), r.ok() ? "" : r.error().to_string());
                  if (!r.ok()) {
                    report("ecr", false, "no credentials");
                    return;
                  }
                  aws::async::ecr_get_authorization_token(
                      a, h, ecr, r->creds, 60s, [report](result<aws::ecr::authorization_token> t) {
                        report("ecr", t.ok(), t.ok() ? "" : t.error().to_string());
                      });
                });
            aws::async::get_caller_identity(a, h, sts, user, 60s, [report](result<aws::sts::caller_identity> r) {
              report("caller", r.ok(), r.ok() ? "" : r.error().to_string());
            });
          }
        },
        caf::actor(self));
    std::map<std::string, tally> out;
    int i = 0;
    self->receive_for(i, 3 * calls_per_kind)(
        [&](done_atom, const std::string& what, bool ok, const std::string& error) {
          auto& t = out[what];
          if (ok) {
            ++t.ok;
          } else {
            ++t.failed;
            if (t.first_error.empty()) t.first_error = error;
          }
        },
        caf::after(std::chrono::seconds(300)) >> [&] { BOOST_FAIL("calls did not finish in 5 minutes"); });
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(callpolicy_emulator, fixture)

BOOST_AUTO_TEST_CASE(without_a_policy_throttling_fails_calls) {
  auto t = run_all();
  // Half of the answers are throttling errors: 40 single attempts cannot all pass.
  BOOST_TEST(t["sts"].failed > 0);
  BOOST_TEST(t["caller"].failed > 0);
  BOOST_TEST(t["caller"].first_error.find("Throttling") != std::string::npos, t["caller"].first_error);
}

BOOST_AUTO_TEST_CASE(with_the_policy_every_call_succeeds_through_throttling) {
  limiter = aws::spawn_call_limiter(sys, {aws::merge_rate_limits(aws::default_rate_limits(), {{"sts", {20, 5}}}), 4096});
  aws::call_policy p;
  p.max_attempts = 20;   // 0.5^20: one failure in a million calls
  p.retry_budget = 2.0;  // about one retry per call is expected at a 50% throttle rate
  p.backoff = {20ms, 50ms, 2000ms};
  aws::install_call_policy(limiter, p);
  auto& m = metrics::registry::global();
  auto retries_before = m.value("fluxaws_aws_retries_total",
                                {{"service", "STS"}, {"operation", "AssumeRoleWithWebIdentity"}, {"reason", "throttled"}});
  auto waits_before = m.value("fluxaws_aws_rate_limited_total", {{"service", "sts"}});

  auto t = run_all();
  for (const char* what : {"sts", "ecr", "caller"}) {
    BOOST_TEST(t[what].ok == calls_per_kind, what << ": " << t[what].first_error);
    BOOST_TEST(t[what].failed == 0);
  }
  // The emulator answered every call once with success, after throttling some attempts.
  BOOST_TEST(emu.count("sts", "AssumeRoleWithWebIdentity", 200) == calls_per_kind);
  BOOST_TEST(emu.count("sts", "GetCallerIdentity", 200) == calls_per_kind);
  BOOST_TEST(emu.count("ecr", "GetAuthorizationToken", 200) == calls_per_kind);
  BOOST_TEST_MESSAGE("attempts for " << calls_per_kind << " calls each: AssumeRoleWithWebIdentity "
                                     << emu.count("sts", "AssumeRoleWithWebIdentity", 0) << ", GetCallerIdentity "
                                     << emu.count("sts", "GetCallerIdentity", 0) << ", ECR GetAuthorizationToken "
                                     << emu.count("ecr", "GetAuthorizationToken", 0));
  BOOST_TEST(emu.count("sts", "AssumeRoleWithWebIdentity", 0) > calls_per_kind);
  BOOST_TEST(emu.count("ecr", "GetAuthorizationToken", 0) > calls_per_kind);
  BOOST_TEST(m.value("fluxaws_aws_retries_total", {{"service", "STS"},
                                                   {"operation", "AssumeRoleWithWebIdentity"},
                                                   {"reason", "throttled"}}) > retries_before);
  // 80 STS calls and their retries at 20/s after a burst of 5: most of them waited.
  BOOST_TEST(m.value("fluxaws_aws_rate_limited_total", {{"service", "sts"}}) - waits_before > 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
