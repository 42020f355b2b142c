// The typed interface of the call limiter actor (call_limiter.hpp spawns it): token
// buckets per limit_key, and timers for the async call code's backoff.
//
//   acquire(key, max_wait) -> limiter_grant
//       Answers when a token for key is available: at once when the bucket has one,
//       else after the wait its reservation booked. Waiters of one key are answered in
//       arrival order. A reservation that would wait longer than max_wait, or queue
//       behind the key's maximum number of waiters, is answered at once with granted =
//       false and the reason (nothing is booked). Keys of services without a limit
//       are granted at once. A registry key naming only a host is normalized (ECR
//       registry hosts name their account and region; call_key.hpp).
//   sleep(d) -> d
//       Answers after d. A generic template (async_calls.hpp) cannot add a timer message
//       to an arbitrary caller's behaviour; it asks here instead.
//   stats -> limiter_stats
//
// When the limiter exits, every waiting acquire is answered (stopped = true: callers
// proceed unlimited, as if no policy were installed) and every sleep with an error.
// Ask with a finite CAF timeout of at least max_wait (or d) plus a margin.
//
// installed_call_limiter(): the process-wide limiter set by install_call_policy
// (call_policy.hpp), for actors outside the AWS adapter that send AWS-bound traffic
// themselves (the OCI registry actor). Header-only so that such a folder needs no link
// dependency on this one. The slot holds a weak address: it never keeps the actor (or
// its system) alive.
#pragma once

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <mutex>
#include <string>

#include "adapters/aws/limit_key.hpp"

namespace fluxaws::aws {

using limiter_acquire_atom = caf::atom_constant<caf::atom("rlacquire")>;
using limiter_sleep_atom = caf::atom_constant<caf::atom("rlsleep")>;
using limiter_stats_atom = caf::atom_constant<caf::atom("rlstats")>;

struct limiter_grant {
  bool granted = true;
  bool stopped = false;    // the limiter is shutting down: proceed without a limit
  caf::timespan waited{0};  // the wait this answer came after
  std::string reason;       // when refused: why ("42 callers already wait for …")
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limiter_grant& x) {
  return f(caf::meta::type_name("fluxaws.aws.limiter_grant"), x.granted, x.stopped, x.waited, x.reason);
}

struct limiter_stats {
  uint64_t granted_at_once = 0;
  uint64_t granted_after_wait = 0;
  uint64_t refused = 0;
  uint64_t waiting = 0;  // acquires not answered yet
  uint64_t sleeping = 0;
  uint64_t keys = 0;     // buckets held
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limiter_stats& x) {
  return f(caf::meta::type_name("fluxaws.aws.limiter_stats"), x.granted_at_once, x.granted_after_wait, x.refused,
           x.waiting, x.sleeping, x.keys);
}

using call_limiter_actor = caf::typed_actor<
    caf::replies_to<limiter_acquire_atom, limit_key, caf::timespan>::with<limiter_grant>,
    caf::replies_to<limiter_sleep_atom, caf::timespan>::with<caf::timespan>,
    caf::replies_to<limiter_stats_atom>::with<limiter_stats>>;

namespace detail {

struct limiter_slot {
  std::mutex mu;
  caf::actor_addr addr;
};

inline limiter_slot& installed_limiter_slot() {
  static limiter_slot slot;
  return slot;
}

}  // namespace detail

// The installed limiter, or an empty handle (none installed, or it is gone).
inline call_limiter_actor installed_call_limiter() {
  auto& slot = detail::installed_limiter_slot();
  std::lock_guard<std::mutex> lock(slot.mu);
  return caf::actor_cast<call_limiter_actor>(slot.addr);
}

}  // namespace fluxaws::aws
