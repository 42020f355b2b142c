// The retry budget: retries may be at most `ratio` of the calls made over a sliding
// window (aws.retryBudget, 0.1 = 10%), plus a small floor so that a quiet controller can
// still retry a lone failure. When AWS throttles or fails everything, calls are
// answered with their first error instead of tripling the load on a service that is
// already refusing it.
//
// Why a ratio over a window rather than the SDKs' retry quota (500 tokens, a retry
// costs 5, a timeout 10, a success refunds 1): the config states the budget as a share
// of calls, and one budget here serves thousands of tenants at once, where a fixed
// token pool would be either exhausted by one noisy minute or too large to matter.
// The window is divided into slots (10 x 1 s by default) that age out one by one.
//
// Contract: pure (the caller passes the steady-clock time); not thread-safe (the
// installed call policy locks around it). ratio 0 disables retries entirely (no floor).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace fluxaws::aws {

class retry_budget {
 public:
  using clock = std::chrono::steady_clock;

  retry_budget(double ratio, double floor, clock::duration window = std::chrono::seconds(10), int slots = 10);

  // A first attempt was made.
  void record_call(clock::time_point now);
  // Spends one retry when the budget allows it.
  bool try_spend(clock::time_point now);
  // Retries still allowed now (may be fractional; < 1 means none).
  double allowance(clock::time_point now);

  uint64_t calls(clock::time_point now);
  uint64_t retries(clock::time_point now);

 private:
  struct slot {
    int64_t index = -1;  // which window slot of time it counts
    uint64_t calls = 0;
    uint64_t retries = 0;
  };
  slot& current(clock::time_point now);
  int64_t index_of(clock::time_point now) const;

  double ratio_;
  double floor_;
  clock::duration slot_length_;
  std::vector<slot> slots_;
};

}  // namespace fluxaws::aws
