// The identity registry and its token caches against the fake AWS: single flight,
// independence of identities, reuse and refresh on both clocks, backoff, invalidation,
// ECR tokens per region, LRU, disabled caching, Flux's serialized baseline, metrics,
// and stopping without leaving a requester waiting.
#include <boost/test/unit_test.hpp>

#include <caf/event_based_actor.hpp>

#include <set>
#include <thread>

#include "actors/token_cache_metrics.hpp"
#include "adapters/common/metrics.hpp"
#include "plane_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;
using test::bucket_request;
using test::oci_request;
using test::role_arn;

namespace {

struct cache_fixture : test::plane_fixture {
  cache_fixture() { metrics::registry::global().reset(); }

  // Polls (bounded) until pred holds; the plane runs concurrently with the test.
  template <class Pred>
  bool eventually(Pred pred) {
    for (int i = 0; i < 1000; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred();
  }
};

double metric(const std::string& name, const metrics::labels& l) { return metrics::registry::global().value(name, l); }

metrics::labels event(const char* type, const std::string& ns, const std::string& name,
                      const std::string& kind = "Bucket", const std::string& op = "reconcile") {
  return {{"event_type", type}, {"kind", kind}, {"name", name}, {"namespace", ns}, {"operation", op}};
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(token_cache, cache_fixture)

BOOST_AUTO_TEST_CASE(concurrent_requests_for_one_identity_make_one_sts_call) {
  add_tenant("tenant-a", "tenant-a");
  start();
  std::vector<credential_request> reqs;
  for (int i = 0; i < 300; ++i) reqs.push_back(bucket_request("tenant-a", "b" + std::to_string(i % 7), "flux"));
  auto replies = test::request_all(sys, registry, reqs, timeout());
  std::set<std::string> keys;
  for (const auto& r : replies) {
    BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
    keys.insert(r.creds.access_key_id);
    BOOST_TEST(r.region == "us-east-1");
  }
  BOOST_TEST(keys.size() == 1u);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
  // Misses are lookups that fetched: exactly one.
  BOOST_TEST(metrics::registry::global().total(token_metrics::events_total) == 300);
  double misses = 0;
  for (int i = 0; i < 7; ++i) misses += metric(token_metrics::events_total, event("cache_miss", "tenant-a", "b" + std::to_string(i)));
  BOOST_TEST(misses == 1);
  BOOST_TEST(metric(token_metrics::requests_total, {{"status", "success"}}) == 300);
  BOOST_TEST(metric(token_metrics::cached_items, {}) == 1);
}

BOOST_AUTO_TEST_CASE(one_sts_call_per_identity_under_load) {
  for (int t = 0; t < 100; ++t) add_tenant("tenant-" + std::to_string(t), "tenant-" + std::to_string(t));
  start();
  std::vector<credential_request> reqs;
  for (int i = 0; i < 1000; ++i) reqs.push_back(bucket_request("tenant-" + std::to_string(i % 100), "b", "flux"));
  auto replies = test::request_all(sys, registry, reqs, timeout());
  std::map<std::string, std::set<std::string>> keys_by_ns;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    BOOST_REQUIRE_MESSAGE(replies[i].ok, replies[i].error.message);
    keys_by_ns[reqs[i].object.ns].insert(replies[i].creds.access_key_id);
  }
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 100);
  BOOST_TEST(keys_by_ns.size() == 100u);
  for (const auto& [ns, keys] : keys_by_ns) BOOST_TEST(keys.size() == 1u, ns);
  for (int t = 0; t < 100; ++t) BOOST_TEST(aws->ok_as(role_arn("tenant-" + std::to_string(t))) == 1);
}

BOOST_AUTO_TEST_CASE(a_slow_identity_does_not_delay_another) {
  add_tenant("tenant-a", "tenant-a");
  add_tenant("tenant-b", "tenant-b");
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->hold.insert(role_arn("tenant-a"));
  }
  start();
  // A's STS answer is held; B's request completes meanwhile.
  auto pending_a = std::make_shared<test::async_reply<credential_reply>>();
  auto reg = registry;
  auto a_req = bucket_request("tenant-a", "a", "flux");
  auto t = timeout();
  sys.spawn([=](caf::event_based_actor* self, int /*no-arg spawn trips UBSan in CAF 0.17*/) {
    self->request(reg, t, credentials_atom::value, a_req).then([=](credential_reply& r) { pending_a->set(r); });
  }, 0);
  BOOST_REQUIRE(eventually([&] { return aws->count("sts:AssumeRoleWithWebIdentity") == 1; }));
  auto b = creds(bucket_request("tenant-b", "b", "flux"));
  BOOST_REQUIRE_MESSAGE(b.ok, b.error.message);
  BOOST_TEST(!pending_a->has());  // A is still waiting for its held answer
  self->send(http, test::release_atom::value, role_arn("tenant-a"));
  BOOST_REQUIRE(eventually([&] { return pending_a->has(); }));
  BOOST_TEST(pending_a->get().ok);
  std::lock_guard<std::mutex> l(aws->mu);
  // B's STS call happened between A's call and A's release.
  auto& ev = aws->events;
  auto pos = [&](const std::string& e) { return std::find(ev.begin(), ev.end(), e) - ev.begin(); };
  BOOST_TEST(pos("sts:" + role_arn("tenant-a")) < pos("sts:" + role_arn("tenant-b")));
  BOOST_TEST(pos("sts:" + role_arn("tenant-b")) < pos("release:" + role_arn("tenant-a")));
}

