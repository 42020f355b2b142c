// How long a token cache fails fast after a failed fetch before asking again, so that
// a broken identity (a wrong role, a revoked trust) does not hammer STS however many
// objects ask for it: initial after the first failure, doubling per consecutive
// failure, capped at max. Pure.
#pragma once

#include <chrono>

namespace fluxaws::actors {

std::chrono::milliseconds failure_backoff(unsigned consecutive_failures, std::chrono::milliseconds initial,
                                          std::chrono::milliseconds max);

}  // namespace fluxaws::actors
