// The generic actor behind every Flux object: scheduling (interval with jitter,
// exponential backoff, spec.timeout, suspend, reconcile.fluxcd.io/requestedAt,
// generation changes), conditions and their summary, status publication to the
// supervisor, and source subscriptions. The kind-specific work is a kind_reconciler.
#pragma once

#include <caf/actor_system.hpp>

#include <memory>

#include "actors/engine.hpp"
#include "actors/kind_reconciler.hpp"
#include "actors/protocol.hpp"

namespace fluxaws::actors {

object_actor spawn_object_actor(caf::actor_system& sys, engine_ptr eng, std::shared_ptr<kind_reconciler> rec,
                                json::value object, supervisor_actor parent);

// The annotation that forces a reconcile (Flux's meta.ReconcileRequestAnnotation).
inline constexpr std::string_view kRequestedAtAnnotation = "reconcile.fluxcd.io/requestedAt";

}  // namespace fluxaws::actors
