#include "adapters/kube/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace fluxaws::kube {

token_bucket::token_bucket(double qps, int burst, clock::time_point now)
    : qps_(qps), burst_(std::max(burst, 1)), tokens_(static_cast<double>(std::max(burst, 1))), last_(now) {}

void token_bucket::refill(clock::time_point now) {
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(static_cast<double>(burst_), tokens_ + elapsed * qps_);
  last_ = now;
}

std::chrono::nanoseconds token_bucket::reserve(clock::time_point now) {
  if (qps_ <= 0) return std::chrono::nanoseconds(0);
  refill(now);
  tokens_ -= 1;
  if (tokens_ >= 0) return std::chrono::nanoseconds(0);
  // The deficit is paid back at qps tokens per second.
  double seconds = -tokens_ / qps_;
  return std::chrono::nanoseconds(static_cast<int64_t>(std::ceil(seconds * 1e9)));
}

double token_bucket::available(clock::time_point now) {
  refill(now);
  return tokens_;
}

}  // namespace fluxaws::kube
