// The limiter actor: a burst beyond `burst` is delayed and answered in arrival order,
// refusals (queue full, wait too long), unlimited services, registry keys, sleeps, and
// the answers waiters get when it stops.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <vector>

#include "adapters/aws/call_limiter.hpp"
#include "adapters/common/metrics.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using namespace std::chrono_literals;

namespace {

using answer_atom = caf::atom_constant<caf::atom("answer")>;

struct test_config : caf::actor_system_config {
  test_config() { set("scheduler.max-threads", 2); }
};

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  call_limiter_actor limiter;

  void start(std::map<std::string, rate_limit> limits, std::size_t max_waiting = 4096) {
    limiter = spawn_call_limiter(sys, {std::move(limits), max_waiting});
  }
  ~fixture() {
    if (limiter) self->send_exit(limiter, caf::exit_reason::user_shutdown);
  }

  limiter_grant acquire(const limit_key& key, caf::timespan max_wait) {
    limiter_grant out;
    out.granted = false;
    out.reason = "no answer";
    self->request(limiter, 30s, limiter_acquire_atom::value, key, max_wait)
        .receive([&](limiter_grant& g) { out = g; }, [&](caf::error& e) { out.reason = sys.render(e); });
    return out;
  }

  limiter_stats stats() {
    limiter_stats s;
    self->request(limiter, 30s, limiter_stats_atom::value).receive([&](limiter_stats& x) { s = x; }, [](caf::error&) {});
    return s;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(limiter_suite, fixture)

BOOST_AUTO_TEST_CASE(a_burst_beyond_burst_is_delayed_and_answered_in_arrival_order) {
  start({{"kms", {4, 3}}});  // a token every 250 ms, far longer than handling 8 messages
  auto& m = metrics::registry::global();
  auto limited_before = m.value("fluxaws_aws_rate_limited_total", {{"service", "kms"}});
  auto observed_before = m.value("fluxaws_aws_rate_limit_wait_seconds", {{"service", "kms"}});
  constexpr int n = 8;
  limit_key key{"kms", "us-east-1", "acct/111122223333"};
  // One actor sends all eight acquires at once and reports each answer as it comes.
  sys.spawn(
      [key](caf::event_based_actor* a, call_limiter_actor lim, caf::actor reporter) {
        for (int i = 0; i < n; ++i)
          a->request(lim, 30s, limiter_acquire_atom::value, key, caf::timespan(10s))
              .then([a, reporter, i](limiter_grant& g) { a->send(reporter, answer_atom::value, i, g.granted, g.waited); });
      },
      limiter, caf::actor(self));
  std::vector<int> order;
  std::vector<caf::timespan> waits;
  int received = 0;
  self->receive_for(received, n)([&](answer_atom, int i, bool granted, caf::timespan waited) {
    BOOST_TEST(granted);
    order.push_back(i);
    waits.push_back(waited);
  });
  for (int i = 0; i < n; ++i) BOOST_TEST(order[i] == i);
  for (int i = 0; i < 3; ++i) BOOST_TEST(waits[i].count() == 0);
  for (int i = 3; i < n; ++i) {
    BOOST_TEST(waits[i] > caf::timespan(0));
    BOOST_TEST(waits[i] > waits[i - 1]);
  }
  // The fifth caller beyond the burst booked the fifth token after it: 5 x 250 ms, less
  // what refilled while the eight acquires were handled (well under one token).
  double last_ms = std::chrono::duration<double, std::milli>(waits[n - 1]).count();
  BOOST_TEST(last_ms <= 1250.0);
  BOOST_TEST(last_ms > 1000.0);
  auto s = stats();
  BOOST_TEST(s.granted_at_once == 3u);
  BOOST_TEST(s.granted_after_wait == 5u);
  BOOST_TEST(s.waiting == 0u);
  BOOST_TEST(s.keys == 1u);
  BOOST_TEST(m.value("fluxaws_aws_rate_limited_total", {{"service", "kms"}}) - limited_before == 5.0);
  BOOST_TEST(m.value("fluxaws_aws_rate_limit_wait_seconds", {{"service", "kms"}}) - observed_before == 8.0);
}

BOOST_AUTO_TEST_CASE(keys_have_their_own_buckets) {
  start({{"sts", {0.01, 1}}});
  BOOST_TEST(acquire({"sts", "us-east-1", "acct/111111111111"}, 0s).granted);
  BOOST_TEST(acquire({"sts", "us-east-1", "acct/222222222222"}, 0s).granted);
  BOOST_TEST(acquire({"sts", "eu-west-1", "acct/111111111111"}, 0s).granted);
  BOOST_TEST(!acquire({"sts", "us-east-1", "acct/111111111111"}, 0s).granted);
  BOOST_TEST(stats().keys == 3u);
}

BOOST_AUTO_TEST_CASE(refusals_name_the_key_and_the_reason) {
  start({{"sts", {0.05, 1}}}, 1);  // a token every 20 s: waiters stay waiting
  auto& m = metrics::registry::global();
  auto full_before = m.value("fluxaws_aws_rate_limit_refused_total", {{"service", "sts"}, {"reason", "queue_full"}});
  limit_key key{"sts", "us-east-1", "host/sts.us-east-1.amazonaws.com"};
  BOOST_TEST(acquire(key, 0s).granted);
  // One caller waits (the queue's bound); the next one is refused at once.
  bool waiter_answered = false;
  limiter_grant waiter_grant;
  auto waiter = self->request(limiter, 60s, limiter_acquire_atom::value, key, caf::timespan(30s));
  auto refused = acquire(key, 30s);
  BOOST_TEST(!refused.granted);
  BOOST_TEST(refused.reason.find("sts us-east-1 host/sts.us-east-1.amazonaws.com") != std::string::npos);
  BOOST_TEST(refused.reason.find("already wait") != std::string::npos);
  BOOST_TEST(m.value("fluxaws_aws_rate_limit_refused_total", {{"service", "sts"}, {"reason", "queue_full"}}) -
                 full_before ==
             1.0);
  // A wait longer than the caller may wait is refused too.
  limit_key other{"sts", "us-east-1", "acct/333333333333"};
  BOOST_TEST(acquire(other, 0s).granted);
  auto too_long = acquire(other, 100ms);
  BOOST_TEST(!too_long.granted);
  BOOST_TEST(too_long.reason.find("further away") != std::string::npos);
  BOOST_TEST(stats().refused == 2u);
  // Stopping the limiter answers the waiter: it may go ahead unlimited.
  self->send_exit(limiter, caf::exit_reason::user_shutdown);
  std::move(waiter).receive(
      [&](limiter_grant& g) {
        waiter_answered = true;
        waiter_grant = g;
      },
      [&](caf::error&) {});
  BOOST_TEST(waiter_answered);
  BOOST_TEST(waiter_grant.stopped);
  limiter = call_limiter_actor();
}

BOOST_AUTO_TEST_CASE(services_without_a_limit_pass_at_once) {
  start({{"sts", {1, 1}}, {"kms", {0, 0}}});
  for (int i = 0; i < 100; ++i) {
    BOOST_REQUIRE(acquire({"s3", "us-east-1", "s3/b.s3.us-east-1.amazonaws.com"}, 0s).granted);
    BOOST_REQUIRE(acquire({"kms", "us-east-1", "acct/1"}, 0s).granted);
  }
  BOOST_TEST(stats().keys == 0u);
}

BOOST_AUTO_TEST_CASE(ecr_public_falls_back_to_ecr_and_registry_hosts_are_normalized) {
  start({{"ecr", {0.01, 1}}, {"registry", {0.01, 1}}});
  BOOST_TEST(acquire({"ecr-public", "us-east-1", "acct/1"}, 0s).granted);
  BOOST_TEST(!acquire({"ecr-public", "us-east-1", "acct/1"}, 0s).granted);
  // A registry key naming only an ECR host shares the bucket of its account and region.
  BOOST_TEST(acquire({"registry", "", "host/111122223333.dkr.ecr.us-east-1.amazonaws.com"}, 0s).granted);
  auto again = acquire({"registry", "us-east-1", "acct/111122223333"}, 0s);
  BOOST_TEST(!again.granted);
  BOOST_TEST(again.reason.find("registry us-east-1 acct/111122223333") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sleep_answers_after_the_delay) {
  start({});
  caf::timespan slept{0};
  self->request(limiter, 30s, limiter_sleep_atom::value, caf::timespan(20ms))
      .receive([&](caf::timespan d) { slept = d; }, [](caf::error&) {});
  BOOST_TEST((slept == caf::timespan(20ms)));
  self->request(limiter, 30s, limiter_sleep_atom::value, caf::timespan(0))
      .receive([&](caf::timespan d) { slept = d; }, [](caf::error&) {});
  BOOST_TEST(slept.count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
