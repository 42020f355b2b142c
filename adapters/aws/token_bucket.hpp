// A token bucket with reservations, the semantics of Go's x/time/rate Limiter.Reserve:
// `per_second` tokens are added per second up to `burst`; reserve() takes a token at
// once when one is there, else books the next token to come and says how long the
// caller has to wait for it. The balance may go negative by the booked tokens, so
// reservations are served strictly in the order they were made (arrival order) and a
// burst beyond `burst` is spread at `per_second`.
//
// Bounded: a reservation that would make more than max_waiting callers wait, or wait
// longer than max_wait, is refused and books nothing (the caller gets an error, the
// queue does not grow).
//
// Contract: pure — the caller passes the time (a steady clock), so tests drive it with
// a fake clock; not thread-safe (one owner, the limiter actor). per_second <= 0 means
// unlimited (every reservation is granted at once); burst < 1 is taken as
// max(1, per_second).
#pragma once

#include <chrono>
#include <cstddef>

namespace fluxaws::aws {

struct rate_limit {
  double per_second = 0;  // <= 0: unlimited
  double burst = 0;       // < 1: max(1, per_second)
  bool unlimited() const { return per_second <= 0; }
};

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  enum class refusal { none, queue_full, too_long };

  struct reservation {
    bool granted = true;
    clock::duration wait{0};  // when granted: how long until the booked token is there
    refusal why = refusal::none;
  };

  token_bucket(rate_limit limit, clock::time_point now);

  reservation reserve(clock::time_point now, clock::duration max_wait, std::size_t max_waiting);

  // Callers holding a reservation whose token has not arrived yet.
  std::size_t waiting(clock::time_point now);
  double tokens(clock::time_point now);
  // Full again: indistinguishable from a new bucket, so it may be dropped.
  bool idle(clock::time_point now);
  const rate_limit& limit() const { return limit_; }

 private:
  void advance(clock::time_point now);

  rate_limit limit_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace fluxaws::aws
