#include "actors/gate.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <deque>
#include <map>

namespace fluxaws::actors {

namespace {

struct gate_state {
  static inline const char* name = "fluxaws.gate";
  std::size_t slots = 1;
  std::map<caf::actor_addr, std::size_t> holders;  // address -> slots held
  std::size_t in_use = 0;
  struct waiter {
    caf::typed_response_promise<bool> promise;
    caf::actor_addr who;
  };
  std::deque<waiter> queue;
};

gate_actor::behavior_type gate_behavior(gate_actor::stateful_pointer<gate_state> self, std::size_t slots) {
  self->state.slots = slots == 0 ? 1 : slots;
  auto grant = [self](const caf::actor_addr& who) {
    auto& st = self->state;
    ++st.in_use;
    if (st.holders[who]++ == 0) self->monitor(who);
  };
  auto release = [self, grant](const caf::actor_addr& who, std::size_t n) {
    auto& st = self->state;
    auto it = st.holders.find(who);
    if (it == st.holders.end()) return;
    n = std::min(n, it->second);
    it->second -= n;
    st.in_use -= n;
    if (it->second == 0) {
      st.holders.erase(it);
      self->demonitor(who);
    }
    while (st.in_use < st.slots && !st.queue.empty()) {
      auto w = std::move(st.queue.front());
      st.queue.pop_front();
      grant(w.who);
      w.promise.deliver(true);
    }
  };
  self->set_down_handler([self, release](caf::down_msg& msg) {
    auto& st = self->state;
    // Drop queued requests of the dead actor and free what it held.
    for (auto it = st.queue.begin(); it != st.queue.end();)
      it = it->who == msg.source ? st.queue.erase(it) : std::next(it);
    auto h = st.holders.find(msg.source);
    if (h != st.holders.end()) release(msg.source, h->second);
  });
  return {
      [self, grant](acquire_atom) -> caf::result<bool> {
        auto& st = self->state;
        auto who = self->current_sender() ? caf::actor_cast<caf::actor_addr>(self->current_sender()) : caf::actor_addr{};
        if (st.in_use < st.slots) {
          grant(who);
          return true;
        }
        auto rp = self->make_response_promise<bool>();
        if (who) self->monitor(who);
        st.queue.push_back({rp, who});
        return rp;
      },
      [self, release](release_atom) {
        auto who = self->current_sender() ? caf::actor_cast<caf::actor_addr>(self->current_sender()) : caf::actor_addr{};
        release(who, 1);
      },
  };
}

}  // namespace

gate_actor spawn_gate(caf::actor_system& sys, std::size_t slots) { return sys.spawn(gate_behavior, slots); }

}  // namespace fluxaws::actors
