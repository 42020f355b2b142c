// Leader election logic on a fake clock: create, renew, wait for a live holder,
// take an expired lease (transitions+1), lose leadership past the renew deadline,
// hand over on release; lease names per shard; MicroTime.
#include <boost/test/unit_test.hpp>

#include "adapters/kube/lease_logic.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;
using namespace std::chrono_literals;

namespace {
election_params params(const std::string& id) {
  election_params p;
  p.ns = "flux-system";
  p.identity = id;
  return p;
}
const timefmt::sys_time wall = timefmt::sys_time{} + 1700000000s;
}  // namespace

BOOST_AUTO_TEST_SUITE(lease_suite)

BOOST_AUTO_TEST_CASE(create_renew_and_lose_after_renew_deadline) {
  lease_logic a(params("pod-a"));
  auto t = lease_logic::steady::time_point{} + 1h;
  auto plan = a.next_step(std::nullopt, t, wall);
  BOOST_TEST_REQUIRE((plan.what == lease_logic::plan::op::create));
  BOOST_TEST(plan.next.holder == "pod-a");
  BOOST_TEST(plan.next.lease_duration_seconds == 35);
  BOOST_TEST(plan.next.lease_transitions == 0);
  BOOST_TEST(plan.next.acquire_time == "2023-11-14T22:13:20.000000Z");
  BOOST_TEST(!a.leader(t));
  plan.next.resource_version = "1";
  a.wrote(plan.next, t);
  BOOST_TEST(a.leader(t));

  // Renewing our own lease keeps acquireTime and transitions.
  auto renew = a.next_step(plan.next, t + 5s, wall + 5s);
  BOOST_TEST_REQUIRE((renew.what == lease_logic::plan::op::update));
  BOOST_TEST(renew.next.acquire_time == plan.next.acquire_time);
  BOOST_TEST(renew.next.renew_time == "2023-11-14T22:13:25.000000Z");
  BOOST_TEST(renew.next.resource_version == "1");  // optimistic concurrency
  a.wrote(renew.next, t + 5s);

  // Renewals fail (API down, 409s) — leadership holds until the 30 s deadline passes.
  a.failed(t + 20s);
  BOOST_TEST(a.leader(t + 20s));
  a.failed(t + 35s);
  BOOST_TEST(!a.leader(t + 35s));
}

BOOST_AUTO_TEST_CASE(a_live_holder_is_left_alone_an_expired_one_is_taken) {
  lease_record held;
  held.holder = "pod-a";
  held.lease_duration_seconds = 35;
  held.renew_time = "2023-11-14T22:13:20.000000Z";
  held.lease_transitions = 3;
  held.resource_version = "7";
  lease_logic b(params("pod-b"));
  auto t = lease_logic::steady::time_point{} + 2h;
  BOOST_TEST((b.next_step(held, t, wall).what == lease_logic::plan::op::none));
  BOOST_TEST(b.observed_holder() == "pod-a");
  // The holder keeps renewing: each change restarts the expiry on our clock.
  held.renew_time = "2023-11-14T22:13:50.000000Z";
  held.resource_version = "8";
  BOOST_TEST((b.next_step(held, t + 30s, wall).what == lease_logic::plan::op::none));
  BOOST_TEST((b.next_step(held, t + 64s, wall).what == lease_logic::plan::op::none));
  // No change seen for 35 s: expired, whatever the remote clock wrote.
  auto take = b.next_step(held, t + 65s, wall + 65s);
  BOOST_TEST_REQUIRE((take.what == lease_logic::plan::op::update));
  BOOST_TEST(take.next.holder == "pod-b");
  BOOST_TEST(take.next.lease_transitions == 4);
  BOOST_TEST(take.next.acquire_time == take.next.renew_time);
  BOOST_TEST(take.next.resource_version == "8");
}

BOOST_AUTO_TEST_CASE(a_released_lease_is_taken_at_once) {
  lease_logic a(params("pod-a"));
  auto t = lease_logic::steady::time_point{} + 3h;
  auto created = a.next_step(std::nullopt, t, wall).next;
  a.wrote(created, t);
  auto released = a.release(wall + 1s);
  BOOST_TEST(released.holder.empty());
  BOOST_TEST(released.lease_duration_seconds == 1);
  lease_logic b(params("pod-b"));
  auto take = b.next_step(released, t + 1s, wall + 1s);
  BOOST_TEST((take.what == lease_logic::plan::op::update));
  BOOST_TEST(take.next.lease_transitions == 1);
}

BOOST_AUTO_TEST_CASE(lease_json_round_trip_and_names) {
  lease_record r;
  r.holder = "pod-a_1234";
  r.lease_duration_seconds = 35;
  r.acquire_time = micro_time(wall);
  r.renew_time = micro_time(wall + 1500ms);
  r.lease_transitions = 2;
  r.resource_version = "99";
  auto obj = lease_object(params("pod-a_1234"), r);
  BOOST_TEST(obj.find("apiVersion")->as_string() == "coordination.k8s.io/v1");
  BOOST_TEST(obj.at({"metadata", "name"})->as_string() == "fluxaws-leader-election");
  BOOST_TEST(obj.at({"spec", "renewTime"})->as_string() == "2023-11-14T22:13:21.500000Z");
  auto back = parse_lease(obj);
  BOOST_TEST_REQUIRE(back.has_value());
  BOOST_TEST((*back == r));
  BOOST_TEST(!parse_lease(json::value("x")).has_value());

  BOOST_TEST(lease_name("fluxaws-leader-election", "") == "fluxaws-leader-election");
  auto shard1 = lease_name("fluxaws-leader-election", "sharding.fluxcd.io/key=shard1");
  auto shard2 = lease_name("fluxaws-leader-election", "sharding.fluxcd.io/key=shard2");
  BOOST_TEST(shard1.size() == std::string("fluxaws-leader-election-").size() + 8);
  BOOST_TEST(shard1 != shard2);
  BOOST_TEST(shard1 == lease_name("fluxaws-leader-election", "sharding.fluxcd.io/key=shard1"));
}

BOOST_AUTO_TEST_SUITE_END()
