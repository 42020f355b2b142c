#include "actors/status_sink.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <vector>

#include "adapters/common/log.hpp"
#include "actors/status_store.hpp"

namespace fluxaws::actors {

namespace {

struct sink_state {
  static inline const char* name = "fluxaws.status_sink";
  std::filesystem::path dir;
  blocking_pool_actor pool;
  std::map<kube::object_key, status_report> pending;
  bool writing = false;
  std::vector<caf::typed_response_promise<bool>> flush_waiters;
};

void write_batch(status_sink_actor::stateful_pointer<sink_state> self) {
  auto& st = self->state;
  if (st.writing) return;
  if (st.pending.empty()) {
    for (auto& w : st.flush_waiters) w.deliver(true);
    st.flush_waiters.clear();
    return;
  }
  st.writing = true;
  auto batch = std::make_shared<std::map<kube::object_key, status_report>>(std::move(st.pending));
  st.pending.clear();
  auto dir = st.dir;
  blocking_job job = [batch, dir] {
    for (const auto& [key, report] : *batch) {
      auto res = report.deleted ? remove_status(dir, key) : write_status(dir, key, report.object);
      if (!res.ok())
        log::error("status store write failed", {{"object", key.to_string()}, {"error", res.error().message}});
    }
  };
  self->request(st.pool, std::chrono::seconds(300), run_atom::value, std::move(job))
      .then([self](bool) {
        self->state.writing = false;
        write_batch(self);
      },
            [self](caf::error&) {
              self->state.writing = false;
              write_batch(self);
            });
}

status_sink_actor::behavior_type sink_behavior(status_sink_actor::stateful_pointer<sink_state> self,
                                               std::filesystem::path dir, blocking_pool_actor pool) {
  self->state.dir = std::move(dir);
  self->state.pool = std::move(pool);
  return {
      [self](status_atom, status_report& r) {
        auto key = r.key;
        self->state.pending[key] = std::move(r);
        write_batch(self);
      },
      [self](flush_atom) -> caf::result<bool> {
        auto rp = self->make_response_promise<bool>();
        self->state.flush_waiters.push_back(rp);
        write_batch(self);
        return rp;
      },
  };
}

}  // namespace

status_sink_actor spawn_local_status_sink(caf::actor_system& sys, std::filesystem::path state_dir,
                                          blocking_pool_actor pool) {
  return sys.spawn(sink_behavior, std::move(state_dir), std::move(pool));
}

}  // namespace fluxaws::actors
