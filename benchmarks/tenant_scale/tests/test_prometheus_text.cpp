#include <boost/test/unit_test.hpp>

#include "benchmarks/tenant_scale/src/prometheus_text.hpp"

using namespace fluxaws::bench;

namespace {

const char* kScrape =
    "# HELP fluxaws_reconciles_total Finished reconciles by kind and result.\n"
    "# TYPE fluxaws_reconciles_total counter\n"
    "fluxaws_reconciles_total{kind=\"Bucket\",result=\"success\"} 10\n"
    "fluxaws_reconciles_total{kind=\"Bucket\",result=\"failure\"} 2\n"
    "fluxaws_reconciles_total{kind=\"OCIRepository\",result=\"success\"} 5 1700000000000\n"
    "fluxaws_objects{kind=\"Bucket\",ready=\"True\"} 3\n"
    "fluxaws_objects{kind=\"Bucket\",ready=\"False\"} 1\n"
    "weird{msg=\"a \\\"quoted\\\" \\\\ value\\n\",kind=\"X\"} 1\n"
    "broken{kind=\"unterminated} 7\n"
    "not_a_number{kind=\"Y\"} abc\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"a\",namespace=\"n\",le=\"0.01\"} 1\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"a\",namespace=\"n\",le=\"0.1\"} 3\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"a\",namespace=\"n\",le=\"+Inf\"} 4\n"
    "gotk_reconcile_duration_seconds_sum{kind=\"Bucket\",name=\"a\",namespace=\"n\"} 2.5\n"
    "gotk_reconcile_duration_seconds_count{kind=\"Bucket\",name=\"a\",namespace=\"n\"} 4\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"b\",namespace=\"n\",le=\"0.01\"} 0\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"b\",namespace=\"n\",le=\"0.1\"} 2\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"Bucket\",name=\"b\",namespace=\"n\",le=\"+Inf\"} 2\n"
    "gotk_reconcile_duration_seconds_sum{kind=\"Bucket\",name=\"b\",namespace=\"n\"} 0.1\n"
    "gotk_reconcile_duration_seconds_count{kind=\"Bucket\",name=\"b\",namespace=\"n\"} 2\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"OCIRepository\",name=\"c\",namespace=\"n\",le=\"0.01\"} 0\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"OCIRepository\",name=\"c\",namespace=\"n\",le=\"0.1\"} 0\n"
    "gotk_reconcile_duration_seconds_bucket{kind=\"OCIRepository\",name=\"c\",namespace=\"n\",le=\"+Inf\"} 1\n"
    "gotk_reconcile_duration_seconds_sum{kind=\"OCIRepository\",name=\"c\",namespace=\"n\"} 3\n"
    "gotk_reconcile_duration_seconds_count{kind=\"OCIRepository\",name=\"c\",namespace=\"n\"} 1\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(prometheus_text)

BOOST_AUTO_TEST_CASE(samples_labels_and_sums) {
  auto s = parse_exposition(kScrape);
  // Comments, an unterminated label value and a non-number are skipped.
  for (const auto& smp : s) {
    BOOST_TEST(smp.name != "broken");
    BOOST_TEST(smp.name != "not_a_number");
  }
  BOOST_TEST(sum_of(s, "fluxaws_reconciles_total") == 17);
  BOOST_TEST(sum_of(s, "fluxaws_reconciles_total", {{"result", "success"}}) == 15);
  BOOST_TEST(sum_of(s, "fluxaws_objects", {{"ready", "True"}}) == 3);
  BOOST_TEST(sum_of(s, "absent") == 0);
  auto by = sum_by(s, "fluxaws_reconciles_total", "kind");
  BOOST_TEST(by["Bucket"] == 12);
  BOOST_TEST(by["OCIRepository"] == 5);
  bool found = false;
  for (const auto& smp : s)
    if (smp.name == "weird") {
      found = true;
      BOOST_TEST(*smp.label("msg") == "a \"quoted\" \\ value\n");
      BOOST_TEST(*smp.label("kind") == "X");
    }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(histograms_merge_per_kind_and_overall) {
  auto h = histograms_by(parse_exposition(kScrape), "gotk_reconcile_duration_seconds", "kind");
  BOOST_REQUIRE(h.count("Bucket") == 1);
  BOOST_REQUIRE(h.count("") == 1);
  const auto& b = h["Bucket"];
  BOOST_TEST(b.count == 6);
  BOOST_TEST(b.sum == 2.6, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(b.buckets.size() == 3u);
  BOOST_TEST(b.buckets[0].second == 1);
  BOOST_TEST(b.buckets[1].second == 5);
  BOOST_TEST(b.buckets[2].second == 6);
  BOOST_TEST(h[""].count == 7);
  BOOST_TEST(h[""].buckets.back().second == 7);
}

BOOST_AUTO_TEST_CASE(quantiles_interpolate_like_histogram_quantile) {
  histogram h;
  h.buckets = {{0.1, 10}, {0.2, 30}, {0.4, 40}, {std::numeric_limits<double>::infinity(), 40}};
  h.count = 40;
  // rank 20 falls in (0.1, 0.2] holding 20: halfway.
  BOOST_TEST(quantile(h, 0.5) == 0.15, boost::test_tools::tolerance(1e-9));
  // rank 5 in the first bucket, from 0.
  BOOST_TEST(quantile(h, 0.125) == 0.05, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(quantile(h, 1.0) == 0.4, boost::test_tools::tolerance(1e-9));
  // Observations beyond the largest finite bound give that bound.
  histogram tail;
  tail.buckets = {{0.1, 1}, {std::numeric_limits<double>::infinity(), 10}};
  BOOST_TEST(quantile(tail, 0.99) == 0.1, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(quantile(histogram{}, 0.5) == 0);
}

BOOST_AUTO_TEST_CASE(window_difference) {
  histogram a, b;
  a.buckets = {{0.1, 10}, {1, 20}, {std::numeric_limits<double>::infinity(), 21}};
  a.count = 21;
  a.sum = 5;
  b.buckets = {{0.1, 4}, {1, 4}, {std::numeric_limits<double>::infinity(), 4}};
  b.count = 4;
  b.sum = 1;
  auto d = subtract(a, b);
  BOOST_TEST(d.count == 17);
  BOOST_TEST(d.sum == 4);
  BOOST_TEST(d.buckets[0].second == 6);
  BOOST_TEST(d.buckets[1].second == 16);
  BOOST_TEST(d.buckets[2].second == 17);
}

BOOST_AUTO_TEST_SUITE_END()
