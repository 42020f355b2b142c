// The API server misbehaving under the real fluxaws binary (the stand-in's test
// endpoints): a watch cut mid-stream, a 410 Gone on the resumed watch, a restart of the
// API server, and 409 Conflicts on status patches. Objects created and deleted while
// the watch was down are picked up (relist), and every status lands — nothing lost.
// (tests/integration/cluster covers the same faults component by component.)
#include <boost/test/unit_test.hpp>

#include "tests/integration/cluster_e2e/cluster_env.hpp"

using namespace e2e;

namespace {

const std::string kKeys =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: ci-keys, namespace: res}\n"
    "stringData: {accesskey: AKIACONFORMANCE00001, secretkey: conformance/Secret+Key/00001}\n";

std::string bucket(const std::string& name, const std::string& interval = "10m") {
  return "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: " + name +
         ", namespace: res}\nspec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, "
         "provider: generic, secretRef: {name: ci-keys}, interval: " +
         interval + "}\n";
}

int64_t fault(api_server& api, const std::string& name) {
  const value* v = api.state().at({"faults", name});
  return v ? v->as_int() : -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resilience)

BOOST_AUTO_TEST_CASE(watch_cut_410_restart_and_status_conflicts_lose_nothing, *boost::unit_test::timeout(240)) {
  auto& aws = aws_world::conformance();
  temp_dir dir;
  api_server api;
  api.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: res}\n---\n" + kKeys + bucket("b1") + bucket("b2"));
  replica fluxaws(api, aws, dir.path(), replica_options::named("fluxaws-res"));
  BOOST_REQUIRE_MESSAGE(api.wait_ready("res", {"bucket/b1", "bucket/b2"}, 60s), fluxaws.log_tail());

  // A watch cut mid-stream: the next object still arrives.
  BOOST_TEST(api.admin("/_standin/watches/cut").find("cut")->as_int() >= 1);
  api.apply(bucket("b3"));
  BOOST_TEST(api.wait_ready("res", {"bucket/b3"}, 30s), fluxaws.log_tail());

  // The resumed watch answered 410 Gone: fluxaws relists, and what changed meanwhile —
  // an object created, another deleted — is seen.
  api.admin("/_standin/faults/expire-watches?count=1");
  api.admin("/_standin/watches/cut");
  api.apply(bucket("b4"));
  api.remove("bucket", "res", "b2");
  BOOST_TEST(api.wait_ready("res", {"bucket/b4"}, 30s), fluxaws.log_tail());
  BOOST_TEST(wait_until([&] { return fluxaws.reconciles("Bucket", "res", "b2") == 0; }, 30s));
  BOOST_TEST(wait_until([&] { return fault(api, "expireWatches") == 0; }, 10s));  // the 410 was served

  // The API server restarts (same port and objects, watch history gone).
  api.standin().restart();
  api.apply(bucket("b5"));
  BOOST_TEST(api.wait_ready("res", {"bucket/b5"}, 60s), fluxaws.log_tail());

  // Status patches answered 409 Conflict: retried until the new generation's status lands.
  api.admin("/_standin/faults/status-conflicts?count=3");
  auto patched = api.kubectl({"-n", "res", "patch", "bucket", "b1", "--type=merge", "-p", R"({"spec":{"interval":"9m"}})"});
  BOOST_REQUIRE_MESSAGE(patched.exit_code == 0, patched.err);
  std::optional<value> b1;
  BOOST_TEST(wait_until(
                 [&] {
                   b1 = api.get("bucket", "res", "b1");
                   return b1 && observed_generation(*b1) == generation(*b1) && condition(*b1, "Ready") == "True";
                 },
                 60s),
             fluxaws.log_tail());
  BOOST_TEST(fault(api, "statusConflicts") == 0);  // every conflict was served to fluxaws

  // Nothing lost: every object present is Ready, the deleted one is gone and not reconciled.
  BOOST_TEST(api.wait_ready("res", {"bucket/b1", "bucket/b3", "bucket/b4", "bucket/b5"}, 30s));
  BOOST_TEST(!api.get("bucket", "res", "b2").has_value());
  BOOST_TEST(fluxaws.reconciles("Bucket", "res", "b2") == 0);
  BOOST_TEST(fluxaws.proc().running());
  BOOST_TEST(fluxaws.proc().stop().value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
