// The client actor: owns the curl engine and the promises of the requests in flight.
// The engine's I/O thread never touches a promise: it sends each completion back to
// this actor (anon_send through a weak address), and the actor delivers the promise
// (CAF 0.17's deliver() is only safe from the owning actor).
#include "adapters/http/client.hpp"

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <memory>
#include <unordered_map>
#include <utility>

#include "adapters/http/curl_engine.hpp"

namespace fluxaws::http {

namespace {

using done_atom = caf::atom_constant<caf::atom("httpdone")>;

// The public interface plus the private completion message from the I/O thread.
using client_impl = client_actor::extend<caf::reacts_to<done_atom, uint64_t, response>>;

struct client_state {
  std::unordered_map<uint64_t, caf::typed_response_promise<response>> pending;
  std::unique_ptr<curl_engine> engine;
  uint64_t next_id = 0;
  client_stats stats;
  static const char* name;

  client_state() = default;
  client_state(const client_state&) = delete;
  client_state& operator=(const client_state&) = delete;

  // Runs when the actor exits (CAF destroys the state in on_exit, on the actor's
  // own cleanup). First stop the I/O thread, which aborts the transfers and removes
  // partial files, so that a waiter told "cancelled" finds no leftovers; then answer
  // every waiter at once instead of leaving it to its own timeout.
  ~client_state() {
    engine.reset();
    for (auto& [id, promise] : pending) {
      response r;
      r.fail = failure::cancelled;
      r.error = "the HTTP client shut down";
      promise.deliver(std::move(r));
    }
    pending.clear();
  }
};

const char* client_state::name = "fluxaws.http.client";

client_impl::behavior_type client_behavior(client_impl::stateful_pointer<client_state> self,
                                           client_options opts) {
  caf::actor_addr weak_self = self->address();
  self->state.engine = std::make_unique<curl_engine>(
    std::move(opts), [weak_self](uint64_t id, response&& r) {  // on the I/O thread
      if (auto strong = caf::actor_cast<client_impl>(weak_self))
        caf::anon_send(strong, done_atom::value, id, std::move(r));
    });
  return {
    [=](request_atom, request& req) -> caf::result<response> {
      auto& st = self->state;
      ++st.stats.requests_total;
      auto id = ++st.next_id;
      auto promise = self->make_response_promise<response>();
      st.pending.emplace(id, promise);
      st.engine->submit(id, std::move(req));
      return promise;
    },
    [=](stats_atom) -> client_stats {
      auto s = self->state.stats;
      s.in_flight = self->state.pending.size();
      return s;
    },
    [=](done_atom, uint64_t id, response& r) {
      auto& st = self->state;
      auto i = st.pending.find(id);
      if (i == st.pending.end()) return;
      if (!r.ok()) ++st.stats.failures_total;
      st.stats.connections_opened += r.new_connections;
      if (r.reused_connection) ++st.stats.connections_reused;
      i->second.deliver(std::move(r));
      st.pending.erase(i);
    },
  };
}

}  // namespace

void global_init() { curl_global_init_once(); }

client_actor spawn_client(caf::actor_system& sys, client_options opts) {
  global_init();
  return sys.spawn(client_behavior, std::move(opts));
}

}  // namespace fluxaws::http
