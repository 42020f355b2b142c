#include "actors/token_cache.hpp"

#include <caf/actor_cast.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "actors/failure_backoff.hpp"
#include "actors/token_lifetime.hpp"
#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/retry.hpp"
#include "adapters/aws/token_file.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::actors {

namespace {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

template <class T>
struct item_slot {
  std::optional<T> value;
  token_window window;
  bool used = false;  // asked for since it was fetched: worth refreshing
  bool in_flight = false;
  uint64_t fetch_id = 0;
  std::vector<std::function<void(const result<T>&)>> waiters;
  unsigned failures = 0;
  steady::time_point retry_after{};
  error_info last_error;
  aws::ecr_registry registry;  // ECR slots
};

using creds_slot = item_slot<aws::credentials>;
using ecr_slot = item_slot<aws::ecr::authorization_token>;
using creds_callback = std::function<void(const result<aws::credentials>&)>;

struct cache_state {
  token_cache_config cfg;
  window_policy policy;
  creds_slot creds;
  std::map<std::string, ecr_slot> ecr;  // by scope: "ecr:<region>", "ecr-public"
  steady::time_point last_activity{};
  bool tick_pending = false;
  steady::time_point tick_at{};
  bool stopping = false;
  bool idle_notified = false;
  static inline const char* name = "fluxaws.token_cache";
};

using self_ptr = token_cache_actor::stateful_pointer<cache_state>;

const identity_options& opts(self_ptr self) { return *self->state.cfg.options; }
steady::time_point mono(self_ptr self) { return opts(self).clock.mono_now(); }
std::chrono::system_clock::time_point wall(self_ptr self) { return opts(self).clock.wall_now(); }
const std::string& describe(self_ptr self) { return self->state.cfg.identity.description; }

std::string seconds_text(milliseconds d) { return timefmt::go_duration(d); }

// Errors already phrased for an object (resolution of a chained role's base identity)
// pass through; any other is framed with the identity and the asking object.
bool preformatted(const error_info& e) {
  return e.code == reason::authentication_failed || e.code == reason::feature_gate_disabled ||
         e.code == reason::invalid_sts_configuration;
}
bool stalls(const error_info& e) {
  return e.code == reason::feature_gate_disabled || e.code == reason::invalid_sts_configuration;
}

error_info framed(const error_info& e, const std::string& what, const std::string& object_name) {
  if (preformatted(e)) return e;
  return make_error(reason::authentication_failed, "failed to get " + what + " for " + object_name + ": " + e.to_string(),
                    e.status);
}

credential_reply creds_reply(self_ptr self, const result<aws::credentials>& r, const std::string& object_name) {
  credential_reply out;
  out.identity = describe(self);
  out.region = self->state.cfg.identity.region;
  if (r.ok()) {
    out.ok = true;
    out.creds = r.value();
  } else {
    out.error = framed(r.error(), "AWS credentials (" + describe(self) + ")", object_name);
    out.stalling = stalls(out.error);
  }
  return out;
}

ecr_token_reply ecr_reply(self_ptr self, const result<aws::ecr::authorization_token>& r, const cache_lookup& lk) {
  ecr_token_reply out;
  out.identity = describe(self);
  out.region = lk.registry.region;
  out.public_registry = lk.registry.is_public;
  if (r.ok()) {
    out.ok = true;
    out.username = r->username;
    out.password = r->password;
    out.expires_at = r->expires_at;
  } else {
    out.error = framed(r.error(), "an ECR authorization token for " + lk.registry.host + " (" + describe(self) + ")",
                       lk.object_name);
    out.stalling = stalls(out.error);
  }
  return out;
}

template <class T>
bool in_backoff(const item_slot<T>& s, steady::time_point now) {
  return s.failures > 0 && now < s.retry_after;
}

bool busy(self_ptr self) {
  auto& st = self->state;
  if (st.creds.in_flight) return true;
  for (auto& [_, s] : st.ecr)
    if (s.in_flight) return true;
  return false;
}

bool holds_values(self_ptr self) {
  auto& st = self->state;
  if (st.creds.value) return true;
  for (auto& [_, s] : st.ecr)
    if (s.value) return true;
  return false;
}

template <class T>
void drop_value(item_slot<T>& s) {
  if (!s.value) return;
  s.value.reset();
  s.used = false;
  token_metrics::add_items(-1);
}

// Drops every item; counted as evictions when the registry evicts this identity (LRU).
void drop_all(self_ptr self, bool evicted) {
  auto& st = self->state;
  double n = 0;
  auto drop = [&](auto& s) {
    if (s.value) ++n;
    drop_value(s);
  };
  drop(st.creds);
  for (auto& [_, s] : st.ecr) drop(s);
  if (evicted && n > 0) token_metrics::add_evictions(n);
}

// Answers every waiter with err (shutdown), so no requester is left to its timeout.
void fail_all(self_ptr self, const std::string& why) {
  auto& st = self->state;
  auto err = make_error("unavailable", why);
  auto fail = [&](auto& s) {
    s.in_flight = false;
    auto waiters = std::move(s.waiters);
    s.waiters.clear();
    for (auto& w : waiters) w(err);
  };
  fail(st.creds);
  for (auto& [_, s] : st.ecr) fail(s);
}

void schedule_tick(self_ptr self, steady::time_point at) {
  auto& st = self->state;
  if (st.tick_pending && st.tick_at <= at) return;
  auto now = mono(self);
  auto delay = at > now ? std::chrono::duration_cast<milliseconds>(at - now) : milliseconds(0);
  st.tick_pending = true;
  st.tick_at = at;
  self->delayed_send(self, delay + milliseconds(1), cache_tick_atom::value);
}

// When something next needs doing without a request: a background refresh, dropping
// an expired item, or noticing idleness.
void plan_next_tick(self_ptr self) {
  auto& st = self->state;
  if (st.stopping) return;
  auto now = mono(self);
  auto next = steady::time_point::max();
  auto consider = [&](auto& s) {
    if (!s.value) return;
    if (opts(self).background_refresh && !s.in_flight) {
      auto r = s.window.refresh_at_mono;
      if (s.failures > 0) r = std::max(r, s.retry_after);
      if (r > now) next = std::min(next, r);
    }
    next = std::min(next, s.window.reuse_until_mono);
  };
  consider(st.creds);
  for (auto& [_, s] : st.ecr) consider(s);
  if (!holds_values(self) && !busy(self)) next = std::min(next, st.last_activity + opts(self).idle_timeout);
  if (next != steady::time_point::max()) schedule_tick(self, next);
}

void notify_idle(self_ptr self) {
  auto& st = self->state;
  if (st.idle_notified) return;
  st.idle_notified = true;
  if (auto reg = caf::actor_cast<registry_internal_actor>(st.cfg.registry))
    self->send(reg, idle_atom::value, st.cfg.identity.key_string);
  else
    self->quit();
}

// After a fetch finished: quit if being stopped, hand back an uncached identity, plan timers.
void after_fetch(self_ptr self) {
  auto& st = self->state;
  if (busy(self)) return;
  if (st.stopping) {
    self->quit();
    return;
  }
  if (!st.cfg.keep_values) {
    notify_idle(self);
    return;
  }
  plan_next_tick(self);
}

template <class T>
bool should_refresh(self_ptr self, const item_slot<T>& s, steady::time_point now) {
  return opts(self).background_refresh && !self->state.stopping && s.value && s.used && !s.in_flight &&
         s.window.refresh_due(now) && !in_backoff(s, now);
}

// ---- credentials ------------------------------------------------------------------

void fetch_credentials(self_ptr self, creds_callback done);

void fetch_chained(self_ptr self, creds_callback done, bool retried) {
  auto& st = self->state;
  const auto& plan = st.cfg.identity.plan;
  auto reg = caf::actor_cast<registry_internal_actor>(st.cfg.registry);
  if (!reg) {
    done(make_error("unavailable", "the identity registry has stopped"));
    return;
  }
  self->request(reg, opts(self).fetch_deadline, base_credentials_atom::value, *plan.base_request)
      .then(
          [self, done, retried, reg](credential_reply& base) {
            if (!base.ok) {
              done(base.error);
              return;
            }
            const auto& plan = self->state.cfg.identity.plan;
            aws::sts::assume_role_params p;
            p.role_arn = plan.assume_role_arn;
            p.role_session_name = plan.assume_role_session_name;
            auto base_key = base.creds.access_key_id;
            aws::async::assume_role(
                self, self->state.cfg.http, plan.sts, base.creds, p, opts(self).call_timeout,
                [self, done, retried, reg, base_key](result<aws::sts::assumed_role> r) {
                  if (!r.ok()) {
                    const auto& e = r.error();
                    bool stale = aws::is_expired_credentials(e) || e.code == "InvalidClientTokenId";
                    if (stale && !retried) {
                      // The base credentials were refused: evict them, then once more.
                      self->send(reg, invalidate_atom::value, *self->state.cfg.identity.plan.base_request,
                                 "credentials@" + base_key);
                      fetch_chained(self, done, true);
                      return;
                    }
                    done(e);
                    return;
                  }
                  done(std::move(r.value().creds));
                });
          },
          [self, done](caf::error& err) {
            done(make_error("timeout", "no base credentials from the identity registry: " + self->system().render(err)));
          });
}

void fetch_credentials(self_ptr self, creds_callback done) {
  auto& st = self->state;
  const auto& plan = st.cfg.identity.plan;
  if (plan.base_request) {
    fetch_chained(self, std::move(done), false);
    return;
  }
  switch (plan.how) {
    case fetch_plan::method::static_keys:
      done(plan.static_creds);
      return;
    case fetch_plan::method::default_chain: {
      std::shared_ptr<aws::credential_source> src = aws::make_source(*plan.chain, wall(self));
      aws::async::run_source(self, st.cfg.http, std::move(src),
                             [](const std::string& path) { return aws::read_token_file(path); }, std::move(done));
      return;
    }
    case fetch_plan::method::web_identity: {
      if (!st.cfg.sa_tokens) {
        done(make_error("config", "no ServiceAccount token issuer is configured"));
        return;
      }
      kube::sa_token_request req{plan.sa_namespace, plan.sa_name, plan.audience, opts(self).sa_token_lifetime};
      self->request(st.cfg.sa_tokens, opts(self).call_timeout, kube::sa_token_atom::value, std::move(req))
          .then(
              [self, done](kube::sa_token_reply& t) {
                const auto& plan = self->state.cfg.identity.plan;
                if (!t.ok) {
                  done(make_error(t.error.code.empty() ? "TokenRequestFailed" : t.error.code,
                                  "failed to create kubernetes token for service account '" + plan.sa_namespace + "/" +
                                      plan.sa_name + "': " + t.error.message));
                  return;
                }
                aws::sts::web_identity_params p;
                p.role_arn = plan.role_arn;
                p.role_session_name = plan.session_name;
                p.web_identity_token = std::move(t.token);
                aws::async::assume_role_with_web_identity(
                    self, self->state.cfg.http, plan.sts, p, opts(self).call_timeout,
                    [done](result<aws::sts::assumed_role> r) {
                      if (!r.ok()) {
                        done(r.error());
                        return;
                      }
                      done(std::move(r.value().creds));
                    });
              },
              [self, done](caf::error& err) {
                const auto& plan = self->state.cfg.identity.plan;
                done(make_error("timeout", "failed to create kubernetes token for service account '" +
                                               plan.sa_namespace + "/" + plan.sa_name +
                                               "': the token issuer did not answer (" + self->system().render(err) + ")"));
              });
      return;
    }
  }
}

void on_creds_done(self_ptr self, uint64_t id, result<aws::credentials> r) {
  auto& st = self->state;
  auto& s = st.creds;
  if (!s.in_flight || s.fetch_id != id) return;  // the deadline answered already
  s.in_flight = false;
  auto now = mono(self);
  if (r.ok()) {
    auto w = make_window(r->expiration, now, wall(self), st.policy);
    if (!w.usable()) {
      r = make_error("expired", "the credentials obtained expire at " +
                                    (r->expiration ? timefmt::rfc3339(*r->expiration) : std::string("?")) +
                                    ", already past or within a second (check the clock)");
    } else {
      s.failures = 0;
      if (st.cfg.keep_values && !st.stopping) {
        if (!s.value) token_metrics::add_items(1);
        s.value = r.value();
        s.window = w;
        s.used = false;
      }
    }
  }
  if (!r.ok()) {
    ++s.failures;
    s.retry_after = now + failure_backoff(s.failures, opts(self).initial_backoff, opts(self).max_backoff);
    s.last_error = r.error();
  }
  auto waiters = std::move(s.waiters);
  s.waiters.clear();
  for (auto& w : waiters) w(r);
  after_fetch(self);
}

void start_creds_fetch(self_ptr self) {
  auto& s = self->state.creds;
  s.in_flight = true;
  auto id = ++s.fetch_id;
  self->delayed_send(self, opts(self).fetch_deadline, fetch_deadline_atom::value, std::string(), id);
  fetch_credentials(self, [self, id](const result<aws::credentials>& r) { on_creds_done(self, id, r); });
}

// A credentials lookup that is not a plain hit, or an internal one (ECR): join the
// fetch in flight, fail fast in backoff, or start a fetch. obj == nullptr: no metrics
// (background work).
void lookup_credentials(self_ptr self, const token_metrics::involved_object* obj, creds_callback cb) {
  auto& s = self->state.creds;
  auto now = mono(self);
  if (s.value && s.window.valid(now, wall(self))) {
    if (obj) {
      token_metrics::record_event(true, *obj);
      token_metrics::record_request(true);
    }
    s.used = true;
    auto v = *s.value;
    if (should_refresh(self, s, now)) start_creds_fetch(self);
    cb(v);
    return;
  }
  drop_value(s);  // expired, if anything
  bool joined = s.in_flight;
  if (!joined && in_backoff(s, now)) {
    if (obj) {
      token_metrics::record_event(false, *obj);
      token_metrics::record_request(false);
    }
    cb(s.last_error);
    return;
  }
  if (obj) {
    token_metrics::record_event(joined, *obj);
    s.waiters.push_back([cb](const result<aws::credentials>& r) {
      token_metrics::record_request(r.ok());
      cb(r);
    });
  } else {
    s.waiters.push_back(std::move(cb));
  }
  if (!joined) start_creds_fetch(self);
}

// ---- ECR tokens -------------------------------------------------------------------

void on_ecr_done(self_ptr self, const std::string& scope, uint64_t id, result<aws::ecr::authorization_token> r) {
  auto& st = self->state;
  auto it = st.ecr.find(scope);
  if (it == st.ecr.end()) return;
  auto& s = it->second;
  if (!s.in_flight || s.fetch_id != id) return;
  s.in_flight = false;
  auto now = mono(self);
  if (r.ok()) {
    auto w = make_window(r->expires_at, now, wall(self), st.policy);
    if (!w.usable()) {
      r = make_error("expired", "the ECR authorization token obtained expires at " + timefmt::rfc3339(r->expires_at) +
                                    ", already past or within a second (check the clock)");
    } else {
      s.failures = 0;
      if (st.cfg.keep_values && !st.stopping) {
        if (!s.value) token_metrics::add_items(1);
        s.value = r.value();
        s.window = w;
        s.used = false;
      }
    }
  }
  if (!r.ok()) {
    ++s.failures;
    s.retry_after = now + failure_backoff(s.failures, opts(self).initial_backoff, opts(self).max_backoff);
    s.last_error = r.error();
  }
  auto waiters = std::move(s.waiters);
  s.waiters.clear();
  for (auto& w : waiters) w(r);
  after_fetch(self);
}

void call_ecr(self_ptr self, const std::string& scope, uint64_t id, const aws::credentials& creds, bool retried) {
  auto& st = self->state;
  const auto& reg = st.ecr[scope].registry;
  auto svc = reg.is_public ? aws::service::ecr_public : aws::service::ecr;
  auto ep = aws::resolve_endpoint(svc, reg.region, aws::endpoint_settings_from_env(opts(self).env, svc));
  if (!ep.ok()) {
    on_ecr_done(self, scope, id, ep.error());
    return;
  }
  auto key_id = creds.access_key_id;
  auto done = [self, scope, id, retried, key_id](result<aws::ecr::authorization_token> r) {
    if (!r.ok() && !retried) {
      const auto& e = r.error();
      if (aws::is_expired_credentials(e) || e.code == "InvalidClientTokenId" || e.code == "UnrecognizedClientException") {
        // The credentials were refused: evict them and try once more with fresh ones.
        auto& c = self->state.creds;
        if (c.value && c.value->access_key_id == key_id) drop_value(c);
        lookup_credentials(self, nullptr, [self, scope, id](const result<aws::credentials>& fresh) {
          if (!fresh.ok()) {
            on_ecr_done(self, scope, id, fresh.error());
            return;
          }
          call_ecr(self, scope, id, fresh.value(), true);
        });
        return;
      }
    }
    on_ecr_done(self, scope, id, std::move(r));
  };
  if (reg.is_public)
    aws::async::ecr_public_get_authorization_token(self, st.cfg.http, ep.value(), creds, opts(self).call_timeout,
                                                   std::move(done));
  else
    aws::async::ecr_get_authorization_token(self, st.cfg.http, ep.value(), creds, opts(self).call_timeout,
                                            std::move(done));
}

void start_ecr_fetch(self_ptr self, const std::string& scope, const token_metrics::involved_object* obj) {
  auto& s = self->state.ecr[scope];
  s.in_flight = true;
  auto id = ++s.fetch_id;
  self->delayed_send(self, opts(self).fetch_deadline, fetch_deadline_atom::value, scope, id);
  lookup_credentials(self, obj, [self, scope, id](const result<aws::credentials>& c) {
    if (!c.ok()) {
      on_ecr_done(self, scope, id, c.error());
      return;
    }
    call_ecr(self, scope, id, c.value(), false);
  });
}

// ---- the actor --------------------------------------------------------------------

void touch(self_ptr self) {
  self->state.last_activity = mono(self);
  self->state.idle_notified = false;
}

void on_tick(self_ptr self) {
  auto& st = self->state;
  st.tick_pending = false;
  if (st.stopping) return;
  auto now = mono(self);
  auto wnow = wall(self);
  if (st.creds.value && !st.creds.window.valid(now, wnow)) drop_value(st.creds);
  for (auto& [_, s] : st.ecr)
    if (s.value && !s.window.valid(now, wnow)) drop_value(s);
  if (should_refresh(self, st.creds, now)) start_creds_fetch(self);
  for (auto& [scope, s] : st.ecr)
    if (should_refresh(self, s, now)) start_ecr_fetch(self, scope, nullptr);
  if (!holds_values(self) && !busy(self) && now - st.last_activity >= opts(self).idle_timeout) {
    notify_idle(self);
    return;
  }
  plan_next_tick(self);
}

token_cache_actor::behavior_type token_cache(self_ptr self, token_cache_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  const auto& o = *st.cfg.options;
  st.policy = window_policy{o.reuse_fraction, o.refresh_at, effective_max_duration(o)};
  st.last_activity = mono(self);

  // The registry holds us; we only watch it, and leave with it.
  if (auto reg = caf::actor_cast<caf::actor>(st.cfg.registry)) {
    self->monitor(reg);
  } else {
    st.stopping = true;
  }
  self->set_down_handler([self](caf::down_msg& dm) {
    if (dm.source != self->state.cfg.registry) return;
    fail_all(self, "the identity registry stopped");
    drop_all(self, false);
    self->quit(dm.reason);
  });
  self->set_exit_handler([self](caf::exit_msg& em) {
    fail_all(self, "the credential plane is shutting down");
    drop_all(self, false);
    self->quit(em.reason);
  });

  return {
      [self](credentials_atom, const cache_lookup& lk) -> caf::result<credential_reply> {
        touch(self);
        auto& s = self->state.creds;
        auto now = mono(self);
        if (s.value && s.window.valid(now, wall(self))) {  // the hot path
          token_metrics::record_event(true, lk.object);
          token_metrics::record_request(true);
          s.used = true;
          credential_reply out;
          out.ok = true;
          out.creds = *s.value;
          out.identity = describe(self);
          out.region = self->state.cfg.identity.region;
          if (should_refresh(self, s, now)) start_creds_fetch(self);
          return out;
        }
        auto rp = self->make_response_promise<credential_reply>();
        lookup_credentials(self, &lk.object, [self, rp, name = lk.object_name](const result<aws::credentials>& r) mutable {
          rp.deliver(creds_reply(self, r, name));
        });
        return rp;
      },
      [self](ecr_token_atom, const cache_lookup& lk) -> caf::result<ecr_token_reply> {
        touch(self);
        auto scope = ecr_scope(lk.registry);
        auto [it, fresh] = self->state.ecr.try_emplace(scope);
        auto& s = it->second;
        if (fresh) {
          s.registry = lk.registry;
          s.registry.host = lk.registry.is_public ? "public.ecr.aws" : lk.registry.host;
        }
        auto now = mono(self);
        if (s.value && s.window.valid(now, wall(self))) {
          token_metrics::record_event(true, lk.object);
          token_metrics::record_request(true);
          s.used = true;
          auto out = ecr_reply(self, *s.value, lk);
          if (should_refresh(self, s, now)) start_ecr_fetch(self, scope, nullptr);
          return out;
        }
        drop_value(s);
        bool joined = s.in_flight;
        if (!joined && in_backoff(s, now)) {
          token_metrics::record_event(false, lk.object);
          token_metrics::record_request(false);
          return ecr_reply(self, s.last_error, lk);
        }
        token_metrics::record_event(joined, lk.object);
        auto rp = self->make_response_promise<ecr_token_reply>();
        s.waiters.push_back([self, rp, lk](const result<aws::ecr::authorization_token>& r) mutable {
          token_metrics::record_request(r.ok());
          rp.deliver(ecr_reply(self, r, lk));
        });
        if (!joined) start_ecr_fetch(self, scope, &lk.object);
        return rp;
      },
      [self](invalidate_atom, const std::string& what) {
        auto& st = self->state;
        if (what == "credentials") {
          drop_value(st.creds);
        } else if (what.rfind("credentials@", 0) == 0) {
          if (st.creds.value && st.creds.value->access_key_id == what.substr(12)) drop_value(st.creds);
        } else if (auto it = st.ecr.find(what); it != st.ecr.end()) {
          drop_value(it->second);
        }
      },
      [self](evict_atom) {
        auto& st = self->state;
        st.stopping = true;
        drop_all(self, true);
        if (!busy(self)) self->quit();
      },
      [self](cache_tick_atom) { on_tick(self); },
      [self](fetch_deadline_atom, const std::string& scope, uint64_t id) {
        auto late = make_error("timeout", "no answer within " + seconds_text(opts(self).fetch_deadline));
        if (scope.empty())
          on_creds_done(self, id, late);
        else
          on_ecr_done(self, scope, id, late);
      },
  };
}

}  // namespace

token_cache_actor spawn_token_cache(caf::actor_system& sys, token_cache_config cfg) {
  return sys.spawn(token_cache, std::move(cfg));
}

}  // namespace fluxaws::actors
