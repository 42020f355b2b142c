#include "adapters/kube/event_recorder.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <unistd.h>

#include <list>
#include <map>

#include "adapters/common/log.hpp"
#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

namespace {

struct seen_event {
  std::string ns;
  std::string name;
  int64_t count = 1;
  std::chrono::steady_clock::time_point first;
  std::list<std::string>::iterator age;
};

struct recorder_state {
  static inline const char* name = "fluxaws.event_recorder";
  recorder_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  client_actor kube;
  event_recorder_options opts;
  std::map<std::string, seen_event> seen;
  std::list<std::string> by_age;  // oldest first
};

using self_ptr = event_recorder_actor::stateful_pointer<recorder_state>;

void forget(self_ptr self, const std::string& key) {
  auto it = self->state.seen.find(key);
  if (it == self->state.seen.end()) return;
  self->state.by_age.erase(it->second.age);
  self->state.seen.erase(it);
}

void create_event(self_ptr self, event_spec e) {
  auto& st = self->state;
  auto key = event_dedup_key(e);
  auto name = event_name(e.involved);
  auto ev = build_event(e, name, st.opts.component, st.opts.instance, std::chrono::system_clock::now());
  std::string ns(namespace_of(e.involved).empty() ? "default" : namespace_of(e.involved));
  std::string what = std::string(kind_of(e.involved)) + "/" + ns + "/" + std::string(name_of(e.involved));
  forget(self, key);
  while (st.seen.size() >= st.opts.max_cached && !st.by_age.empty()) forget(self, st.by_age.front());
  st.by_age.push_back(key);
  st.seen.emplace(key, seen_event{ns, name, 1, std::chrono::steady_clock::now(), std::prev(st.by_age.end())});
  api_request req;
  req.method = "POST";
  req.path = collection_path(event_resource(), ns);
  req.body = json::dump(ev);
  req.content_type = "application/json";
  self->request(st.kube, std::chrono::seconds(90), api_atom::value, std::move(req))
      .then(
          [self, key, what](api_response& r) {
            if (r.ok()) return;
            forget(self, key);
            log::error("cannot record event", {{"object", what}, {"error", r.to_error("Event").message}});
          },
          [self, key](caf::error&) { forget(self, key); });
}

event_recorder_actor::behavior_type recorder_behavior(self_ptr self, client_actor kube, event_recorder_options opts) {
  if (opts.instance.empty()) {
    char host[256] = {0};
    if (gethostname(host, sizeof host - 1) == 0) opts.instance = host;
  }
  self->state.kube = std::move(kube);
  self->state.opts = std::move(opts);
  return {
      [self](event_atom, event_spec& e) {
        auto& st = self->state;
        auto key = event_dedup_key(e);
        auto it = st.seen.find(key);
        auto now = std::chrono::steady_clock::now();
        if (it == st.seen.end() || now - it->second.first > st.opts.dedup_window) {
          create_event(self, std::move(e));
          return;
        }
        auto& seen = it->second;
        ++seen.count;
        api_request req;
        req.method = "PATCH";
        req.path = object_path(event_resource(), seen.ns, seen.name);
        req.body = json::dump(event_repeat_patch(seen.count, std::chrono::system_clock::now()));
        req.content_type = "application/merge-patch+json";
        self->request(st.kube, std::chrono::seconds(90), api_atom::value, std::move(req))
            .then(
                [self, e = std::move(e)](api_response& r) mutable {
                  // The Event expired or was deleted: record a new one.
                  if (r.status == 404) create_event(self, std::move(e));
                },
                [](caf::error&) {});
      },
  };
}

}  // namespace

event_recorder_actor spawn_event_recorder(caf::actor_system& sys, client_actor kube, event_recorder_options opts) {
  return sys.spawn(recorder_behavior, std::move(kube), std::move(opts));
}

}  // namespace fluxaws::kube
