// The retry budget: a share of the calls over a sliding window, plus a floor.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/retry_budget.hpp"

using namespace fluxaws::aws;
using namespace std::chrono_literals;
using clock_type = retry_budget::clock;

namespace {
const clock_type::time_point t0 = clock_type::time_point(100000s);
}

BOOST_AUTO_TEST_SUITE(retry_budget_suite)

BOOST_AUTO_TEST_CASE(the_floor_allows_a_few_retries_without_traffic) {
  retry_budget b(0.1, 3);
  BOOST_TEST(b.try_spend(t0));
  BOOST_TEST(b.try_spend(t0));
  BOOST_TEST(b.try_spend(t0));
  BOOST_TEST(!b.try_spend(t0));
}

BOOST_AUTO_TEST_CASE(retries_are_at_most_the_share_of_calls) {
  retry_budget b(0.1, 0.5);  // a floor below one retry: the ratio decides
  for (int i = 0; i < 100; ++i) b.record_call(t0);
  int spent = 0;
  while (b.try_spend(t0)) ++spent;
  BOOST_TEST(spent == 10);  // 0.5 + 0.1 * 100 = 10.5
  BOOST_TEST(b.retries(t0) == 10u);
  BOOST_TEST(b.allowance(t0) < 1.0);
  // Ten more calls earn one more retry.
  for (int i = 0; i < 10; ++i) b.record_call(t0 + 500ms);
  BOOST_TEST(b.try_spend(t0 + 500ms));
  BOOST_TEST(!b.try_spend(t0 + 500ms));
}

BOOST_AUTO_TEST_CASE(the_window_forgets_old_calls_and_retries) {
  retry_budget b(0.1, 0, 10s, 10);
  // Ratio > 0 with a zero floor: only calls earn retries.
  BOOST_TEST(!b.try_spend(t0));
  for (int i = 0; i < 50; ++i) b.record_call(t0);
  int spent = 0;
  while (b.try_spend(t0)) ++spent;
  BOOST_TEST(spent == 5);
  BOOST_TEST(b.calls(t0 + 9s) == 50u);      // still in the window
  BOOST_TEST(!b.try_spend(t0 + 9s));
  BOOST_TEST(b.calls(t0 + 10s) == 0u);      // aged out: calls and retries alike
  BOOST_TEST(b.retries(t0 + 10s) == 0u);
  BOOST_TEST(!b.try_spend(t0 + 10s));
  for (int i = 0; i < 10; ++i) b.record_call(t0 + 10s);
  BOOST_TEST(b.try_spend(t0 + 10s));
}

BOOST_AUTO_TEST_CASE(a_zero_ratio_disables_retries) {
  retry_budget b(0, 10);
  for (int i = 0; i < 1000; ++i) b.record_call(t0);
  BOOST_TEST(!b.try_spend(t0));
}

BOOST_AUTO_TEST_SUITE_END()
