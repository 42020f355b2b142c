// The supervisor: turns the object source's changes into object actors (one per
// Flux object), keeps ServiceAccounts, Secrets and Namespaces in the resource
// index, forwards status to the sink, restarts a crashed object actor with backoff
// without touching the others, and answers readiness summaries and lookups of another
// object's actor (a lookup of an object not listed yet waits for the source's first
// full listing — "synced" — before it answers that there is none).
//
// In local mode manifests carry no metadata.generation; the supervisor assigns one
// and bumps it when the spec changes, as the API server does.
#pragma once

#include <caf/actor_system.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/engine.hpp"
#include "actors/kind_reconciler.hpp"
#include "actors/protocol.hpp"

namespace fluxaws::actors {

using reconciler_factory = std::function<std::shared_ptr<kind_reconciler>()>;

struct supervisor_config {
  engine_ptr eng;
  status_sink_actor sink;
  // Kind -> factory of its reconciler. Objects of other kinds are ignored.
  std::map<std::string, reconciler_factory, std::less<>> kinds;
  bool assign_generations = true;  // local mode
};

supervisor_actor spawn_supervisor(caf::actor_system& sys, supervisor_config cfg);

}  // namespace fluxaws::actors
