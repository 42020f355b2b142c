// Runs blocking jobs (archiving, extraction, file writes, decryption) on a fixed set
// of threads owned by the pool, never on a CAF scheduler thread. A job's reply is
// `true` once it has run (its results travel through state the job captured);
// jobs that throw answer an error.
#pragma once

#include <caf/actor_system.hpp>

#include "actors/protocol.hpp"

namespace fluxaws::actors {

blocking_pool_actor spawn_blocking_pool(caf::actor_system& sys, std::size_t threads);

}  // namespace fluxaws::actors
