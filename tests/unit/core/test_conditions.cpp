#include <boost/test/unit_test.hpp>

#include "actors/conditions.hpp"
#include "actors/reconcile_result.hpp"

using namespace fluxaws::actors;
using namespace std::chrono_literals;

namespace {
summary_policy bucket_policy() {
  return summary_policy{
      {"StorageOperationFailed", "FetchFailed", "ArtifactOutdated", "ArtifactInStorage", "Ready", "Reconciling",
       "Stalled"},
      {"StorageOperationFailed", "FetchFailed", "ArtifactOutdated", "ArtifactInStorage", "Stalled", "Reconciling"},
      {"StorageOperationFailed", "FetchFailed", "ArtifactOutdated", "Stalled", "Reconciling"}};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(conditions_semantics)

BOOST_AUTO_TEST_CASE(transition_time_changes_only_with_state) {
  condition_set c;
  c.mark_true("Ready", "Succeeded", "ok", 1, "T1");
  c.mark_true("Ready", "Succeeded", "ok", 2, "T2");
  BOOST_TEST(c.get("Ready")->last_transition_time == "T1");
  BOOST_TEST(c.get("Ready")->observed_generation == 2);
  c.mark_false("Ready", "Failed", "no", 2, "T3");
  BOOST_TEST(c.get("Ready")->last_transition_time == "T3");
}

BOOST_AUTO_TEST_CASE(order_is_stalled_reconciling_ready_then_types) {
  condition_set c;
  c.mark_true("FetchFailed", "x", "", 1, "T");
  c.mark_true("ArtifactInStorage", "x", "", 1, "T");
  c.mark_true("Ready", "x", "", 1, "T");
  c.mark_true("Reconciling", "x", "", 1, "T");
  std::vector<std::string> types;
  for (const auto& x : c.items()) types.push_back(x.type);
  BOOST_TEST((types == std::vector<std::string>{"Reconciling", "Ready", "ArtifactInStorage", "FetchFailed"}));
  c.mark_stalled("Bad", "m", 1, "T");
  BOOST_TEST(!c.has("Reconciling"));
  BOOST_TEST(c.items().front().type == "Stalled");
}

BOOST_AUTO_TEST_CASE(summary_prefers_negative_polarity_failures) {
  condition_set c;
  c.mark_true("ArtifactInStorage", "Succeeded", "stored artifact: revision 'sha256:1'", 1, "T");
  c.mark_true("FetchFailed", "AuthenticationFailed", "AccessDenied", 1, "T");
  c.set_summary("Ready", bucket_policy(), 1, "T");
  BOOST_TEST(c.get("Ready")->status == "False");
  BOOST_TEST(c.get("Ready")->reason == "AuthenticationFailed");
  BOOST_TEST(c.get("Ready")->message == "AccessDenied");
  c.remove("FetchFailed");
  c.set_summary("Ready", bucket_policy(), 1, "T");
  BOOST_TEST(c.get("Ready")->status == "True");
  BOOST_TEST(c.get("Ready")->reason == "Succeeded");
}

BOOST_AUTO_TEST_CASE(finalize_success_failure_stall_wait) {
  auto policy = bucket_policy();
  {
    condition_set c;
    c.progressive(false, "Progressing", "reconciliation in progress", 1, "T");
    c.mark_true("ArtifactInStorage", "Succeeded", "stored", 1, "T");
    auto r = finalize(c, {{result_kind::success, {}}, &policy, 1, "T"});
    BOOST_TEST(r.next.success);
    BOOST_TEST(r.record_observed_generation);
    BOOST_TEST(!c.has("Reconciling"));
    BOOST_TEST(c.is_ready());
  }
  {
    condition_set c;
    c.progressive(false, "Progressing", "reconciliation in progress", 1, "T");
    c.mark_true("FetchFailed", "BucketOperationFailed", "boom", 1, "T");
    auto r = finalize(c, {{result_kind::empty, reconcile_error::generic("BucketOperationFailed", "boom")}, &policy, 1,
                          "T"});
    BOOST_TEST((r.next.what == next_step::kind::backoff));
    BOOST_TEST(!r.record_observed_generation);
    BOOST_TEST(c.get("Reconciling")->reason == "ProgressingWithRetry");
    BOOST_TEST(c.get("Ready")->status == "False");
    BOOST_TEST(c.get("Ready")->reason == "BucketOperationFailed");
  }
  {
    condition_set c;
    c.progressive(false, "Progressing", "reconciliation in progress", 1, "T");
    c.mark_true("FetchFailed", "FeatureGateDisabled", "gate", 1, "T");
    auto r = finalize(c, {{result_kind::empty, reconcile_error::stalling("FeatureGateDisabled", "gate")}, &policy, 1,
                          "T"});
    BOOST_TEST((r.next.what == next_step::kind::never));
    BOOST_TEST(c.is_stalled());
    BOOST_TEST(c.get("Ready")->status == "False");
    BOOST_TEST(c.get("Ready")->reason == "FeatureGateDisabled");
  }
  {
    condition_set c;
    auto r = finalize(c, {{result_kind::empty, reconcile_error::waiting("DependencyNotReady", "x", 30s)}, nullptr, 1,
                          "T"});
    BOOST_TEST((r.next.what == next_step::kind::after));
    BOOST_TEST((r.next.after == 30s));
  }
}

BOOST_AUTO_TEST_CASE(backoff_and_jitter) {
  BOOST_TEST((backoff_delay(1, 750ms, 15min) == 750ms));
  BOOST_TEST((backoff_delay(2, 750ms, 15min) == 1500ms));
  BOOST_TEST((backoff_delay(40, 750ms, 15min) == 15min));
  BOOST_TEST((jittered(60s, 5, 0.0) == 57s));
  BOOST_TEST((jittered(60s, 5, 0.5) == 60s));
  BOOST_TEST((jittered(60s, 5, 0.999999) <= 63s));
}

BOOST_AUTO_TEST_SUITE_END()
