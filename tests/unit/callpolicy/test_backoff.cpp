// Full-jitter exponential backoff: ceilings, bounds of the random delay, the cap.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/retry_backoff.hpp"

using namespace fluxaws::aws;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(backoff_suite)

BOOST_AUTO_TEST_CASE(ceilings_double_from_the_base_up_to_the_cap) {
  BOOST_TEST(backoff_ceiling(1, false).count() == 100);
  BOOST_TEST(backoff_ceiling(2, false).count() == 200);
  BOOST_TEST(backoff_ceiling(3, false).count() == 400);
  BOOST_TEST(backoff_ceiling(8, false).count() == 12800);
  BOOST_TEST(backoff_ceiling(9, false).count() == 20000);    // 25.6 s capped
  BOOST_TEST(backoff_ceiling(1000, false).count() == 20000);  // no overflow
  // Throttling backs off from 500 ms.
  BOOST_TEST(backoff_ceiling(1, true).count() == 500);
  BOOST_TEST(backoff_ceiling(3, true).count() == 2000);
  BOOST_TEST(backoff_ceiling(7, true).count() == 20000);
}

BOOST_AUTO_TEST_CASE(the_delay_is_the_draw_times_the_ceiling_and_stays_below_it) {
  for (int retry = 1; retry <= 12; ++retry)
    for (bool throttled : {false, true}) {
      auto ceiling = backoff_ceiling(retry, throttled);
      BOOST_TEST(backoff_delay(retry, throttled, 0.0).count() == 0);
      BOOST_TEST(backoff_delay(retry, throttled, 0.5).count() == ceiling.count() / 2);
      BOOST_TEST(backoff_delay(retry, throttled, 0.999999).count() < ceiling.count());
      // Out-of-range draws are clamped, never beyond the ceiling.
      BOOST_TEST(backoff_delay(retry, throttled, 7.0).count() < ceiling.count());
      BOOST_TEST(backoff_delay(retry, throttled, -3.0).count() == 0);
    }
}

BOOST_AUTO_TEST_CASE(settings_replace_the_sdk_defaults) {
  backoff_settings s{10ms, 50ms, 300ms};
  BOOST_TEST(backoff_ceiling(1, false, s).count() == 10);
  BOOST_TEST(backoff_ceiling(4, true, s).count() == 300);
  BOOST_TEST(backoff_delay(2, false, 0.25, s).count() == 5);
}

BOOST_AUTO_TEST_SUITE_END()
