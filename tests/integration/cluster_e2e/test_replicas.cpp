// Several fluxaws replicas against one API server, as the Deployment runs them:
//  - leader election (--enable-leader-election, a short Lease through Flux's
//    --leader-election-* flags): only the leader reconciles; after kill -9 of the
//    leader the other takes the Lease within the lease duration (plus its retry
//    period) and reconciles every object; no object was reconciled by both (per-replica
//    reconcile series from /metrics); a leader whose Lease is taken exits non-zero.
//  - sharding (--watch-label-selector sharding.fluxcd.io/key=shard1|shard2, each shard
//    with its own Lease): each replica reconciles exactly its shard, unlabelled objects
//    are nobody's, and an object relabelled to the other shard moves over.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>
#include <thread>

#include "tests/integration/cluster_e2e/cluster_env.hpp"

using namespace e2e;

namespace {

const std::string kKeys =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: ci-keys, namespace: ha}\n"
    "stringData: {accesskey: AKIACONFORMANCE00001, secretkey: conformance/Secret+Key/00001}\n";

std::string bucket(const std::string& name, const std::string& shard, const std::string& interval = "3s") {
  std::string labels = shard.empty() ? "" : ", labels: {sharding.fluxcd.io/key: " + shard + "}";
  return "---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: " + name + ", namespace: ha" +
         labels + "}\nspec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, "
                  "provider: generic, secretRef: {name: ci-keys}, interval: " + interval + "}\n";
}

// The short Lease of these tests: 4 s, renew deadline 3 s, retry every 1 s.
const std::vector<std::string> kLease = {"--leader-election-lease-duration=4s", "--leader-election-renew-deadline=3s",
                                         "--leader-election-retry-period=1s"};
constexpr auto kLeaseDuration = std::chrono::seconds(4);
constexpr auto kRetryPeriod = std::chrono::seconds(1);

replica_options elected(const std::string& name, const std::string& selector = "") {
  auto o = replica_options::named(name);
  o.leader_election = true;
  o.label_selector = selector;
  o.args = kLease;
  return o;
}

std::set<std::string> as_set(std::vector<std::string> v) { return {v.begin(), v.end()}; }

std::string lease_holder(api_server& api, const std::string& name) {
  auto lease = api.get("lease", "flux-system", name);
  if (!lease) return "";
  const value* h = lease->at({"spec", "holderIdentity"});
  return h ? h->as_string() : "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(replicas)

BOOST_AUTO_TEST_CASE(only_the_leader_reconciles_and_a_killed_leader_is_replaced_within_the_lease,
                     *boost::unit_test::timeout(300)) {
  auto& aws = aws_world::conformance();
  temp_dir dir;
  api_server api;
  api.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: ha}\n---\n" + kKeys + bucket("one", "") +
            bucket("two", "") + bucket("three", ""));
  const std::set<std::string> all = {"Bucket/ha/one", "Bucket/ha/two", "Bucket/ha/three"};

  auto a = std::make_unique<replica>(api, aws, dir.path(), elected("replica-a"));
  BOOST_REQUIRE_MESSAGE(a->wait_log("leadership acquired; starting the watch", 60s), a->log_tail());
  replica b(api, aws, dir.path(), elected("replica-b"));
  const auto a_id = a->identity(), b_id = b.identity();
  BOOST_REQUIRE(!a_id.empty() && !b_id.empty() && a_id != b_id);
  BOOST_TEST(lease_holder(api, "fluxaws-leader-election") == a_id);

  BOOST_REQUIRE_MESSAGE(api.wait_ready("ha", {"bucket/one", "bucket/two", "bucket/three"}, 90s), a->log_tail());
  // Several 3 s intervals pass: the leader reconciles everything again, the candidate nothing.
  BOOST_TEST(wait_until([&] { return a->reconciles("Bucket", "ha", "one") >= 2; }, 30s));
  BOOST_TEST(as_set(a->reconciled_objects()) == all);
  BOOST_TEST(b.reconciled_objects().empty());
  BOOST_TEST(b.log_lines("leadership acquired; starting the watch").empty());
  BOOST_TEST(lease_holder(api, "fluxaws-leader-election") == a_id);
  auto b_before_kill = b.reconciled_objects();

  // kill -9 the leader: no resignation, the Lease must expire.
  auto killed_at = std::chrono::steady_clock::now();
  a->proc().kill9();
  // The candidate saw the last renewal at most a retry period before the kill and checks
  // once per retry period: it must lead within the lease duration of that renewal (plus
  // a retry period of slack for a loaded machine's timers).
  auto took_over = b.wait_log("leadership acquired; starting the watch", kLeaseDuration + 3 * kRetryPeriod);
  auto handover = std::chrono::steady_clock::now() - killed_at;
  BOOST_REQUIRE_MESSAGE(took_over, "no handover within the lease duration:\n" << b.log_tail());
  BOOST_TEST_MESSAGE("handover after kill -9: "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(handover).count() << " ms (lease "
                     << kLeaseDuration.count() << " s, retry " << kRetryPeriod.count() << " s)");
  BOOST_TEST(lease_holder(api, "fluxaws-leader-election") == b_id);
  BOOST_TEST(b_before_kill.empty());  // nothing reconciled by both
  BOOST_TEST(wait_until([&] { return as_set(b.reconciled_objects()) == all; }, 60s), b.log_tail());
  BOOST_TEST(api.wait_ready("ha", {"bucket/one", "bucket/two", "bucket/three"}, 30s));
  a.reset();

  // Someone else takes the Lease: the leader stops and exits non-zero, as controller-runtime.
  auto patched = api.kubectl({"-n", "flux-system", "patch", "lease", "fluxaws-leader-election", "--type=merge", "-p",
                              R"({"spec":{"holderIdentity":"intruder","leaseDurationSeconds":60}})"});
  BOOST_REQUIRE_MESSAGE(patched.exit_code == 0, patched.err);
  auto exit_code = b.proc().wait(30s);
  BOOST_REQUIRE_MESSAGE(exit_code.has_value(), "the replica kept running without its Lease:\n" << b.log_tail());
  BOOST_TEST(*exit_code == 1);
  BOOST_TEST(!b.log_lines("leader election lost").empty());
}

