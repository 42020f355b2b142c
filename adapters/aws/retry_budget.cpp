#include "adapters/aws/retry_budget.hpp"

#include <algorithm>

namespace fluxaws::aws {

retry_budget::retry_budget(double ratio, double floor, clock::duration window, int slots)
    : ratio_(std::max(0.0, ratio)),
      floor_(ratio > 0 ? std::max(0.0, floor) : 0.0),
      slot_length_(std::max<clock::duration>(window / std::max(1, slots), clock::duration(1))),
      slots_(static_cast<std::size_t>(std::max(1, slots))) {}

int64_t retry_budget::index_of(clock::time_point now) const {
  return static_cast<int64_t>(now.time_since_epoch() / slot_length_);
}

retry_budget::slot& retry_budget::current(clock::time_point now) {
  int64_t i = index_of(now);
  auto n = static_cast<int64_t>(slots_.size());
  auto& s = slots_[static_cast<std::size_t>(((i % n) + n) % n)];
  if (s.index != i) s = slot{i, 0, 0};  // a slot from an earlier lap of the ring
  return s;
}

void retry_budget::record_call(clock::time_point now) { ++current(now).calls; }

uint64_t retry_budget::calls(clock::time_point now) {
  int64_t i = index_of(now), n = static_cast<int64_t>(slots_.size());
  uint64_t sum = 0;
  for (const auto& s : slots_)
    if (s.index > i - n && s.index <= i) sum += s.calls;
  return sum;
}

uint64_t retry_budget::retries(clock::time_point now) {
  int64_t i = index_of(now), n = static_cast<int64_t>(slots_.size());
  uint64_t sum = 0;
  for (const auto& s : slots_)
    if (s.index > i - n && s.index <= i) sum += s.retries;
  return sum;
}

double retry_budget::allowance(clock::time_point now) {
  return floor_ + ratio_ * static_cast<double>(calls(now)) - static_cast<double>(retries(now));
}

bool retry_budget::try_spend(clock::time_point now) {
  if (ratio_ <= 0) return false;
  if (allowance(now) < 1) return false;
  ++current(now).retries;
  return true;
}

}  // namespace fluxaws::aws
