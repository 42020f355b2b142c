#include "actors/supervisor.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>

#include "adapters/common/digest.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/metrics.hpp"
#include "actors/flux_schemas.hpp"
#include "actors/object_actor.hpp"

namespace fluxaws::actors {

using namespace std::chrono_literals;

namespace {

using respawn_atom = caf::atom_constant<caf::atom("respawn")>;
using supervisor_impl = supervisor_actor::extend<caf::reacts_to<respawn_atom, kube::object_key>>;

struct entry {
  object_actor actor;
  json::value object;     // latest manifest as sent to the actor
  std::string spec_digest;
  int64_t generation = 0;
  int restarts = 0;
  // From the latest status report:
  bool ready = false;
  bool stalled = false;
  bool settled = false;
  bool reported = false;
  std::string ready_label = "Unknown";  // this object's place in fluxaws_objects{ready}
};

// fluxaws_objects{kind,ready}: objects per kind by their Ready condition's status.
void count_object(const std::string& kind, const std::string& ready, double delta) {
  metrics::registry::global().gauge_add("fluxaws_objects", {{"kind", kind}, {"ready", ready}}, delta);
}

struct supervisor_state {
  static inline const char* name = "fluxaws.supervisor";
  supervisor_config cfg;
  std::map<kube::object_key, entry> objects;
  std::map<caf::actor_addr, kube::object_key> by_addr;
  bool synced = false;
  bool shutting_down = false;
  uint64_t reports = 0;
  // Lookups of objects not seen before the source's first full listing: answered
  // when it ends, so that a dependent does not take "not yet listed" for "absent".
  std::vector<std::pair<kube::object_key, caf::typed_response_promise<object_actor>>> early_lookups;
};

std::string spec_digest(const json::value& obj) {
  const json::value* spec = obj.find("spec");
  return digest::sha256(spec ? json::dump(*spec) : "");
}

void spawn_entry(supervisor_impl::stateful_pointer<supervisor_state> self, const kube::object_key& key, entry& e) {
  auto& st = self->state;
  auto factory = st.cfg.kinds.find(key.kind);
  if (factory == st.cfg.kinds.end()) return;
  auto me = caf::actor_cast<supervisor_actor>(self);
  e.actor = spawn_object_actor(self->system(), st.cfg.eng, factory->second(), e.object, me);
  st.by_addr[e.actor.address()] = key;
  self->monitor(e.actor);
}

void on_change(supervisor_impl::stateful_pointer<supervisor_state> self, kube::object_change& ch) {
  auto& st = self->state;
  const auto& key = ch.key;
  if (key.kind == "ServiceAccount" || key.kind == "Secret" || key.kind == "Namespace") {
    if (ch.kind == kube::object_change::type::deleted)
      st.cfg.eng->resources->remove(key);
    else
      st.cfg.eng->resources->put(ch.object);
    return;
  }
  if (!st.cfg.kinds.count(key.kind)) return;
  auto api = kube::api_version_of(ch.object);
  auto served = flux_api_version(key.kind);
  if (ch.kind != kube::object_change::type::deleted && !served.empty() && api != served) {
    log::error("unsupported apiVersion", {{"object", key.to_string()},
                                         {"apiVersion", std::string(api)},
                                         {"supported", std::string(served)}});
    return;
  }
  switch (ch.kind) {
    case kube::object_change::type::added:
    case kube::object_change::type::modified: {
      auto it = st.objects.find(key);
      auto digest = spec_digest(ch.object);
      if (it == st.objects.end()) {
        entry e;
        e.spec_digest = digest;
        e.generation = st.cfg.assign_generations ? 1 : kube::generation_of(ch.object);
        e.object = std::move(ch.object);
        if (st.cfg.assign_generations) e.object["metadata"]["generation"] = e.generation;
        auto& placed = st.objects.emplace(key, std::move(e)).first->second;
        spawn_entry(self, key, placed);
        count_object(key.kind, placed.ready_label, 1);
        return;
      }
      auto& e = it->second;
      if (st.cfg.assign_generations) {
        if (digest != e.spec_digest) ++e.generation;
        ch.object["metadata"]["generation"] = e.generation;
      } else {
        e.generation = kube::generation_of(ch.object);
      }
      e.spec_digest = digest;
      e.object = ch.object;
      if (e.actor) self->send(e.actor, update_atom::value, std::move(ch.object));
      return;
    }
    case kube::object_change::type::deleted: {
      auto it = st.objects.find(key);
      if (it == st.objects.end()) return;
      if (it->second.actor) {
        self->demonitor(it->second.actor.address());
        st.by_addr.erase(it->second.actor.address());
        self->send(it->second.actor, delete_atom::value);
      } else {
        self->send(st.cfg.sink, status_atom::value, status_report{key, it->second.object, true});
      }
      count_object(key.kind, it->second.ready_label, -1);
      st.objects.erase(it);
      return;
    }
  }
}

supervisor_impl::behavior_type supervisor_behavior(supervisor_impl::stateful_pointer<supervisor_state> self,
                                                   supervisor_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([self](caf::down_msg& msg) {
    auto& st = self->state;
    auto it = st.by_addr.find(msg.source);
    if (it == st.by_addr.end()) return;
    auto key = it->second;
    st.by_addr.erase(it);
    auto e = st.objects.find(key);
    if (e == st.objects.end() || st.shutting_down) return;
    e->second.actor = nullptr;
    int n = ++e->second.restarts;
    auto delay = std::min<std::chrono::milliseconds>(std::chrono::milliseconds(750) * (1 << std::min(n - 1, 10)),
                                                     std::chrono::minutes(15));
    log::error("object actor crashed; restarting", {{"object", key.to_string()},
                                                    {"reason", self->system().render(msg.reason)},
                                                    {"restartIn", std::to_string(delay.count()) + "ms"}});
    self->delayed_send(self, delay, respawn_atom::value, key);
  });
  return {
      [self](change_atom, kube::object_change& ch) { on_change(self, ch); },
      [self](sync_atom) {
        auto& st = self->state;
        st.synced = true;
        for (auto& [key, rp] : st.early_lookups) {
          auto it = st.objects.find(key);
          rp.deliver(it == st.objects.end() ? object_actor{} : it->second.actor);
        }
        st.early_lookups.clear();
      },
      [](issue_atom, std::string& issue) { log::error("invalid manifest", {{"error", issue}}); },
      [self](summary_atom) -> engine_summary {
        engine_summary out;
        out.source_synced = self->state.synced;
        for (const auto& [key, e] : self->state.objects) {
          ++out.objects;
          if (e.ready)
            ++out.ready;
          else if (e.stalled)
            ++out.stalled;
          else if (e.settled)
            ++out.failed;
          else
            ++out.pending;
        }
        return out;
      },
      [self](status_atom, status_report& r) {
        auto& st = self->state;
        if (!r.deleted) {
          auto it = st.objects.find(r.key);
          if (it == st.objects.end()) return;  // a late report of a deleted object
          auto& e = it->second;
          const json::value* conds = r.object.at({"status", "conditions"});
          e.ready = e.stalled = false;
          std::string ready_label = "Unknown";
          if (conds) {
            for (const auto& c : conds->as_array()) {
              const auto& type = c.find("type") ? c.find("type")->as_string() : std::string();
              const auto status = c.find("status") ? c.find("status")->as_string() : std::string();
              bool is_true = status == "True";
              if (type == "Ready") {
                e.ready = is_true;
                ready_label = status.empty() ? "Unknown" : status;
              }
              if (type == "Stalled") e.stalled = is_true;
            }
          }
          if (ready_label != e.ready_label) {
            count_object(r.key.kind, e.ready_label, -1);
            count_object(r.key.kind, ready_label, 1);
            e.ready_label = ready_label;
          }
          // The supervisor is the fan-in point of every object: its backlog is the
          // engine's (sampled, it is cheap but not free).
          if ((++st.reports & 63) == 0)
            metrics::registry::global().gauge_set("fluxaws_actor_mailbox_depth", {{"actor", "supervisor"}},
                                                  static_cast<double>(self->mailbox().size()));
          e.settled = r.settled;
          e.reported = true;
        }
        self->send(st.cfg.sink, status_atom::value, std::move(r));
      },
      [self](lookup_atom, kube::object_key& key) -> caf::result<object_actor> {
        auto& st = self->state;
        auto it = st.objects.find(key);
        if (it != st.objects.end()) return it->second.actor;
        if (st.synced) return object_actor{};
        auto rp = self->make_response_promise<object_actor>();
        st.early_lookups.emplace_back(key, rp);
        return rp;
      },
      [self](respawn_atom, kube::object_key& key) {
        auto it = self->state.objects.find(key);
        if (it == self->state.objects.end() || it->second.actor) return;
        spawn_entry(self, key, it->second);
      },
      [self](shutdown_atom) {
        auto& st = self->state;
        st.shutting_down = true;
        for (auto& [key, e] : st.objects)
          if (e.actor) self->send_exit(e.actor, caf::exit_reason::user_shutdown);
        self->quit();
      },
  };
}

}  // namespace

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg) {
  return caf::actor_cast<supervisor_actor>(sys.spawn(supervisor_behavior, std::move(cfg)));
}

}  // namespace fluxaws::actors
