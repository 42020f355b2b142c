#include "adapters/aws/retry_backoff.hpp"

#include <algorithm>
#include <cmath>

namespace fluxaws::aws {

std::chrono::milliseconds backoff_ceiling(int retry, bool throttled, const backoff_settings& s) {
  double base = static_cast<double>((throttled ? s.throttling_base : s.base).count());
  double cap = static_cast<double>(s.cap.count());
  int exponent = std::clamp(retry - 1, 0, 62);  // 2^62 ms is far beyond any cap
  double ceiling = std::min(cap, base * std::ldexp(1.0, exponent));
  return std::chrono::milliseconds(static_cast<long long>(ceiling));
}

std::chrono::milliseconds backoff_delay(int retry, bool throttled, double u, const backoff_settings& s) {
  if (!(u >= 0)) u = 0;  // also NaN
  if (u >= 1) u = std::nextafter(1.0, 0.0);
  double ceiling = static_cast<double>(backoff_ceiling(retry, throttled, s).count());
  return std::chrono::milliseconds(static_cast<long long>(std::floor(u * ceiling)));
}

}  // namespace fluxaws::aws
