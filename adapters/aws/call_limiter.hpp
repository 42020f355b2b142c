// The call limiter actor (interface: call_limiter_interface.hpp): one per process,
// holding a token bucket (token_bucket.hpp) per limit_key, created on first use with
// its service's limit and dropped again once full and idle, and the timers of the
// async call code's backoff sleeps.
//
//   auto limiter = aws::spawn_call_limiter(sys, {aws::default_rate_limits()});
//   ... self->request(limiter, max_wait + margin, limiter_acquire_atom::value, key,
//                     caf::timespan{max_wait}).then([](limiter_grant& g) { ... });
//   anon_send_exit(limiter, caf::exit_reason::user_shutdown);  // at shutdown
//
// Waits are timers (delayed messages to itself), which keep the actor alive: whoever
// spawns it must send it an exit at shutdown (CAF 0.17: a pending delayed message holds
// its receiver). Metrics: fluxaws_aws_rate_limited_total{service},
// fluxaws_aws_rate_limit_refused_total{service,reason} and the histogram
// fluxaws_aws_rate_limit_wait_seconds{service} (call_policy.hpp).
#pragma once

#include <caf/actor_system.hpp>

#include <cstddef>
#include <map>
#include <string>

#include "adapters/aws/call_limiter_interface.hpp"
#include "adapters/aws/token_bucket.hpp"

namespace fluxaws::aws {

struct call_limiter_options {
  // Per service (the limit_key's service); a service absent here is not limited.
  // "ecr-public" falls back to "ecr" when it has no entry of its own.
  std::map<std::string, rate_limit> limits;
  // Callers that may wait on one key at a time; more are refused at once.
  std::size_t max_waiting_per_key = 4096;
};

call_limiter_actor spawn_call_limiter(caf::actor_system& sys, call_limiter_options opts);

}  // namespace fluxaws::aws