BOOST_AUTO_TEST_CASE(reused_until_80_percent_then_fetched_again) {
  add_tenant("tenant-a", "tenant-a");
  aws->lifetime = 60s;
  opts.background_refresh = false;
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  auto first = creds(req);
  BOOST_REQUIRE(first.ok);
  clock->advance(47s);
  auto hit = creds(req);
  BOOST_TEST(hit.creds.access_key_id == first.creds.access_key_id);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
  clock->advance(2s);  // 49 s: past 48 s (80% of 60 s)
  auto miss = creds(req);
  BOOST_REQUIRE(miss.ok);
  BOOST_TEST(miss.creds.access_key_id != first.creds.access_key_id);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 2);
}

BOOST_AUTO_TEST_CASE(refreshed_once_ahead_of_expiry_without_failures) {
  add_tenant("tenant-a", "tenant-a");
  aws->lifetime = 60s;
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  auto first = creds(req);
  BOOST_REQUIRE(first.ok);
  std::set<std::string> seen{first.creds.access_key_id};
  // Every second for 60 s of (test) time: never a failure, one refresh around 43 s.
  for (int s = 1; s <= 60; ++s) {
    clock->advance(1s);
    auto r = creds(req);
    BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
    BOOST_REQUIRE(r.creds.expiration.has_value());
    BOOST_TEST((*r.creds.expiration > clock->wall()));
    seen.insert(r.creds.access_key_id);
    if (s == 43) BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
    if (s >= 44) BOOST_REQUIRE(eventually([&] { return aws->count("sts:AssumeRoleWithWebIdentity") == 2; }));
  }
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 2);
  BOOST_TEST(seen.size() == 2u);
  BOOST_TEST(metric(token_metrics::requests_total, {{"status", "failure"}}) == 0);
}

BOOST_AUTO_TEST_CASE(either_clock_ends_reuse) {
  add_tenant("tenant-a", "tenant-a");
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  BOOST_REQUIRE(creds(req).ok);
  clock->wall_offset_ms += 2900 * 1000;  // the wall clock jumps 48+ minutes; the steady one does not
  BOOST_REQUIRE(creds(req).ok);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 2);
  clock->mono_offset_ms += 2900 * 1000;  // now the steady one moves on while the wall clock stays put
  BOOST_REQUIRE(creds(req).ok);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 3);
}

BOOST_AUTO_TEST_CASE(max_duration_caps_reuse) {
  add_tenant("tenant-a", "tenant-a");
  opts.token_cache_max_duration = 30s;
  opts.background_refresh = false;
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  BOOST_REQUIRE(creds(req).ok);
  clock->advance(29s);
  BOOST_REQUIRE(creds(req).ok);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
  clock->advance(2s);
  BOOST_REQUIRE(creds(req).ok);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 2);
}

