#include "actors/failure_backoff.hpp"

#include <algorithm>

namespace fluxaws::actors {

std::chrono::milliseconds failure_backoff(unsigned consecutive_failures, std::chrono::milliseconds initial,
                                          std::chrono::milliseconds max) {
  if (consecutive_failures == 0) return std::chrono::milliseconds(0);
  auto d = initial;
  for (unsigned i = 1; i < consecutive_failures && d < max; ++i) d *= 2;
  return std::min(d, max);
}

}  // namespace fluxaws::actors
