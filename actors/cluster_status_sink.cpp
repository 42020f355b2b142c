#include "actors/cluster_status_sink.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <map>
#include <set>
#include <vector>

#include "adapters/common/log.hpp"
#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/kube_event.hpp"

namespace fluxaws::actors {

json::value status_merge_patch(const json::value& before, const json::value& after) {
  json::value status = after.is_object() ? after : json::value::make_object();
  for (const auto& [k, v] : before.as_object())
    if (!status.find(k)) status.set(k, nullptr);
  json::value patch = json::value::make_object();
  patch.set("status", std::move(status));
  return patch;
}

namespace {

using retry_atom = caf::atom_constant<caf::atom("csretry")>;
using sink_impl = status_sink_actor::extend<caf::reacts_to<retry_atom, kube::object_key>>;

struct written {
  json::value status;  // what the API server holds, as far as we know
  json::value object;  // the last object reported (for events)
  bool known = false;
};

struct sink_state {
  static inline const char* name = "fluxaws.cluster_status_sink";
  sink_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  cluster_status_sink_options opts;
  std::map<kube::object_key, status_report> pending;
  std::map<kube::object_key, uint64_t> in_flight;  // key -> token of the write running
  uint64_t next_token = 0;
  std::set<kube::object_key> cooling;  // waiting for a retry timer
  std::map<kube::object_key, std::chrono::milliseconds> backoff;
  std::map<kube::object_key, written> last;
  std::vector<caf::typed_response_promise<bool>> flush_waiters;
};

using self_ptr = sink_impl::stateful_pointer<sink_state>;

void pump(self_ptr self);

void check_flush(self_ptr self) {
  auto& st = self->state;
  if (!st.pending.empty() || !st.in_flight.empty()) return;
  for (auto& w : st.flush_waiters) w.deliver(true);
  st.flush_waiters.clear();
}

void record_events(self_ptr self, const kube::object_key& key, const json::value& object) {
  auto& st = self->state;
  auto& w = st.last[key];
  if (st.opts.events) {
    bool first = w.object.is_null();
    for (auto& e : kube::events_for_status(w.object, object)) {
      // After a restart the first status seen has no "before": only warnings then.
      if (first && e.type != "Warning") continue;
      self->send(st.opts.events, kube::event_atom::value, std::move(e));
    }
  }
  w.object = object;
}

void done(self_ptr self, const kube::object_key& key) {
  self->state.in_flight.erase(key);
  pump(self);
  check_flush(self);
}

void retry_later(self_ptr self, const kube::object_key& key, status_report report) {
  auto& st = self->state;
  st.in_flight.erase(key);
  if (!st.pending.count(key)) st.pending.emplace(key, std::move(report));  // a newer one wins
  auto& b = st.backoff[key];
  b = b.count() == 0 ? st.opts.min_backoff : std::min(st.opts.max_backoff, b * 2);
  st.cooling.insert(key);
  self->delayed_send(self, b, retry_atom::value, key);
  pump(self);
}

// Whether the answer of write `token` for key still matters (not deleted or superseded).
bool current(self_ptr self, const kube::object_key& key, uint64_t token) {
  auto it = self->state.in_flight.find(key);
  return it != self->state.in_flight.end() && it->second == token;
}

void write_status(self_ptr self, const kube::object_key& key, status_report report, int attempt) {
  auto& st = self->state;
  auto res = kube::known_resource(key.kind);
  const json::value* status = report.object.find("status");
  if (!res || !status || !status->is_object()) {
    done(self, key);
    return;
  }
  auto& w = st.last[key];
  json::value patch = status_merge_patch(w.known ? w.status : json::value::make_object(), *status);
  kube::api_request req;
  req.method = "PATCH";
  req.path = kube::object_path(*res, key.ns, key.name, "status");
  req.body = json::dump(patch);
  req.content_type = "application/merge-patch+json";
  req.timeout = std::chrono::seconds(30);
  auto token = st.in_flight[key];
  self->request(st.opts.kube, std::chrono::seconds(120), kube::api_atom::value, std::move(req))
      .then(
          [self, key, token, report, attempt, res = *res](kube::api_response& r) mutable {
            auto& st = self->state;
            if (!current(self, key, token)) return;  // the object was deleted meanwhile
            if (r.ok()) {
              auto& w = st.last[key];
              w.status = *report.object.find("status");
              w.known = true;
              st.backoff.erase(key);
              record_events(self, key, report.object);
              done(self, key);
              return;
            }
            if (r.status == 404) {  // the object is gone: nothing to write
              st.last.erase(key);
              done(self, key);
              return;
            }
            if (r.status == 409 && attempt < st.opts.max_conflict_retries) {
              // Someone else changed the object: read it again, patch against what is there.
              kube::api_request get;
              get.path = kube::object_path(res, key.ns, key.name);
              get.timeout = std::chrono::seconds(30);
              self->request(st.opts.kube, std::chrono::seconds(120), kube::api_atom::value, std::move(get))
                  .then(
                      [self, key, token, report, attempt](kube::api_response& g) mutable {
                        auto& st = self->state;
                        if (!current(self, key, token)) return;
                        if (g.status == 404) {
                          st.last.erase(key);
                          done(self, key);
                          return;
                        }
                        if (g.ok()) {
                          if (auto live = g.json()) {
                            const json::value* s = live->find("status");
                            auto& w = st.last[key];
                            w.status = s && s->is_object() ? *s : json::value::make_object();
                            w.known = true;
                          }
                        }
                        if (auto newer = st.pending.find(key); newer != st.pending.end()) {
                          report = std::move(newer->second);  // write the latest, not a stale one
                          st.pending.erase(newer);
                        }
                        write_status(self, key, std::move(report), attempt + 1);
                      },
                      [self, key, token, report](caf::error&) mutable {
                        if (current(self, key, token)) retry_later(self, key, std::move(report));
                      });
              return;
            }
            log::error("status update failed; retrying",
                       {{"object", key.to_string()}, {"error", r.to_error(key.to_string()).message}});
            retry_later(self, key, std::move(report));
          },
          [self, key, token, report](caf::error&) mutable {
            if (current(self, key, token)) retry_later(self, key, std::move(report));
          });
}

void pump(self_ptr self) {
  auto& st = self->state;
  for (auto it = st.pending.begin(); it != st.pending.end() && st.in_flight.size() < st.opts.max_in_flight;) {
    if (st.in_flight.count(it->first) || st.cooling.count(it->first)) {
      ++it;
      continue;
    }
    auto key = it->first;
    auto report = std::move(it->second);
    it = st.pending.erase(it);
    st.in_flight[key] = ++st.next_token;
    write_status(self, key, std::move(report), 0);
  }
}

sink_impl::behavior_type sink_behavior(self_ptr self, cluster_status_sink_options opts) {
  self->state.opts = std::move(opts);
  return {
      [self](status_atom, status_report& r) {
        auto& st = self->state;
        auto key = r.key;
        if (r.deleted) {
          st.pending.erase(key);
          st.in_flight.erase(key);  // a late answer for it is ignored
          st.last.erase(key);
          st.backoff.erase(key);
          pump(self);
          check_flush(self);
          return;
        }
        st.pending.insert_or_assign(key, std::move(r));
        pump(self);
      },
      [self](flush_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        self->state.flush_waiters.push_back(rp);
        check_flush(self);
        return rp;
      },
      [self](retry_atom, kube::object_key& key) {
        self->state.cooling.erase(key);
        pump(self);
      },
  };
}

}  // namespace

status_sink_actor spawn_cluster_status_sink(caf::actor_system& sys, cluster_status_sink_options opts) {
  return caf::actor_cast<status_sink_actor>(sys.spawn(sink_behavior, std::move(opts)));
}

}  // namespace fluxaws::actors