BOOST_AUTO_TEST_CASE(failures_back_off_per_identity) {
  add_tenant("tenant-a", "tenant-a");
  add_tenant("tenant-b", "tenant-b");
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->sts_error[role_arn("tenant-a")] = "AccessDenied";
  }
  opts.initial_backoff = 10s;
  start();
  auto a = bucket_request("tenant-a", "a", "flux");
  auto r1 = creds(a);
  BOOST_REQUIRE(!r1.ok);
  BOOST_TEST(!r1.stalling);
  BOOST_TEST(r1.error.code == "AuthenticationFailed");
  BOOST_TEST(r1.error.message.find("AccessDenied") != std::string::npos);
  BOOST_TEST(r1.error.message.find(role_arn("tenant-a")) != std::string::npos);
  BOOST_TEST(r1.error.message.find("tenant-a/flux") != std::string::npos);
  BOOST_TEST(r1.error.message.find("Bucket tenant-a/a") != std::string::npos);
  // Many more requests: failed fast, no more STS calls.
  std::vector<credential_request> many(50, a);
  for (const auto& r : test::request_all(sys, registry, many, timeout())) BOOST_TEST(!r.ok);
  BOOST_TEST(aws->sts_for(role_arn("tenant-a")) == 1);
  // Another tenant is not affected.
  BOOST_TEST(creds(bucket_request("tenant-b", "b", "flux")).ok);
  // After the backoff, STS is asked again; fixed, it succeeds and the failure is forgotten.
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->sts_error.clear();
  }
  clock->advance(11s);
  BOOST_TEST(creds(a).ok);
  BOOST_TEST(aws->sts_for(role_arn("tenant-a")) == 2);
  BOOST_TEST(metric(token_metrics::requests_total, {{"status", "failure"}}) == 51);
}

BOOST_AUTO_TEST_CASE(invalidation_evicts_and_the_next_request_fetches) {
  add_tenant("tenant-a", "tenant-a");
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  auto first = creds(req);
  BOOST_REQUIRE(first.ok);
  invalidate(req, "credentials@ASIANOTTHEONE");  // stale: someone else's key id
  BOOST_TEST(creds(req).creds.access_key_id == first.creds.access_key_id);
  invalidate(req, "credentials@" + first.creds.access_key_id);
  auto second = creds(req);
  BOOST_TEST(second.creds.access_key_id != first.creds.access_key_id);
  invalidate(req, "credentials");
  auto third = creds(req);
  BOOST_TEST(third.creds.access_key_id != second.creds.access_key_id);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 3);
  BOOST_TEST(metric(token_metrics::cached_items, {}) == 1);
}

