// Retry decisions: reasons, what is never retried, S3 writes, and next_retry's limits
// (attempts, deadline, budget) under an installed policy.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/call_attempts.hpp"
#include "adapters/aws/call_retry.hpp"
#include "adapters/common/metrics.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<installed_call_policy> policy(int max_attempts, double budget, double jitter = 0.5) {
  call_policy p;
  p.max_attempts = max_attempts;
  p.retry_budget = budget;
  p.retry_floor = 2;
  p.jitter = [jitter] { return jitter; };
  return std::make_shared<installed_call_policy>(caf::actor_addr(), p);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call_retry_suite)

BOOST_AUTO_TEST_CASE(reasons) {
  BOOST_TEST((retry_reason_of(make_error("ThrottlingException", "Rate exceeded", 400)) == retry_reason::throttled));
  BOOST_TEST((retry_reason_of(make_error("Throttling", "Rate exceeded", 400)) == retry_reason::throttled));
  BOOST_TEST((retry_reason_of(make_error("SlowDown", "Reduce your request rate", 503)) == retry_reason::throttled));
  BOOST_TEST((retry_reason_of(make_error("Unknown", "", 429)) == retry_reason::throttled));
  BOOST_TEST((retry_reason_of(make_error("InternalError", "x", 500)) == retry_reason::server_error));
  BOOST_TEST((retry_reason_of(make_error("Unknown", "x", 503)) == retry_reason::server_error));
  BOOST_TEST((retry_reason_of(make_error("KMSInternalException", "x", 500)) == retry_reason::server_error));
  BOOST_TEST((retry_reason_of(make_error("connection_refused", "x")) == retry_reason::transport));
  BOOST_TEST((retry_reason_of(make_error("io", "x")) == retry_reason::transport));
  BOOST_TEST((retry_reason_of(make_error("timeout", "x")) == retry_reason::transport));
  BOOST_TEST(to_string(retry_reason::server_error) == "server_error");
}

BOOST_AUTO_TEST_CASE(answers_a_retry_cannot_change_are_final) {
  for (const char* code : {"AccessDeniedException", "ExpiredTokenException", "InvalidIdentityToken",
                           "ValidationException", "NotFoundException", "tls", "parse", "rate_limited"})
    BOOST_TEST((retry_reason_of(make_error(code, "x", 400)) == retry_reason::none), code);
  BOOST_TEST((retry_reason_of(make_error("Unknown", "x", 404)) == retry_reason::none));
}

BOOST_AUTO_TEST_CASE(s3_writes_are_retried_only_when_s3_did_not_act) {
  auto slow = make_error("SlowDown", "x", 503);
  auto internal = make_error("InternalError", "x", 500);
  auto refused = make_error("connection_refused", "x");
  auto broken = make_error("io", "x");
  for (const char* m : {"GET", "HEAD"}) {
    BOOST_TEST(retry_is_safe(m, true, internal));
    BOOST_TEST(retry_is_safe(m, true, broken));
  }
  for (const char* m : {"PUT", "POST", "DELETE"}) {
    BOOST_TEST(retry_is_safe(m, true, slow));
    BOOST_TEST(retry_is_safe(m, true, refused));
    BOOST_TEST(!retry_is_safe(m, true, internal));
    BOOST_TEST(!retry_is_safe(m, true, broken));
  }
  // STS, KMS and ECR are form/JSON POSTs: safe to send again.
  BOOST_TEST(retry_is_safe("POST", false, internal));
  BOOST_TEST(retry_is_safe("POST", false, broken));
  BOOST_TEST(!retry_is_safe("POST", false, make_error("AccessDenied", "x", 403)));
}

BOOST_AUTO_TEST_CASE(no_policy_no_retry) {
  auto c = start_call(nullptr, "KMS Decrypt", {}, "https://kms", "POST", false, 10s);
  c->attempts = 1;
  BOOST_TEST(!next_retry(*c, make_error("ThrottlingException", "x", 400)).has_value());
  BOOST_TEST(c->attempt_timeout().count() == 10000);
}

BOOST_AUTO_TEST_CASE(retries_stop_at_max_attempts) {
  auto c = start_call(policy(3, 10), "KMS Decrypt", {"kms", "us-east-1", "acct/1"}, "u", "POST", false, 60s);
  auto throttled = make_error("ThrottlingException", "x", 400);
  c->attempts = 1;
  auto d1 = next_retry(*c, throttled);
  BOOST_REQUIRE(d1.has_value());
  BOOST_TEST(d1->count() == 250);  // 0.5 * 500 ms
  c->attempts = 2;
  auto d2 = next_retry(*c, throttled);
  BOOST_REQUIRE(d2.has_value());
  BOOST_TEST(d2->count() == 500);  // 0.5 * 1 s
  c->attempts = 3;
  BOOST_TEST(!next_retry(*c, throttled).has_value());
}

BOOST_AUTO_TEST_CASE(retries_never_reach_past_the_deadline) {
  // 0.99 * 500 ms = 495 ms of backoff, plus the minimum attempt time: beyond 500 ms.
  auto c = start_call(policy(5, 10, 0.99), "STS GetCallerIdentity", {}, "u", "POST", false, 500ms);
  c->attempts = 1;
  BOOST_TEST(!next_retry(*c, make_error("Throttling", "x", 400)).has_value());
  // A 5xx backs off from 100 ms: 99 ms + 100 ms fits.
  BOOST_TEST(next_retry(*c, make_error("InternalFailure", "x", 500)).has_value());
}

BOOST_AUTO_TEST_CASE(the_budget_is_shared_per_service_and_counted) {
  auto& m = metrics::registry::global();
  auto p = policy(10, 0.01);  // floor 2: two retries before calls earn more
  auto exhausted_before = m.value("fluxaws_aws_retry_budget_exhausted_total", {{"service", "ecr"}});
  auto retries_before = m.value("fluxaws_aws_retries_total",
                                {{"service", "ECR"}, {"operation", "GetAuthorizationToken"}, {"reason", "server_error"}});
  auto err = make_error("ServerException", "x", 500);
  auto a = start_call(p, "ECR GetAuthorizationToken", {"ecr", "us-east-1", "acct/1"}, "u", "POST", false, 60s);
  auto b = start_call(p, "ECR GetAuthorizationToken", {"ecr", "us-east-1", "acct/2"}, "u", "POST", false, 60s);
  a->attempts = 1;
  BOOST_TEST(next_retry(*a, err).has_value());
  b->attempts = 1;
  BOOST_TEST(next_retry(*b, err).has_value());
  a->attempts = 2;
  BOOST_TEST(!next_retry(*a, err).has_value());  // 2 + 0.01 * 2 calls - 2 retries < 1
  // Another service has its own budget.
  auto k = start_call(p, "KMS Decrypt", {"kms", "us-east-1", "acct/1"}, "u", "POST", false, 60s);
  k->attempts = 1;
  BOOST_TEST(next_retry(*k, err).has_value());
  BOOST_TEST(m.value("fluxaws_aws_retry_budget_exhausted_total", {{"service", "ecr"}}) - exhausted_before == 1.0);
  BOOST_TEST(m.value("fluxaws_aws_retries_total", {{"service", "ECR"},
                                                   {"operation", "GetAuthorizationToken"},
                                                   {"reason", "server_error"}}) -
                 retries_before ==
             2.0);
}

BOOST_AUTO_TEST_SUITE_END()
