// Client-side rate limit of the Kubernetes client, as client-go's token bucket
// (--kube-api-qps, --kube-api-burst): the bucket holds up to `burst` tokens and
// refills at `qps` per second; each request takes one. Plain logic over a clock the
// caller passes in, so it is tested with a fake clock and used from one actor.
//
// Contract: reserve() always grants the request and returns how long the caller must
// wait before sending it (zero when a token is available now). Reservations queue
// in order: the tokens of waiting callers are already spoken for. qps <= 0 means
// unlimited.
#pragma once

#include <chrono>

namespace fluxaws::kube {

class token_bucket {
 public:
  using clock = std::chrono::steady_clock;

  token_bucket(double qps, int burst, clock::time_point now);

  // Takes one token; returns the delay until it is valid.
  std::chrono::nanoseconds reserve(clock::time_point now);
  // Tokens available right now (negative while reservations wait).
  double available(clock::time_point now);

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void refill(clock::time_point now);

  double qps_;
  int burst_;
  double tokens_;
  clock::time_point last_;
};

}  // namespace fluxaws::kube