BOOST_AUTO_TEST_CASE(ecr_tokens_per_region_and_only_to_ecr) {
  add_tenant("tenant-a", "tenant-a");
  start();
  auto req = oci_request("tenant-a", "app", "flux");
  std::vector<std::pair<credential_request, std::string>> reqs;
  for (int i = 0; i < 100; ++i)
    reqs.emplace_back(req, i % 2 ? "111122223333.dkr.ecr.us-east-1.amazonaws.com"
                                 : "444455556666.dkr.ecr.us-east-1.amazonaws.com");
  for (const auto& r : test::request_all_ecr(sys, registry, reqs, timeout())) {
    BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
    BOOST_TEST(r.username == "AWS");
    BOOST_TEST(r.region == "us-east-1");
    BOOST_TEST(r.password.find("api.ecr.us-east-1.amazonaws.com") != std::string::npos);
  }
  BOOST_TEST(aws->count("ecr:GetAuthorizationToken") == 1);
  auto west = ecr(req, "111122223333.dkr.ecr.eu-west-1.amazonaws.com");
  BOOST_REQUIRE_MESSAGE(west.ok, west.error.message);
  BOOST_TEST(west.region == "eu-west-1");
  BOOST_TEST(west.password.find("api.ecr.eu-west-1.amazonaws.com") != std::string::npos);
  auto pub = ecr(req, "public.ecr.aws");
  BOOST_REQUIRE_MESSAGE(pub.ok, pub.error.message);
  BOOST_TEST(pub.public_registry);
  BOOST_TEST(pub.password.find("api.ecr-public.us-east-1.amazonaws.com") != std::string::npos);
  BOOST_TEST(aws->count("ecr:GetAuthorizationToken") == 2);
  BOOST_TEST(aws->count("ecr-public:GetAuthorizationToken") == 1);
  // The eu-west-1 token needed eu-west-1 credentials (the STS region is the ECR region).
  BOOST_TEST(aws->host("sts.eu-west-1.amazonaws.com") == 1);
  // Not ECR: refused before any request leaves.
  int before = 0;
  {
    std::lock_guard<std::mutex> l(aws->mu);
    for (auto& [_, n] : aws->hosts) before += n;
  }
  auto evil = ecr(req, "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com");
  BOOST_TEST(!evil.ok);
  BOOST_TEST(evil.password.empty());
  BOOST_TEST(evil.error.message.find("not an Amazon ECR registry") != std::string::npos);
  int after = 0;
  {
    std::lock_guard<std::mutex> l(aws->mu);
    for (auto& [_, n] : aws->hosts) after += n;
    for (auto& [host, _] : aws->hosts) BOOST_TEST(host.find("evil") == std::string::npos);
  }
  BOOST_TEST(after == before);
}

BOOST_AUTO_TEST_CASE(ecr_expired_credentials_are_evicted_and_retried_once) {
  add_tenant("tenant-a", "tenant-a");
  start();
  auto req = oci_request("tenant-a", "app", "flux");
  BOOST_REQUIRE(creds(req).ok);  // credentials cached
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->ecr_errors = {"ExpiredTokenException"};
  }
  auto r = ecr(req, "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
  BOOST_TEST(aws->count("ecr:GetAuthorizationToken") == 2);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 2);
  // Twice refused: the error reaches the requester, once retried only.
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->ecr_errors = {"ExpiredTokenException", "ExpiredTokenException"};
  }
  invalidate(req, "ecr:us-east-1");
  auto bad = ecr(req, "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(!bad.ok);
  BOOST_TEST(bad.error.message.find("ExpiredTokenException") != std::string::npos);
  BOOST_TEST(aws->count("ecr:GetAuthorizationToken") == 4);
}

BOOST_AUTO_TEST_CASE(lru_bounds_the_identities) {
  for (auto t : {"t1", "t2", "t3"}) add_tenant(t, t);
  opts.token_cache_max_size = 2;
  start();
  BOOST_REQUIRE(creds(bucket_request("t1", "b", "flux")).ok);
  BOOST_REQUIRE(creds(bucket_request("t2", "b", "flux")).ok);
  BOOST_REQUIRE(creds(bucket_request("t1", "b", "flux")).ok);  // t1 most recent
  BOOST_REQUIRE(creds(bucket_request("t3", "b", "flux")).ok);  // evicts t2
  BOOST_REQUIRE(eventually([] { return metric(token_metrics::evictions_total, {}) == 1; }));
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 3);
  BOOST_REQUIRE(creds(bucket_request("t1", "b", "flux")).ok);  // still cached
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 3);
  BOOST_REQUIRE(creds(bucket_request("t2", "b", "flux")).ok);  // fetched again
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 4);
  BOOST_REQUIRE(eventually([] { return metric(token_metrics::cached_items, {}) == 2; }));
}

BOOST_AUTO_TEST_CASE(max_size_zero_disables_caching) {
  add_tenant("tenant-a", "tenant-a");
  opts.token_cache_max_size = 0;
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  BOOST_REQUIRE(creds(req).ok);
  BOOST_REQUIRE(creds(req).ok);
  BOOST_REQUIRE(creds(req).ok);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 3);
  BOOST_TEST(metric(token_metrics::cached_items, {}) == 0);
}

