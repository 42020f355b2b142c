// The call policy inside the async AWS calls (async_calls.hpp), against a scripted HTTP
// client actor: retries through throttling, giving up with the last error, the
// deadline, fresh signatures per attempt, S3 writes, the limiter delaying and refusing
// calls, accounts learned from STS, and the unchanged behaviour without a policy.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <atomic>
#include <set>

#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/call_limiter.hpp"
#include "adapters/aws/sigv4.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/common/strings.hpp"
#include "scripted_http.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using namespace std::chrono_literals;
using test::answer;

namespace {

using done_atom = caf::atom_constant<caf::atom("calldone")>;

struct test_config : caf::actor_system_config {
  test_config() { set("scheduler.max-threads", 2); }
};

const credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "static"};

const char* kDecryptOk =
    R"({"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k1","Plaintext":"c2VjcmV0","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})";

http::response kms_throttled(const std::string& message = "Rate exceeded") {
  return answer(400, R"({"__type":"ThrottlingException","message":")" + message + R"("})",
                {{"content-type", "application/x-amz-json-1.1"}});
}

std::string header_of(const http::request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, name)) return v;
  return {};
}

// What a finished call reports back to the test.
struct outcome {
  bool ok = false;
  std::string code;
  std::string message;
  int status = 0;
};

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<test::scripted_http_state> state = std::make_shared<test::scripted_http_state>();
  http::client_actor http = test::spawn_scripted_http(sys, state);
  call_limiter_actor limiter;
  endpoint kms_ep = *resolve_endpoint(service::kms, "us-east-1", {});
  metrics::registry& m = metrics::registry::global();

  // Installs a policy with a limiter holding these limits. Backoff delays are the
  // draw `jitter` times the ceiling (0: retry at once).
  void install(std::map<std::string, rate_limit> limits, int max_attempts = 3, double jitter = 0,
               double budget = 10) {
    limiter = spawn_call_limiter(sys, {std::move(limits), 4096});
    call_policy p;
    p.max_attempts = max_attempts;
    p.retry_budget = budget;
    p.jitter = [jitter] { return jitter; };
    install_call_policy(limiter, p);
  }

  ~fixture() {
    uninstall_call_policy();
    if (limiter) self->send_exit(limiter, caf::exit_reason::user_shutdown);
    self->send_exit(http, caf::exit_reason::user_shutdown);
  }

  // Runs n KMS Decrypt calls at once (timeout each) from one actor; their outcomes in
  // the order they finished.
  std::vector<outcome> decrypt(int n = 1, std::chrono::milliseconds timeout = 10s, credentials c = creds) {
    auto h = http;
    auto ep = kms_ep;
    sys.spawn(
        [=](caf::event_based_actor* a, caf::actor reporter) {
          for (int i = 0; i < n; ++i) {
            kms::decrypt_params p;
            p.ciphertext_blob = "blob";
            async::kms_decrypt(a, h, ep, c, p, timeout, [=](result<kms::decrypt_result> r) {
              a->send(reporter, done_atom::value, r.ok(), r.ok() ? std::string() : r.error().code,
                      r.ok() ? r->plaintext : r.error().message, r.ok() ? 0 : r.error().status);
            });
          }
        },
        caf::actor(self));
    return collect(n);
  }

  std::vector<outcome> collect(int n) {
    std::vector<outcome> out;
    int i = 0;
    self->receive_for(i, n)(
        [&](done_atom, bool ok, const std::string& code, const std::string& message, int status) {
          out.push_back({ok, code, message, status});
        },
        caf::after(std::chrono::seconds(60)) >> [&] { BOOST_FAIL("a call never finished"); });
    return out;
  }

  double calls(const char* outcome_label, const char* service = "KMS", const char* op = "Decrypt") {
    return m.value("fluxaws_aws_calls_total", {{"service", service}, {"operation", op}, {"outcome", outcome_label}});
  }
  double retries(const char* reason, const char* service = "KMS", const char* op = "Decrypt") {
    return m.value("fluxaws_aws_retries_total", {{"service", service}, {"operation", op}, {"reason", reason}});
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(async_policy_suite, fixture)

BOOST_AUTO_TEST_CASE(without_a_policy_a_throttled_call_is_not_retried) {
  state->script = [](const http::request&, std::size_t) { return kms_throttled(); };
  auto out = decrypt();
  BOOST_TEST(!out[0].ok);
  BOOST_TEST(out[0].code == "ThrottlingException");
  BOOST_TEST(state->requests().size() == 1u);
  BOOST_TEST(state->requests()[0].timeout.count() == 10000);  // the caller's timeout, untouched
}

BOOST_AUTO_TEST_CASE(a_call_succeeds_after_retrying_through_throttling) {
  install({});
  state->script = [](const http::request&, std::size_t i) {
    return i < 2 ? kms_throttled() : answer(200, kDecryptOk);
  };
  auto throttled_before = calls("throttled"), success_before = calls("success");
  auto retries_before = retries("throttled");
  auto out = decrypt();
  BOOST_REQUIRE(out.size() == 1u);
  BOOST_TEST(out[0].ok, out[0].message);
  BOOST_TEST(out[0].message == "secret");
  BOOST_TEST(state->requests().size() == 3u);
  BOOST_TEST(calls("throttled") - throttled_before == 2.0);
  BOOST_TEST(calls("success") - success_before == 1.0);
  BOOST_TEST(retries("throttled") - retries_before == 2.0);
}

BOOST_AUTO_TEST_CASE(a_call_gives_up_after_max_attempts_with_the_last_error) {
  install({}, 3);
  state->script = [](const http::request&, std::size_t i) {
    return kms_throttled("attempt " + std::to_string(i + 1));
  };
  auto out = decrypt();
  BOOST_TEST(!out[0].ok);
  BOOST_TEST(out[0].code == "ThrottlingException");
  BOOST_TEST(out[0].message.find("attempt 3") != std::string::npos, out[0].message);
  BOOST_TEST(out[0].status == 400);
  BOOST_TEST(state->requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(server_errors_and_transport_failures_are_retried_too) {
  install({}, 4);
  state->script = [](const http::request&, std::size_t i) {
    if (i == 0) return answer(500, R"({"__type":"KMSInternalException","message":"oops"})");
    if (i == 1) {
      http::response r;
      r.fail = http::failure::connection_refused;
      r.error = "Connection refused";
      return r;
    }
    return answer(200, kDecryptOk);
  };
  auto server_before = retries("server_error"), transport_before = retries("transport");
  auto out = decrypt();
  BOOST_TEST(out[0].ok, out[0].message);
  BOOST_TEST(state->requests().size() == 3u);
  BOOST_TEST(retries("server_error") - server_before == 1.0);
  BOOST_TEST(retries("transport") - transport_before == 1.0);
}

BOOST_AUTO_TEST_CASE(errors_a_retry_cannot_change_are_returned_at_once) {
  install({}, 5);
  state->script = [](const http::request&, std::size_t) {
    return answer(400, R"({"__type":"AccessDeniedException","message":"no"})");
  };
  auto out = decrypt();
  BOOST_TEST(out[0].code == "AccessDeniedException");
  BOOST_TEST(state->requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_call_never_retries_past_its_deadline) {
  // Backoff draws 0.99: 495 ms after the first throttling, 990 ms after the second.
  install({}, 10, 0.99);
  state->script = [](const http::request&, std::size_t i) { return kms_throttled("attempt " + std::to_string(i + 1)); };
  // 500 ms: 495 ms of backoff leaves less than an attempt's minimum — one attempt only.
  auto short_call = decrypt(1, 500ms);
  BOOST_TEST(short_call[0].code == "ThrottlingException");
  auto seen = state->requests();
  BOOST_TEST(seen.size() == 1u);
  BOOST_TEST(seen[0].timeout.count() <= 500);
  // 1.5 s: one retry fits (495 ms), the next (990 ms more) would end past the deadline.
  state->seen.clear();
  auto longer = decrypt(1, 1500ms);
  BOOST_TEST(longer[0].message.find("attempt 2") != std::string::npos, longer[0].message);
  seen = state->requests();
  BOOST_REQUIRE(seen.size() == 2u);
  BOOST_TEST(seen[0].timeout.count() <= 1500);
  // The second attempt only gets what is left of the call's 1.5 s.
  BOOST_TEST(seen[1].timeout.count() <= 1500 - 495);
}

BOOST_AUTO_TEST_CASE(each_attempt_is_signed_afresh) {
  install({});
  auto start = std::chrono::system_clock::time_point(std::chrono::seconds(1700000000));
  auto ticks = std::make_shared<std::atomic<int>>(0);
  {
    // Replace the policy with one whose signing clock moves a minute per signature.
    call_policy p;
    p.max_attempts = 3;
    p.retry_budget = 10;
    p.jitter = [] { return 0.0; };
    p.signing_clock = [start, ticks] { return start + std::chrono::minutes(ticks->fetch_add(1)); };
    install_call_policy(limiter, p);
  }
  state->script = [](const http::request&, std::size_t i) { return i == 0 ? kms_throttled() : answer(200, kDecryptOk); };
  auto out = decrypt();
  BOOST_TEST(out[0].ok, out[0].message);
  auto seen = state->requests();
  BOOST_REQUIRE(seen.size() == 2u);
  std::set<std::string> dates;
  for (const auto& req : seen) {
    auto date = header_of(req, "X-Amz-Date");
    dates.insert(date);
    auto auth = sigv4::parse_authorization(header_of(req, "Authorization"));
    BOOST_REQUIRE(auth.has_value());
    sigv4::http_request sr;
    sr.method = req.method;
    auto after_host = req.url.substr(req.url.find('/', req.url.find("://") + 3));
    sr.path = after_host.substr(0, after_host.find('?'));
    sr.headers = req.headers;
    sr.body = req.body;
    auto verified = sigv4::verify_headers(sr, *auth, creds.secret_access_key, {});
    BOOST_TEST(verified.ok(), (verified.ok() ? std::string() : verified.error().message));
  }
  BOOST_TEST(dates.size() == 2u);  // a fresh X-Amz-Date, and a signature valid for it
  BOOST_TEST(header_of(seen[0], "X-Amz-Date") == "20231114T221320Z");
  BOOST_TEST(header_of(seen[1], "X-Amz-Date") == "20231114T221420Z");
}

BOOST_AUTO_TEST_CASE(s3_writes_are_retried_only_when_s3_did_not_act) {
  install({}, 3);
  auto bucket = *resolve_s3_bucket("us-east-1", "tenant-a-manifests", {});
  service_request put;
  put.operation = "S3 PutObject";
  put.method = "PUT";
  put.ep = bucket.ep;
  put.path = bucket.ep.path_for("/key.yaml");
  put.body = "data";
  put.auth = auth_mode::sigv4_s3;
  auto run = [&](std::function<http::response(const http::request&, std::size_t)> script) {
    state->seen.clear();
    state->script = std::move(script);
    auto h = http;
    sys.spawn(
        [=](caf::event_based_actor* a, caf::actor reporter) {
          async::call_signed(
              a, h, put, creds, 10s,
              [](const http::response& r) -> result<bool> {
                if (auto e = response_error(protocol::rest_xml, r, r.effective_url, "S3 PutObject")) return *e;
                return true;
              },
              [=](result<bool> r) {
                a->send(reporter, done_atom::value, r.ok(), r.ok() ? std::string() : r.error().code,
                        r.ok() ? std::string() : r.error().message, r.ok() ? 0 : r.error().status);
              });
        },
        caf::actor(self));
    return collect(1)[0];
  };
  auto internal = run([](const http::request&, std::size_t) {
    return answer(500, "<Error><Code>InternalError</Code><Message>x</Message></Error>");
  });
  BOOST_TEST(internal.code == "InternalError");
  BOOST_TEST(state->requests().size() == 1u);  // the outcome is unknown: not sent again
  auto slow = run([](const http::request&, std::size_t i) {
    return i == 0 ? answer(503, "<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>") : answer(200, "");
  });
  BOOST_TEST(slow.ok, slow.message);
  BOOST_TEST(state->requests().size() == 2u);  // refused by S3: safe to send again
}

BOOST_AUTO_TEST_CASE(the_limiter_delays_calls_beyond_the_burst) {
  install({{"kms", {5, 2}}});  // a token every 200 ms: the five calls start well within one
  state->script = [](const http::request&, std::size_t) { return answer(200, kDecryptOk); };
  auto limited_before = m.value("fluxaws_aws_rate_limited_total", {{"service", "kms"}});
  auto out = decrypt(5);
  for (const auto& o : out) BOOST_TEST(o.ok, o.message);
  BOOST_TEST(state->requests().size() == 5u);
  BOOST_TEST(m.value("fluxaws_aws_rate_limited_total", {{"service", "kms"}}) - limited_before == 3.0);
}

BOOST_AUTO_TEST_CASE(a_call_the_limiter_cannot_serve_in_time_fails_clearly) {
  install({{"kms", {0.1, 1}}});  // one token, the next in 10 s
  state->script = [](const http::request&, std::size_t) { return answer(200, kDecryptOk); };
  auto refused_before = calls("rate_limited");
  auto out = decrypt(2, 2s);
  int ok = 0;
  for (const auto& o : out) {
    if (o.ok) {
      ++ok;
      continue;
    }
    BOOST_TEST(o.code == "rate_limited");
    BOOST_TEST(o.message.find("KMS Decrypt") != std::string::npos, o.message);
    BOOST_TEST(o.message.find("kms us-east-1 host/kms.us-east-1.amazonaws.com") != std::string::npos, o.message);
  }
  BOOST_TEST(ok == 1);
  BOOST_TEST(state->requests().size() == 1u);
  BOOST_TEST(calls("rate_limited") - refused_before == 1.0);
}

BOOST_AUTO_TEST_CASE(a_retry_the_limiter_cannot_fit_ends_with_the_last_answer) {
  install({{"kms", {0.2, 1}}});  // the retry's token would come 5 s later
  state->script = [](const http::request&, std::size_t) { return kms_throttled("the only attempt"); };
  auto out = decrypt(1, 4s);
  BOOST_TEST(out[0].code == "ThrottlingException");
  BOOST_TEST(out[0].message.find("the only attempt") != std::string::npos, out[0].message);
  BOOST_TEST(state->requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(accounts_learned_from_sts_key_later_calls) {
  install({{"kms", {0.01, 1}}});
  auto sts_ep = *resolve_endpoint(service::sts, "us-east-1", {});
  state->script = [](const http::request& req, std::size_t) {
    if (req.url.find("sts.") != std::string::npos)
      return answer(200,
                    "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                    "<AccessKeyId>ASIALEARNED000000001</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>"
                    "<SessionToken>session</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration>"
                    "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/tenant-a/s</Arn>"
                    "<AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult>"
                    "</AssumeRoleWithWebIdentityResponse>");
    return answer(200, kDecryptOk);
  };
  auto h = http;
  sys.spawn(
      [=](caf::event_based_actor* a, caf::actor reporter) {
        sts::web_identity_params p;
        p.role_arn = "arn:aws:iam::444455556666:role/tenant-a";
        p.role_session_name = "s";
        p.web_identity_token = "token";
        async::assume_role_with_web_identity(a, h, sts_ep, p, 10s, [=](result<sts::assumed_role> r) {
          a->send(reporter, done_atom::value, r.ok(), r.ok() ? std::string() : r.error().code,
                  r.ok() ? r->creds.access_key_id : r.error().message, 0);
        });
      },
      caf::actor(self));
  auto assumed = collect(1)[0];
  BOOST_REQUIRE_MESSAGE(assumed.ok, assumed.message);
  auto policy = current_call_policy();
  BOOST_TEST(policy->account_of("ASIALEARNED000000001") == "444455556666");
  // A KMS call with those credentials spends the token of that account's bucket.
  credentials learned{"ASIALEARNED000000001", "secret", "session", std::nullopt, "web-identity"};
  BOOST_TEST(decrypt(1, 10s, learned)[0].ok);
  limiter_grant g;
  self->request(limiter, 10s, limiter_acquire_atom::value, limit_key{"kms", "us-east-1", "acct/444455556666"},
                caf::timespan(0))
      .receive([&](limiter_grant& x) { g = x; }, [](caf::error&) {});
  BOOST_TEST(!g.granted);
}

BOOST_AUTO_TEST_CASE(send_is_limited_but_never_retried) {
  install({{"kms", {0.1, 1}}});
  state->script = [](const http::request&, std::size_t) { return kms_throttled(); };
  auto signed_req = sign_request(kms::decrypt_request(kms_ep, {"blob", {}, {}, "", ""}), creds,
                                 std::chrono::system_clock::now(), 2s);
  http::request unsigned_req;
  unsigned_req.url = "http://127.0.0.1:1/artifact.tar.gz";
  auto h = http;
  sys.spawn(
      [=](caf::event_based_actor* a, caf::actor reporter) {
        for (const auto& req : {signed_req, signed_req, unsigned_req})
          async::send(a, h, req, [=](const http::response& r) {
            a->send(reporter, done_atom::value, r.ok(), std::string(http::to_string(r.fail)), r.error, r.status);
          });
      },
      caf::actor(self));
  auto out = collect(3);
  int throttled = 0, refused = 0;
  for (const auto& o : out) {
    if (o.ok && o.status == 400) ++throttled;  // answered as it came: no retry
    if (!o.ok) {
      ++refused;
      BOOST_TEST(o.message.find("local rate limit of kms us-east-1") != std::string::npos, o.message);
    }
  }
  BOOST_TEST(throttled == 2);  // the first signed request and the unsigned one
  BOOST_TEST(refused == 1);
  BOOST_TEST(state->requests().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