BOOST_AUTO_TEST_CASE(label_selectors_split_the_objects_between_two_replicas, *boost::unit_test::timeout(300)) {
  auto& aws = aws_world::conformance();
  temp_dir dir;
  api_server api;
  api.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: ha}\n---\n" + kKeys + bucket("s1-a", "shard1") +
            bucket("s1-b", "shard1") + bucket("s2-a", "shard2") + bucket("nobody", ""));
  replica one(api, aws, dir.path(), elected("shard1", "sharding.fluxcd.io/key=shard1"));
  replica two(api, aws, dir.path(), elected("shard2", "sharding.fluxcd.io/key=shard2"));
  BOOST_REQUIRE_MESSAGE(api.wait_ready("ha", {"bucket/s1-a", "bucket/s1-b", "bucket/s2-a"}, 90s),
                        one.log_tail() << "\n" << two.log_tail());

  // Each shard elects through its own Lease (the selector's hash in its name).
  auto leases = api.kubectl({"-n", "flux-system", "get", "leases", "-o", "json"});
  auto ldoc = fluxaws::json::parse(leases.out);
  BOOST_REQUIRE(ldoc.has_value());
  std::set<std::string> holders;
  for (const auto& l : ldoc->find("items")->as_array()) {
    BOOST_TEST(l.at({"metadata", "name"})->as_string().rfind("fluxaws-leader-election-", 0) == 0u);
    holders.insert(l.at({"spec", "holderIdentity"})->as_string());
  }
  BOOST_TEST(ldoc->find("items")->as_array().size() == 2u);
  BOOST_TEST((holders == std::set<std::string>{one.identity(), two.identity()}));

  BOOST_TEST(wait_until([&] { return one.reconciles("Bucket", "ha", "s1-a") >= 2; }, 30s));
  BOOST_TEST((as_set(one.reconciled_objects()) == std::set<std::string>{"Bucket/ha/s1-a", "Bucket/ha/s1-b"}));
  BOOST_TEST((as_set(two.reconciled_objects()) == std::set<std::string>{"Bucket/ha/s2-a"}));
  auto nobody = api.get("bucket", "ha", "nobody");
  BOOST_REQUIRE(nobody.has_value());
  BOOST_TEST(condition(*nobody, "Ready").empty());  // no replica's shard: never reconciled

  // Relabelled to shard2: it moves from one replica to the other.
  auto relabel = api.kubectl({"-n", "ha", "label", "bucket", "s1-b", "sharding.fluxcd.io/key=shard2", "--overwrite"});
  BOOST_REQUIRE_MESSAGE(relabel.exit_code == 0, relabel.err);
  BOOST_TEST(wait_until([&] { return two.reconciles("Bucket", "ha", "s1-b") >= 1; }, 30s), two.log_tail());
  BOOST_TEST(wait_until([&] { return one.reconciles("Bucket", "ha", "s1-b") == 0; }, 30s));
  BOOST_TEST((as_set(one.reconciled_objects()) == std::set<std::string>{"Bucket/ha/s1-a"}));
  BOOST_TEST(api.wait_ready("ha", {"bucket/s1-b"}, 30s));
}

BOOST_AUTO_TEST_SUITE_END()
