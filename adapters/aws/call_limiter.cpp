// The call limiter actor (call_limiter.hpp). The buckets' arithmetic is token_bucket's;
// this actor only owns them, answers acquires at once or parks them on a timer, and
// keeps the sleep timers of the async call code.
#include "adapters/aws/call_limiter.hpp"

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "adapters/aws/call_key.hpp"
#include "adapters/aws/call_policy.hpp"
#include "adapters/common/metrics.hpp"

namespace fluxaws::aws {

namespace {

using clock = std::chrono::steady_clock;
using wake_atom = caf::atom_constant<caf::atom("rlwake")>;

// The public interface plus the timer message the actor sends itself.
using limiter_impl = call_limiter_actor::extend<caf::reacts_to<wake_atom, uint64_t>>;

// Sweep full (idle) buckets after this many acquires, so keys of callers long gone
// (hosts, accounts, buckets) do not accumulate.
constexpr uint64_t sweep_every = 1024;

struct waiter {
  caf::typed_response_promise<limiter_grant> rp;
  caf::timespan wait{0};
};

struct sleeper {
  caf::typed_response_promise<caf::timespan> rp;
  caf::timespan d{0};
};

struct limiter_state {
  call_limiter_options opts;
  std::unordered_map<std::string, token_bucket> buckets;  // by limit_key::to_string()
  std::unordered_map<uint64_t, waiter> waiters;
  std::unordered_map<uint64_t, sleeper> sleepers;
  uint64_t next_id = 0;
  uint64_t since_sweep = 0;
  limiter_stats stats;
  static const char* name;
};

const char* limiter_state::name = "fluxaws.aws.call_limiter";

using self_ptr = limiter_impl::stateful_pointer<limiter_state>;

const rate_limit* limit_for(const limiter_state& st, const std::string& service) {
  auto it = st.opts.limits.find(service);
  if (it == st.opts.limits.end() && service == "ecr-public") it = st.opts.limits.find("ecr");
  if (it == st.opts.limits.end() || it->second.unlimited()) return nullptr;
  return &it->second;
}

std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string seconds_text(clock::duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", std::chrono::duration<double>(d).count());
  return buf;
}

void sweep(limiter_state& st, clock::time_point now) {
  for (auto it = st.buckets.begin(); it != st.buckets.end();) {
    if (it->second.idle(now))
      it = st.buckets.erase(it);
    else
      ++it;
  }
}

caf::result<limiter_grant> acquire(self_ptr self, limit_key key, caf::timespan max_wait) {
  auto& st = self->state;
  key = normalize_key(std::move(key));
  const rate_limit* limit = limit_for(st, key.service);
  if (!limit) {
    ++st.stats.granted_at_once;
    return limiter_grant{};
  }
  auto now = clock::now();
  if (++st.since_sweep >= sweep_every) {
    st.since_sweep = 0;
    sweep(st, now);
  }
  auto name = key.to_string();
  auto it = st.buckets.find(name);
  if (it == st.buckets.end()) it = st.buckets.emplace(name, token_bucket(*limit, now)).first;
  auto& bucket = it->second;
  auto budget = std::max(clock::duration(0), std::chrono::duration_cast<clock::duration>(max_wait));
  auto r = bucket.reserve(now, budget, st.opts.max_waiting_per_key);
  auto& m = metrics::registry::global();
  if (!r.granted) {
    ++st.stats.refused;
    bool full = r.why == token_bucket::refusal::queue_full;
    m.counter_add("fluxaws_aws_rate_limit_refused_total",
                  {{"service", key.service}, {"reason", full ? "queue_full" : "too_long"}});
    limiter_grant g;
    g.granted = false;
    g.reason = "local rate limit of " + name + " (" + number_text(limit->per_second) + "/s): " +
               (full ? std::to_string(bucket.waiting(now)) + " calls already wait for it"
                     : "the next free slot is further away than the call's " + seconds_text(budget) + " to wait");
    return g;
  }
  m.histogram_observe("fluxaws_aws_rate_limit_wait_seconds", {{"service", key.service}},
                      std::chrono::duration<double>(r.wait).count());
  if (r.wait <= clock::duration(0)) {
    ++st.stats.granted_at_once;
    return limiter_grant{};
  }
  ++st.stats.granted_after_wait;
  m.counter_add("fluxaws_aws_rate_limited_total", {{"service", key.service}});
  auto wait = std::chrono::duration_cast<caf::timespan>(r.wait);
  auto id = ++st.next_id;
  auto rp = self->make_response_promise<limiter_grant>();
  st.waiters.emplace(id, waiter{rp, wait});
  self->delayed_send(self, wait, wake_atom::value, id);
  return rp;
}

limiter_impl::behavior_type limiter_behavior(self_ptr self, call_limiter_options opts) {
  self->state.opts = std::move(opts);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    auto& st = self->state;
    for (auto& [id, w] : st.waiters) {
      limiter_grant g;
      g.stopped = true;
      g.reason = "the rate limiter stopped";
      w.rp.deliver(std::move(g));
    }
    for (auto& [id, s] : st.sleepers) s.rp.deliver(caf::make_error(caf::sec::request_receiver_down));
    st.waiters.clear();
    st.sleepers.clear();
    self->quit(msg.reason);
  });
  return {
      [self](limiter_acquire_atom, limit_key& key, caf::timespan max_wait) -> caf::result<limiter_grant> {
        return acquire(self, std::move(key), max_wait);
      },
      [self](limiter_sleep_atom, caf::timespan d) -> caf::result<caf::timespan> {
        if (d <= caf::timespan(0)) return d;
        auto id = ++self->state.next_id;
        auto rp = self->make_response_promise<caf::timespan>();
        self->state.sleepers.emplace(id, sleeper{rp, d});
        self->delayed_send(self, d, wake_atom::value, id);
        return rp;
      },
      [self](limiter_stats_atom) -> limiter_stats {
        auto& st = self->state;
        auto s = st.stats;
        s.waiting = st.waiters.size();
        s.sleeping = st.sleepers.size();
        s.keys = st.buckets.size();
        return s;
      },
      [self](wake_atom, uint64_t id) {
        auto& st = self->state;
        if (auto w = st.waiters.find(id); w != st.waiters.end()) {
          limiter_grant g;
          g.waited = w->second.wait;
          w->second.rp.deliver(std::move(g));
          st.waiters.erase(w);
          return;
        }
        if (auto s = st.sleepers.find(id); s != st.sleepers.end()) {
          s->second.rp.deliver(s->second.d);
          st.sleepers.erase(s);
        }
      },
  };
}

}  // namespace

call_limiter_actor spawn_call_limiter(caf::actor_system& sys, call_limiter_options opts) {
  describe_call_policy_metrics();  // the histogram's buckets before its first observation
  return caf::actor_cast<call_limiter_actor>(sys.spawn(limiter_behavior, std::move(opts)));
}

}  // namespace fluxaws::aws