BOOST_AUTO_TEST_CASE(static_keys_need_no_call_and_rotation_is_seen) {
  index->put(test::secret("tenant-a", "keys", {{"accesskey", "AKIASTATIC0000000001"}, {"secretkey", "first"}}));
  start();
  auto req = bucket_request("tenant-a", "a", "");
  req.secret_ref = "keys";
  auto r = creds(req);
  BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
  BOOST_TEST(r.creds.secret_access_key == "first");
  index->put(test::secret("tenant-a", "keys", {{"accesskey", "AKIASTATIC0000000001"}, {"secretkey", "second"}}));
  BOOST_TEST(creds(req).creds.secret_access_key == "second");
  BOOST_TEST(aws->total_sts() == 0);
}

BOOST_AUTO_TEST_CASE(chained_role_assumes_on_top_of_the_base) {
  add_tenant("tenant-a", "tenant-a");
  start();
  credential_request k;
  k.object = {"Kustomization", "tenant-a", "apps"};
  k.region = "us-east-1";
  k.secret_format = "sops";
  k.service_account = "flux";
  k.assume_role_arn = role_arn("kms-user");
  std::vector<credential_request> reqs(20, k);
  for (const auto& r : test::request_all(sys, registry, reqs, timeout())) BOOST_REQUIRE_MESSAGE(r.ok, r.error.message);
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
  BOOST_TEST(aws->count("sts:AssumeRole") == 1);
  BOOST_TEST(aws->ok_as(role_arn("kms-user")) == 1);
  BOOST_TEST(metric(token_metrics::events_total, event("cache_miss", "tenant-a", "apps", "Kustomization", "decrypt_with_aws")) == 2);
}

BOOST_AUTO_TEST_CASE(flux_baseline_serializes_misses) {
  add_tenant("tenant-a", "tenant-a");
  add_tenant("tenant-b", "tenant-b");
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->hold.insert(role_arn("tenant-a"));
  }
  opts.serialize_misses = true;
  opts.background_refresh = false;
  start();
  auto got_a = std::make_shared<std::atomic<bool>>(false);
  auto got_b = std::make_shared<std::atomic<bool>>(false);
  auto reg = registry;
  auto t = timeout();
  auto a_req = bucket_request("tenant-a", "a", "flux");
  auto b_req = bucket_request("tenant-b", "b", "flux");
  sys.spawn([=](caf::event_based_actor* self, int /*no-arg spawn trips UBSan in CAF 0.17*/) {
    self->request(reg, t, credentials_atom::value, a_req).then([=](credential_reply&) { *got_a = true; });
  }, 0);
  BOOST_REQUIRE(eventually([&] { return aws->count("sts:AssumeRoleWithWebIdentity") == 1; }));
  sys.spawn([=](caf::event_based_actor* self, int /*no-arg spawn trips UBSan in CAF 0.17*/) {
    self->request(reg, t, credentials_atom::value, b_req).then([=](credential_reply&) { *got_b = true; });
  }, 0);
  // B waits behind A's miss: its STS call is not even made while A's is held.
  std::this_thread::sleep_for(300ms);
  BOOST_TEST(!got_b->load());
  BOOST_TEST(aws->count("sts:AssumeRoleWithWebIdentity") == 1);
  self->send(http, test::release_atom::value, role_arn("tenant-a"));
  BOOST_REQUIRE(eventually([&] { return got_a->load() && got_b->load(); }));
  std::lock_guard<std::mutex> l(aws->mu);
  auto& ev = aws->events;
  auto pos = [&](const std::string& e) { return std::find(ev.begin(), ev.end(), e) - ev.begin(); };
  BOOST_TEST(pos("release:" + role_arn("tenant-a")) < pos("sts:" + role_arn("tenant-b")));
}

