#include "actors/ocirepository_registry_slot.hpp"

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>

namespace fluxaws::actors::ocirepo {

oci::registry_actor registry_slot::get(caf::actor_system& sys, const http::client_actor& http) {
  std::lock_guard<std::mutex> lock(mu_);
  if (sys_ == &sys && http_ == http.address()) {
    if (auto live = caf::actor_cast<oci::registry_actor>(registry_)) return live;
  }
  auto fresh = oci::spawn_registry(sys, http);
  sys_ = &sys;
  http_ = http.address();
  registry_ = fresh.address();
  // The registry stops with the HTTP client it uses (the runtime stops the client at
  // shutdown): its pending request timers would otherwise keep it running for up to a
  // reconcile timeout after its last user is gone. Weak, so it never keeps it alive.
  caf::actor_addr weak = fresh.address();
  caf::actor_cast<caf::abstract_actor*>(http)->attach_functor([weak] {
    if (auto r = caf::actor_cast<caf::actor>(weak)) caf::anon_send_exit(r, caf::exit_reason::user_shutdown);
  });
  return fresh;
}

}  // namespace fluxaws::actors::ocirepo
