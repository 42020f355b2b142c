// Kubernetes conditions with Flux's semantics (fluxcd/pkg runtime/conditions):
//   - set() keeps lastTransitionTime unless status, reason or message change, stamps
//     observedGeneration, trims messages to 32 KiB, and orders the list Stalled,
//     Reconciling, Ready first, then by type;
//   - summary() derives a target condition (Ready) from others, where conditions of
//     "negative polarity" (FetchFailed, Stalled, ...) count as failures when True.
// Plain data and functions; the object actors own one condition_set each.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::actors {

namespace cond {
inline constexpr std::string_view ready = "Ready";
inline constexpr std::string_view reconciling = "Reconciling";
inline constexpr std::string_view stalled = "Stalled";
inline constexpr std::string_view true_ = "True";
inline constexpr std::string_view false_ = "False";
inline constexpr std::string_view unknown = "Unknown";
}  // namespace cond

struct condition {
  std::string type;
  std::string status;  // "True", "False", "Unknown"
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
  std::string last_transition_time;  // RFC 3339
};

// Which conditions a kind summarizes into its Ready condition (source-controller's
// summarize.Conditions).
struct summary_policy {
  std::vector<std::string> owned;
  std::vector<std::string> summarize;
  std::vector<std::string> negative_polarity;
};

class condition_set {
 public:
  using clock_fn = std::string (*)();

  condition_set() = default;

  const std::vector<condition>& items() const { return items_; }
  const condition* get(std::string_view type) const;
  bool has(std::string_view type) const { return get(type) != nullptr; }
  bool is_true(std::string_view type) const;
  bool is_false(std::string_view type) const;
  bool is_unknown(std::string_view type) const;  // absent counts as unknown
  bool is_ready() const { return is_true(cond::ready); }
  bool is_stalled() const { return is_true(cond::stalled); }
  bool is_reconciling() const { return is_true(cond::reconciling); }

  // now: RFC 3339 time used when a transition happens.
  void set(condition c, int64_t generation, const std::string& now);
  void mark_true(std::string_view type, std::string_view reason, std::string message, int64_t generation,
                 const std::string& now);
  void mark_false(std::string_view type, std::string_view reason, std::string message, int64_t generation,
                  const std::string& now);
  void mark_unknown(std::string_view type, std::string_view reason, std::string message, int64_t generation,
                    const std::string& now);
  void mark_reconciling(std::string_view reason, std::string message, int64_t generation, const std::string& now);
  void mark_stalled(std::string_view reason, std::string message, int64_t generation, const std::string& now);
  void remove(std::string_view type);

  // Sets `target` to the merge of the policy's summarized conditions.
  void set_summary(std::string_view target, const summary_policy& policy, int64_t generation,
                   const std::string& now);

  // rreconcile.ProgressiveStatus: Reconciling=True, and Ready=Unknown when drift or
  // when Ready is absent or unknown.
  void progressive(bool drift, std::string_view reason, std::string message, int64_t generation,
                   const std::string& now);

  json::value to_json() const;
  static condition_set from_json(const json::value& conditions);

 private:
  std::vector<condition> items_;
};

// The merge computed by set_summary (exposed for tests): nullopt when no condition
// of the policy is present.
std::optional<condition> summarize(const std::vector<condition>& conditions, std::string_view target,
                                   const summary_policy& policy);

}  // namespace fluxaws::actors