BOOST_AUTO_TEST_CASE(flux_baseline_with_a_small_cache_answers_everything) {
  // Queued lookups must not hold caches that LRU eviction stops meanwhile.
  for (int t = 0; t < 30; ++t) add_tenant("t" + std::to_string(t), "t" + std::to_string(t));
  opts.serialize_misses = true;
  opts.background_refresh = false;
  opts.token_cache_max_size = 10;
  start();
  std::vector<credential_request> reqs;
  for (int i = 0; i < 90; ++i) reqs.push_back(bucket_request("t" + std::to_string(i % 30), "b", "flux"));
  for (const auto& r : test::request_all(sys, registry, reqs, timeout())) BOOST_TEST(r.ok, r.error.message);
  std::vector<std::pair<credential_request, std::string>> ecr_reqs;
  for (int i = 0; i < 30; ++i)
    ecr_reqs.emplace_back(oci_request("t" + std::to_string(i % 30), "app", "flux"),
                          i == 7 ? "ghcr.io" : "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  auto tokens = test::request_all_ecr(sys, registry, ecr_reqs, timeout());
  for (int i = 0; i < 30; ++i) BOOST_TEST(tokens[static_cast<std::size_t>(i)].ok == (i != 7), tokens[static_cast<std::size_t>(i)].error.message);
}

BOOST_AUTO_TEST_CASE(stopping_the_registry_answers_waiters) {
  add_tenant("tenant-a", "tenant-a");
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->hold.insert(role_arn("tenant-a"));
  }
  start();
  auto reply = std::make_shared<test::async_reply<credential_reply>>();
  auto reg = registry;
  auto t = timeout();
  auto a_req = bucket_request("tenant-a", "a", "flux");
  sys.spawn([=](caf::event_based_actor* self, int /*no-arg spawn trips UBSan in CAF 0.17*/) {
    self->request(reg, t, credentials_atom::value, a_req)
        .then([=](credential_reply& r) { reply->set(r); },
              [=](caf::error& e) {
                credential_reply r;
                r.error = make_error("caf", self->system().render(e));
                reply->set(r);
              });
  }, 0);
  BOOST_REQUIRE(eventually([&] { return aws->count("sts:AssumeRoleWithWebIdentity") == 1; }));
  stop();
  BOOST_REQUIRE(eventually([&] { return reply->has(); }));
  auto r = reply->get();
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.error.code != "caf");  // an answer from the cache, not a request timeout
  BOOST_TEST(r.error.message.find("registry stopped") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(idle_caches_stop_and_a_new_one_starts_fresh) {
  add_tenant("tenant-a", "tenant-a");
  {
    std::lock_guard<std::mutex> l(aws->mu);
    aws->sts_error[role_arn("tenant-a")] = "AccessDenied";
  }
  opts.idle_timeout = 50ms;
  opts.initial_backoff = std::chrono::hours(1);
  opts.max_backoff = std::chrono::hours(1);
  start();
  auto req = bucket_request("tenant-a", "a", "flux");
  BOOST_REQUIRE(!creds(req).ok);
  BOOST_TEST(aws->sts_for(role_arn("tenant-a")) == 1);
  // In backoff for an hour: only a new cache (after the idle one stopped) asks again.
  // Requests are spaced beyond the idle timeout, or they would keep the cache busy.
  bool asked_again = false;
  for (int i = 0; i < 100 && !asked_again; ++i) {
    std::this_thread::sleep_for(150ms);
    (void)creds(req);
    asked_again = aws->sts_for(role_arn("tenant-a")) == 2;
  }
  BOOST_TEST(asked_again);
}

BOOST_AUTO_TEST_CASE(metrics_of_a_deleted_object_can_be_dropped) {
  add_tenant("tenant-a", "tenant-a");
  start();
  BOOST_REQUIRE(creds(bucket_request("tenant-a", "a", "flux")).ok);
  BOOST_TEST(metric(token_metrics::events_total, event("cache_miss", "tenant-a", "a")) == 1);
  token_metrics::forget_object("Bucket", "a", "tenant-a", "reconcile");
  BOOST_TEST(metric(token_metrics::events_total, event("cache_miss", "tenant-a", "a")) == 0);
  auto text = metrics::registry::global().render();
  BOOST_TEST(text.find("gotk_token_cached_items") != std::string::npos);
  BOOST_TEST(text.find("secret-ASIA") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
