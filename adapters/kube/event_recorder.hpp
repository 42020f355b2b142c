// The event recorder actor: posts Kubernetes Events (kube_event.hpp) and counts
// repeats: the same (object, type, reason, message) within the dedup window patches
// the existing Event's count and lastTimestamp instead of creating another. Fire and
// forget: a failed post is logged (object and reason) and dropped, never retried in
// a loop. The dedup cache is bounded (oldest entries go first).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <string>

#include "adapters/kube/kube_client.hpp"
#include "adapters/kube/kube_event.hpp"

namespace fluxaws::kube {

using event_atom = caf::atom_constant<caf::atom("kevent")>;

using event_recorder_actor = caf::typed_actor<caf::reacts_to<event_atom, event_spec>>;

struct event_recorder_options {
  std::string component = "fluxaws";
  std::string instance;  // the pod name; empty = host name
  std::chrono::minutes dedup_window{10};
  std::size_t max_cached = 4096;
};

event_recorder_actor spawn_event_recorder(caf::actor_system& sys, client_actor kube, event_recorder_options opts);

}  // namespace fluxaws::kube

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::event_spec)
