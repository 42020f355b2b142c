#include "actors/reconcile_result.hpp"

#include <cmath>

namespace fluxaws::actors {

finalize_result finalize(condition_set& conditions, const finalize_input& in) {
  finalize_result out;
  const auto& err = in.outcome.error;
  const auto res = in.outcome.result;

  // ComputeReconcileResult
  if (!err.failed() && res == result_kind::success) conditions.remove(cond::reconciling);
  if (conditions.is_reconciling()) {
    condition c = *conditions.get(cond::reconciling);
    c.reason = "ProgressingWithRetry";
    conditions.set(std::move(c), in.generation, in.now);
  }
  bool returned_error = false;
  switch (err.kind) {
    case reconcile_error::type::stalling:
      if (res == result_kind::empty) {
        conditions.mark_stalled(err.reason, err.message, in.generation, in.now);
        out.record_observed_generation = !conditions.items().empty();
        out.next.what = next_step::kind::never;
      } else {
        returned_error = true;
      }
      break;
    case reconcile_error::type::waiting:
      conditions.remove(cond::stalled);
      out.next.what = next_step::kind::after;
      out.next.after = err.requeue_after;
      break;
    case reconcile_error::type::generic:
      conditions.remove(cond::stalled);
      if (err.ignore) {
        out.record_observed_generation = !conditions.items().empty();
        conditions.remove(cond::reconciling);
        out.next.what = next_step::kind::interval;
      } else {
        returned_error = true;
      }
      break;
    case reconcile_error::type::none:
      if (res != result_kind::requeue) out.record_observed_generation = !conditions.items().empty();
      conditions.remove(cond::stalled);
      out.next.what = res == result_kind::requeue ? next_step::kind::after : next_step::kind::interval;
      break;
  }

  if (in.policy) conditions.set_summary(cond::ready, *in.policy, in.generation, in.now);

  if (returned_error) {
    out.next.what = next_step::kind::backoff;
    return out;
  }
  // isNonStalledSuccess: a "success" that left Ready not True is a failure.
  if (out.next.what == next_step::kind::interval && !conditions.is_stalled()) {
    if (conditions.is_ready()) {
      out.next.success = true;
    } else if (in.policy) {
      out.next.what = next_step::kind::backoff;
    } else {
      out.next.success = true;
    }
  }
  return out;
}

std::chrono::milliseconds backoff_delay(int failures, std::chrono::milliseconds min, std::chrono::milliseconds max) {
  if (failures < 1) failures = 1;
  double d = static_cast<double>(min.count()) * std::pow(2.0, failures - 1);
  if (d >= static_cast<double>(max.count())) return max;
  return std::chrono::milliseconds(static_cast<int64_t>(d));
}

std::chrono::milliseconds jittered(std::chrono::milliseconds interval, double jitter_percent, double random01) {
  double spread = static_cast<double>(interval.count()) * jitter_percent / 100.0;
  double v = static_cast<double>(interval.count()) - spread + 2.0 * spread * random01;
  if (v < 0) v = 0;
  return std::chrono::milliseconds(static_cast<int64_t>(v));
}

}  // namespace fluxaws::actors
