#include <boost/test/unit_test.hpp>

#include "benchmarks/tenant_scale/src/report.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;

namespace {

histogram hist(double count) {
  histogram h;
  h.buckets = {{0.01, count * 0.2}, {0.05, count * 0.9}, {std::numeric_limits<double>::infinity(), count}};
  h.count = count;
  h.sum = count * 0.02;
  return h;
}

mode_results make_mode_results(const std::string& name, double cold_seconds, double cpu_per_reconcile, int objects,
                               long sts_ok) {
  mode_results m;
  m.name = name;
  m.description = name + " mode";
  cold_measurement c;
  c.finished = true;
  c.exit_code = 0;
  c.seconds = cold_seconds;
  c.cpu_seconds = 2;
  c.peak_rss_kib = 100000;
  c.statuses.objects = objects;
  c.statuses.ready = objects;
  c.calls.sts = {sts_ok, sts_ok};
  c.calls.ecr_token = {10, 10};
  c.calls.kms_decrypt = {20, 20};
  m.cold = c;
  steady_measurement s;
  s.all_ready = true;
  s.ready_objects = objects;
  s.cold_latency[""] = hist(objects);
  s.steady_latency[""] = hist(3 * objects);
  s.cpu.window_seconds = 20;
  s.cpu.cpu_seconds = 1;
  s.cpu.reconciles = 3 * objects;
  s.cpu.cpu_per_reconcile = cpu_per_reconcile;
  s.cpu.kinds["Bucket"] = kind_cost{100, 40e-6, true};
  s.cpu.kinds["OCIRepository"] = kind_cost{200, 0, false};
  m.steady = s;
  return m;
}

bench_results sample_results(int objects) {
  bench_results r;
  r.profile = "test";
  r.plan.tenants = 10;
  r.objects = objects;
  r.identities = objects / 8;
  r.objects_by_kind = {{"Bucket", objects / 2}, {"OCIRepository", objects / 2}};
  r.forms = {{"Bucket", auth_form::aws_identity}, {"OCIRepository", auth_form::static_keys}};
  r.excluded = {{"Kustomization", "not registered"}};
  r.ideal = {10, 10, 20};
  r.empty_peak_rss_kib = 20000;
  r.machine.cpus = 2;
  r.machine.cpu_model = "Test CPU";
  r.modes.push_back(make_mode_results("fluxaws", 1.0, 25e-6, objects, 10));
  r.modes.push_back(make_mode_results("baseline", 30.0, 50e-6, objects, 10));
  peer_comparison p;
  p.peer = "aws s3 sync";
  p.fluxaws = "Bucket reconcile";
  p.items = 1000;
  p.ok = true;
  p.peer_seconds = 4;
  p.fluxaws_start_to_ready_seconds = 0.5;
  p.fluxaws_reconcile_seconds = 0.3;
  r.peers.push_back(p);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(report)

BOOST_AUTO_TEST_CASE(json_carries_every_figure) {
  auto r = sample_results(8000);
  auto j = report_json(r);
  BOOST_TEST(j.find("ok")->as_bool());
  BOOST_TEST(j.at({"world", "objects"})->as_int() == 8000);
  BOOST_TEST(j.at({"world", "authForms", "OCIRepository"})->as_string() == "static-keys");
  BOOST_TEST(j.at({"world", "excludedKinds", "Kustomization"})->as_string() == "not registered");
  BOOST_TEST(j.at({"modes", "fluxaws", "cold", "seconds"})->as_double() == 1.0);
  BOOST_TEST(j.at({"modes", "fluxaws", "cold", "objectsPerSecond"})->as_double() == 8000.0);
  BOOST_TEST(j.at({"modes", "fluxaws", "cold", "rssPerObjectKiB"})->as_double() == 10.0);
  BOOST_TEST(j.at({"modes", "fluxaws", "cold", "credentialCalls", "sts", "ideal"})->as_int() == 10);
  BOOST_TEST(j.at({"modes", "fluxaws", "steady", "window", "cpuMicrosPerReconcile"})->as_double() == 25.0,
             boost::test_tools::tolerance(1e-9));
  BOOST_TEST(!j.at({"modes", "fluxaws", "steady", "window", "byKind", "OCIRepository", "identified"})->as_bool());
  BOOST_TEST(j.at({"ratios", "coldStartBaselineOverFluxaws"})->as_double() == 30.0);
  BOOST_TEST(j.find("peers")->as_array()[0].find("ratio")->as_double() == 8.0);
  BOOST_TEST(j.find("targets")->as_array().size() == 6u);
}

BOOST_AUTO_TEST_CASE(targets_met_missed_and_out_of_scale) {
  auto r = sample_results(8000);
  std::map<std::string, target_check> t;
  for (const auto& c : check_targets(r)) t[c.name] = c;
  BOOST_TEST(t["cold start"].met);
  BOOST_TEST(t["cold start"].applies);
  BOOST_TEST(t["vs baseline"].met);  // 30x
  BOOST_TEST(t["credential calls"].met);
  BOOST_TEST(t["CPU per reconcile"].met);  // 25 us
  BOOST_TEST(!t["memory"].met);            // 10 KiB per object
  BOOST_TEST(!t["memory"].applies);        // stated for 80,000 objects
  BOOST_TEST(t["vs aws s3 sync"].met);

  auto small = sample_results(2000);
  small.modes[0].cold->calls.sts = {11, 11};
  std::map<std::string, target_check> s;
  for (const auto& c : check_targets(small)) s[c.name] = c;
  BOOST_TEST(!s["cold start"].applies);
  BOOST_TEST(!s["credential calls"].met);
  BOOST_TEST(s["credential calls"].value.find("STS succeeded 11 times, ideal 10") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(table_is_short_and_says_the_result) {
  auto r = sample_results(2000);
  auto ok = report_table(r);
  BOOST_TEST(ok.find("2000 objects") != std::string::npos);
  BOOST_TEST(ok.find("excluded: Kustomization (not registered)") != std::string::npos);
  BOOST_TEST(ok.find("result: OK") != std::string::npos);
  BOOST_TEST(ok.find("aws s3 sync (1000)") != std::string::npos);
  r.broken.push_back("fluxaws cold start: 1999 of 2000 objects Ready");
  auto broken = report_table(r);
  BOOST_TEST(broken.find("BROKEN: fluxaws cold start") != std::string::npos);
  BOOST_TEST(broken.find("result: OK") == std::string::npos);
  BOOST_TEST(!report_json(r).find("ok")->as_bool());
  // A run with nothing measured still renders.
  bench_results empty;
  BOOST_TEST(!report_table(empty).empty());
  BOOST_TEST(report_json(empty).find("modes")->size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
