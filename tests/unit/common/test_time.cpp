#include <boost/test/unit_test.hpp>

#include "adapters/common/time.hpp"

using namespace fluxaws;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(time_formats)

BOOST_AUTO_TEST_CASE(rfc3339_round_trip) {
  auto t = timefmt::parse_rfc3339("2015-08-30T12:36:00Z");
  BOOST_REQUIRE(t);
  BOOST_TEST(timefmt::rfc3339(*t) == "2015-08-30T12:36:00Z");
  BOOST_TEST(timefmt::amz_date(*t) == "20150830T123600Z");
  BOOST_TEST(timefmt::amz_day(*t) == "20150830");
  BOOST_TEST(timefmt::http_date(*t) == "Sun, 30 Aug 2015 12:36:00 GMT");
  BOOST_TEST((*timefmt::parse_rfc3339("2015-08-30T13:36:00.000Z") - *t == 1h));
  BOOST_TEST((*timefmt::parse_rfc3339("2015-08-30T14:36:00+01:00") - *t == 1h));
  BOOST_TEST((*timefmt::parse_amz_date("20150830T123600Z") == *t));
  BOOST_TEST(timefmt::rfc3339_millis(*t + 5ms) == "2015-08-30T12:36:00.005Z");
  BOOST_TEST(!timefmt::parse_rfc3339("2015-08-30"));
  BOOST_TEST(!timefmt::parse_rfc3339("2015-13-30T12:36:00Z"));
  BOOST_TEST(!timefmt::parse_amz_date("2015-08-30T12:36:00Z"));
}

BOOST_AUTO_TEST_CASE(go_durations) {
  BOOST_TEST((*timefmt::parse_go_duration("1m30s") == 90s));
  BOOST_TEST((*timefmt::parse_go_duration("1.5h") == 90min));
  BOOST_TEST((*timefmt::parse_go_duration("300ms") == 300ms));
  BOOST_TEST((*timefmt::parse_go_duration("0") == 0s));
  BOOST_TEST(!timefmt::parse_go_duration(""));
  BOOST_TEST(!timefmt::parse_go_duration("5"));
  BOOST_TEST(!timefmt::parse_go_duration("5d"));
  BOOST_TEST(!timefmt::parse_go_duration("abc"));
  BOOST_TEST(timefmt::go_duration(60s) == "1m0s");
  BOOST_TEST(timefmt::go_duration(90min) == "1h30m0s");
  BOOST_TEST(timefmt::go_duration(500ms) == "500ms");
  BOOST_TEST(timefmt::go_duration(1500ms) == "1.5s");
  BOOST_TEST(timefmt::go_duration(0s) == "0s");
}

BOOST_AUTO_TEST_SUITE_END()
