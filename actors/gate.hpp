// A per-kind concurrency cap (Flux's --concurrent, per controller): at most N
// reconciles hold a slot; the rest queue in arrival order. Holders that die are
// released (monitored), so a crashed object actor cannot leak a slot.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/protocol.hpp"

namespace fluxaws::actors {

gate_actor spawn_gate(caf::actor_system& sys, std::size_t slots);

}  // namespace fluxaws::actors
