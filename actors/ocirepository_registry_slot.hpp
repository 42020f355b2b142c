// One OCI registry actor (adapters/oci/registry.hpp) shared by the OCIRepository
// objects of an engine, so that remembered auth challenges and Bearer tokens serve
// every object, without tying the actor's life to anything global.
//
// Contract: the slot holds only a weak reference. get() returns the live actor for
// this actor system and HTTP client, or spawns a new one; callers keep the strong
// handle (each object's reconciler does), so the actor exits when the last object
// using it is gone. It also exits when the HTTP client does (the runtime stops the
// client at shutdown; a functor attached to the client sends the exit), because the
// registry actor's pending request timers would otherwise keep it — and
// await_all_actors_done() — waiting for up to a reconcile timeout. Thread-safe.
#pragma once

#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>

#include <mutex>

#include "adapters/http/client.hpp"
#include "adapters/oci/registry.hpp"

namespace fluxaws::actors::ocirepo {

class registry_slot {
 public:
  oci::registry_actor get(caf::actor_system& sys, const http::client_actor& http);

 private:
  std::mutex mu_;
  caf::actor_system* sys_ = nullptr;
  caf::actor_addr http_;
  caf::actor_addr registry_;
};

}  // namespace fluxaws::actors::ocirepo
