#include <boost/test/unit_test.hpp>

#include <cmath>

#include "benchmarks/tenant_scale/src/cpu_attribution.hpp"

using namespace fluxaws::bench;

namespace {

// Slices whose reconcile mix varies like interleaving intervals do.
std::vector<cpu_slice> synthetic(double idle, double bucket_cost, double oci_cost, double noise) {
  std::vector<cpu_slice> out;
  for (int i = 0; i < 30; ++i) {
    cpu_slice s;
    s.seconds = 1.0;
    double b = (i % 5 == 0) ? 250 : (i % 5 == 1 ? 40 : 0);
    double o = (i % 6 == 0) ? 500 : (i % 6 == 3 ? 80 : 5);
    s.reconciles["Bucket"] = b;
    s.reconciles["OCIRepository"] = o;
    s.cpu_seconds = idle + b * bucket_cost + o * oci_cost + ((i % 2) ? noise : -noise);
    out.push_back(s);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cpu_attribution_fit)

BOOST_AUTO_TEST_CASE(recovers_costs_and_idle_rate) {
  auto a = attribute_cpu(synthetic(0.02, 200e-6, 80e-6, 0));
  BOOST_TEST(a.idle_cpu_per_second == 0.02, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(a.kinds["Bucket"].identified);
  BOOST_TEST(a.kinds["OCIRepository"].identified);
  BOOST_TEST(a.kinds["Bucket"].cpu_seconds_per_reconcile == 200e-6, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(a.kinds["OCIRepository"].cpu_seconds_per_reconcile == 80e-6, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(a.r_squared > 0.999);
  // The aggregate leaves the idle share out; the raw figure does not.
  BOOST_TEST(a.cpu_per_reconcile < a.cpu_per_reconcile_raw);
  double expected = (a.cpu_seconds - 0.02 * 30) / a.reconciles;
  BOOST_TEST(a.cpu_per_reconcile == expected, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(noise_keeps_costs_close_and_non_negative) {
  auto a = attribute_cpu(synthetic(0.01, 150e-6, 40e-6, 0.002));
  BOOST_TEST(std::fabs(a.kinds["Bucket"].cpu_seconds_per_reconcile - 150e-6) < 20e-6);
  BOOST_TEST(std::fabs(a.kinds["OCIRepository"].cpu_seconds_per_reconcile - 40e-6) < 20e-6);
  BOOST_TEST(a.idle_cpu_per_second >= 0);
}

BOOST_AUTO_TEST_CASE(inseparable_kinds_are_not_identified) {
  // Two kinds always reconciling together in the same proportion cannot be told apart.
  std::vector<cpu_slice> slices;
  for (int i = 0; i < 20; ++i) {
    cpu_slice s;
    s.seconds = 1;
    double n = (i % 3) * 100 + 10;
    s.reconciles["A"] = n;
    s.reconciles["B"] = 2 * n;
    s.cpu_seconds = 0.01 + n * 100e-6 + 2 * n * 50e-6;
    slices.push_back(s);
  }
  auto a = attribute_cpu(slices);
  BOOST_TEST(!(a.kinds["A"].identified && a.kinds["B"].identified));
  // The aggregate needs no model and stays right.
  BOOST_TEST(a.cpu_per_reconcile == (a.cpu_seconds - 0.01 * 20) / a.reconciles, boost::test_tools::tolerance(1e-4));
}

BOOST_AUTO_TEST_CASE(empty_and_idle_windows) {
  auto none = attribute_cpu({});
  BOOST_TEST(none.reconciles == 0);
  BOOST_TEST(none.cpu_per_reconcile == 0);
  std::vector<cpu_slice> idle(5, cpu_slice{1.0, 0.03, {}});
  auto a = attribute_cpu(idle);
  BOOST_TEST(a.idle_cpu_per_second == 0.03, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(a.reconciles == 0);
}

BOOST_AUTO_TEST_SUITE_END()
