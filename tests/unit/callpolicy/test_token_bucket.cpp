// The token bucket on a fake clock: bursts, the refill rate, arrival order, the bounded
// queue and the longest wait.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/token_bucket.hpp"

using namespace fluxaws::aws;
using namespace std::chrono_literals;
using clock_type = token_bucket::clock;

namespace {

const clock_type::time_point t0 = clock_type::time_point(1000s);
constexpr std::size_t unbounded = 1000000;

double ms(clock_type::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

BOOST_AUTO_TEST_SUITE(token_bucket_suite)

BOOST_AUTO_TEST_CASE(a_burst_passes_at_once_then_the_rate_spreads_the_rest) {
  token_bucket b({10, 3}, t0);  // 10/s: one token per 100 ms
  for (int i = 0; i < 3; ++i) {
    auto r = b.reserve(t0, 10s, unbounded);
    BOOST_TEST(r.granted);
    BOOST_TEST(r.wait.count() == 0);
  }
  // Beyond the burst, each caller books the next token: 100, 200, 300 ms.
  for (int i = 1; i <= 3; ++i) {
    auto r = b.reserve(t0, 10s, unbounded);
    BOOST_TEST(r.granted);
    BOOST_TEST(ms(r.wait) == 100.0 * i, boost::test_tools::tolerance(0.01));
  }
  BOOST_TEST(b.waiting(t0) == 3u);
}

BOOST_AUTO_TEST_CASE(waits_follow_arrival_order_as_time_passes) {
  token_bucket b({10, 1}, t0);
  BOOST_TEST(b.reserve(t0, 10s, unbounded).wait.count() == 0);
  auto second = b.reserve(t0, 10s, unbounded);  // due at t0+100ms
  BOOST_TEST(ms(second.wait) == 100.0, boost::test_tools::tolerance(0.01));
  // 150 ms later the second caller has its token; a third one is due at t0+200ms.
  auto later = t0 + 150ms;
  BOOST_TEST(b.waiting(later) == 0u);
  auto third = b.reserve(later, 10s, unbounded);
  BOOST_TEST(ms(third.wait) == 50.0, boost::test_tools::tolerance(0.01));
  // A caller arriving while the third waits is served after it.
  auto fourth = b.reserve(later + 10ms, 10s, unbounded);
  BOOST_TEST(ms(fourth.wait) == 140.0, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(the_bucket_refills_up_to_its_burst_only) {
  token_bucket b({10, 2}, t0);
  b.reserve(t0, 1s, unbounded);
  b.reserve(t0, 1s, unbounded);
  BOOST_TEST(b.tokens(t0) == 0.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(b.tokens(t0 + 1h) == 2.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(b.idle(t0 + 1h));
  // After a long idle time only `burst` callers pass at once.
  BOOST_TEST(b.reserve(t0 + 1h, 0s, unbounded).granted);
  BOOST_TEST(b.reserve(t0 + 1h, 0s, unbounded).granted);
  auto third = b.reserve(t0 + 1h, 0s, unbounded);
  BOOST_TEST(!third.granted);
  BOOST_TEST((third.why == token_bucket::refusal::too_long));
}

BOOST_AUTO_TEST_CASE(the_queue_is_bounded_and_a_refusal_books_nothing) {
  token_bucket b({1, 1}, t0);
  BOOST_TEST(b.reserve(t0, 1h, 2).granted);  // the burst
  BOOST_TEST(b.reserve(t0, 1h, 2).granted);  // waits 1 s
  BOOST_TEST(b.reserve(t0, 1h, 2).granted);  // waits 2 s
  auto full = b.reserve(t0, 1h, 2);
  BOOST_TEST(!full.granted);
  BOOST_TEST((full.why == token_bucket::refusal::queue_full));
  BOOST_TEST(b.waiting(t0) == 2u);
  BOOST_TEST(b.tokens(t0) == -2.0, boost::test_tools::tolerance(1e-9));
  // Once the first waiter's token arrived there is room for one more.
  auto next = b.reserve(t0 + 1s, 1h, 2);
  BOOST_TEST(next.granted);
  BOOST_TEST(ms(next.wait) == 2000.0, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(a_wait_beyond_the_callers_budget_is_refused) {
  token_bucket b({2, 1}, t0);
  BOOST_TEST(b.reserve(t0, 0s, unbounded).granted);
  auto r = b.reserve(t0, 400ms, unbounded);  // the next token is 500 ms away
  BOOST_TEST(!r.granted);
  BOOST_TEST((r.why == token_bucket::refusal::too_long));
  BOOST_TEST(b.waiting(t0) == 0u);
  BOOST_TEST(b.reserve(t0, 500ms, unbounded).granted);
}

BOOST_AUTO_TEST_CASE(zero_rate_is_unlimited_and_zero_burst_is_the_rate) {
  token_bucket unlimited({0, 0}, t0);
  for (int i = 0; i < 10000; ++i) BOOST_REQUIRE(unlimited.reserve(t0, 0s, 0).granted);
  token_bucket b({5, 0}, t0);  // burst 0 means 5
  int at_once = 0;
  while (b.reserve(t0, 0s, unbounded).granted) ++at_once;
  BOOST_TEST(at_once == 5);
}

BOOST_AUTO_TEST_CASE(a_clock_read_before_the_last_one_adds_nothing) {
  token_bucket b({10, 1}, t0);
  b.reserve(t0, 1s, unbounded);
  auto r = b.reserve(t0 - 1s, 1s, unbounded);
  BOOST_TEST(r.granted);
  BOOST_TEST(ms(r.wait) == 100.0, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_SUITE_END()
