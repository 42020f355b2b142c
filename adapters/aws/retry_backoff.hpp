// Exponential backoff with full jitter between the attempts of one AWS call, as the AWS
// SDKs' "standard" retry mode computes it: the n-th retry waits a uniformly random
// time in [0, min(cap, base * 2^(n-1))). The bases and the cap are those of the AWS
// SDK for JavaScript v3 (@aws-sdk/middleware-retry constants): 100 ms, 500 ms after a
// throttling error (so that a throttled account backs off harder), at most 20 s — the
// MAX_BACKOFF of every SDK's standard mode.
//
// Contract: pure; the random draw u in [0, 1) is the caller's (tests pass their own).
#pragma once

#include <chrono>

namespace fluxaws::aws {

struct backoff_settings {
  std::chrono::milliseconds base{100};
  std::chrono::milliseconds throttling_base{500};
  std::chrono::milliseconds cap{20000};
};

// The ceiling of the n-th retry's delay (retry >= 1): min(cap, base * 2^(retry-1)).
std::chrono::milliseconds backoff_ceiling(int retry, bool throttled, const backoff_settings& s = {});

// The delay before the n-th retry: u * ceiling, u clamped to [0, 1).
std::chrono::milliseconds backoff_delay(int retry, bool throttled, double u, const backoff_settings& s = {});

}  // namespace fluxaws::aws
