// How a reconcile ends, and what that means for status and scheduling — the C++
// counterpart of source-controller's internal/reconcile and summarize helpers:
//   - a stalling error stalls the object (Stalled=True, no retry);
//   - a waiting error retries after its own delay without a failure;
//   - a generic error retries with exponential backoff;
//   - success requeues after the interval (jittered by the caller) and records
//     observedGeneration;
// and in every case Ready is re-derived from the kind's summary policy.
#pragma once

#include <chrono>
#include <string>

#include "actors/conditions.hpp"

namespace fluxaws::actors {

enum class result_kind { empty, requeue, success };

struct reconcile_error {
  enum class type { none, stalling, waiting, generic };
  type kind = type::none;
  std::string reason;
  std::string message;
  bool ignore = false;                          // generic errors that are not failures
  std::chrono::milliseconds requeue_after{0};   // waiting errors

  static reconcile_error none() { return {}; }
  static reconcile_error stalling(std::string reason, std::string message) {
    return {type::stalling, std::move(reason), std::move(message), false, {}};
  }
  static reconcile_error waiting(std::string reason, std::string message, std::chrono::milliseconds after) {
    return {type::waiting, std::move(reason), std::move(message), false, after};
  }
  static reconcile_error generic(std::string reason, std::string message) {
    return {type::generic, std::move(reason), std::move(message), false, {}};
  }
  bool failed() const { return kind != type::none; }
};

struct reconcile_outcome {
  result_kind result = result_kind::empty;
  reconcile_error error;
};

// What the scheduler does next.
struct next_step {
  enum class kind { interval, backoff, after, never } what = kind::interval;
  std::chrono::milliseconds after{0};  // for kind::after
  bool success = false;                // Ready and not stalled: resets the backoff
};

struct finalize_input {
  reconcile_outcome outcome;
  const summary_policy* policy = nullptr;  // null: Ready is managed by the kind itself
  int64_t generation = 0;
  std::string now;  // RFC 3339
};

// Applies the outcome to the conditions (Reconciling/Stalled cleanup, Ready summary)
// and says whether observedGeneration advances and when to run next.
struct finalize_result {
  next_step next;
  bool record_observed_generation = false;
};

finalize_result finalize(condition_set& conditions, const finalize_input& in);

// Exponential backoff: min * 2^(failures-1), capped at max.
std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds min, std::chrono::milliseconds max);

// Interval ± jitter_percent (uniform), from a caller-supplied random fraction in [0,1).
std::chrono::milliseconds jittered(std::chrono::milliseconds interval, double jitter_percent, double random01);

}  // namespace fluxaws::actors
