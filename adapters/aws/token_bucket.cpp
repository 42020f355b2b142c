#include "adapters/aws/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace fluxaws::aws {

namespace {

rate_limit normalized(rate_limit l) {
  if (l.burst < 1) l.burst = std::max(1.0, l.per_second);
  return l;
}

}  // namespace

token_bucket::token_bucket(rate_limit limit, clock::time_point now)
    : limit_(normalized(limit)), tokens_(limit_.burst), last_(now) {}

void token_bucket::advance(clock::time_point now) {
  if (now <= last_) return;  // a caller's clock read before ours: nothing to add
  std::chrono::duration<double> elapsed = now - last_;
  tokens_ = std::min(limit_.burst, tokens_ + elapsed.count() * limit_.per_second);
  last_ = now;
}

token_bucket::reservation token_bucket::reserve(clock::time_point now, clock::duration max_wait,
                                                std::size_t max_waiting) {
  reservation r;
  if (limit_.unlimited()) return r;
  advance(now);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return r;
  }
  if (waiting(now) >= max_waiting) {
    r.granted = false;
    r.why = refusal::queue_full;
    return r;
  }
  // The token this caller books arrives once the balance is back at +1.
  std::chrono::duration<double> wait((1 - tokens_) / limit_.per_second);
  auto wait_d = std::chrono::duration_cast<clock::duration>(wait);
  if (wait_d < wait) wait_d += clock::duration(1);  // round up: never early
  if (wait_d > max_wait) {
    r.granted = false;
    r.why = refusal::too_long;
    return r;
  }
  tokens_ -= 1;
  r.wait = wait_d;
  return r;
}

std::size_t token_bucket::waiting(clock::time_point now) {
  if (limit_.unlimited()) return 0;
  advance(now);
  if (tokens_ >= 0) return 0;
  // Each booked token lowered the balance by one; those not yet refilled still wait.
  return static_cast<std::size_t>(std::ceil(-tokens_ - 1e-9));
}

double token_bucket::tokens(clock::time_point now) {
  advance(now);
  return tokens_;
}

bool token_bucket::idle(clock::time_point now) {
  if (limit_.unlimited()) return true;
  advance(now);
  return tokens_ >= limit_.burst;
}

}  // namespace fluxaws::aws
