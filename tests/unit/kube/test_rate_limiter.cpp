// The client-side token bucket (--kube-api-qps / --kube-api-burst) on a fake clock.
#include <boost/test/unit_test.hpp>

#include "adapters/kube/rate_limiter.hpp"

using namespace fluxaws::kube;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(rate_limiter_suite)

BOOST_AUTO_TEST_CASE(burst_then_qps) {
  auto t = token_bucket::clock::time_point{} + 1h;
  token_bucket b(50, 300, t);
  for (int i = 0; i < 300; ++i) BOOST_TEST(b.reserve(t).count() == 0);
  // The 301st waits one token's time (20 ms at 50 qps), the next 40 ms: they queue.
  BOOST_TEST(b.reserve(t).count() == std::chrono::nanoseconds(20ms).count());
  BOOST_TEST(b.reserve(t).count() == std::chrono::nanoseconds(40ms).count());
  // A second later 50 tokens came back; two of them were already spoken for.
  BOOST_TEST(b.available(t + 1s) == 48.0);
}

BOOST_AUTO_TEST_CASE(refill_is_capped_at_burst) {
  auto t = token_bucket::clock::time_point{} + 1h;
  token_bucket b(10, 5, t);
  for (int i = 0; i < 5; ++i) b.reserve(t);
  BOOST_TEST(b.available(t + 1h) == 5.0);
  BOOST_TEST(b.reserve(t + 1h).count() == 0);
}

BOOST_AUTO_TEST_CASE(zero_qps_is_unlimited_and_time_never_runs_back) {
  auto t = token_bucket::clock::time_point{} + 1h;
  token_bucket free(0, 1, t);
  for (int i = 0; i < 1000; ++i) BOOST_TEST(free.reserve(t).count() == 0);
  token_bucket b(1, 1, t);
  BOOST_TEST(b.reserve(t).count() == 0);
  BOOST_TEST(b.reserve(t - 1s).count() == std::chrono::nanoseconds(1s).count());  // an earlier clock reading adds nothing
}

BOOST_AUTO_TEST_SUITE_END()
