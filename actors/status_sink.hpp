// Local mode's status sink: keeps the latest status report of each object and
// writes them to the status store in batches on the blocking pool, so a burst of
// thousands of updates costs one write per object, not one per update. flush
// answers once everything received so far is on disk.
#pragma once

#include <caf/actor_system.hpp>

#include <filesystem>

#include "actors/protocol.hpp"

namespace fluxaws::actors {

status_sink_actor spawn_local_status_sink(caf::actor_system& sys, std::filesystem::path state_dir,
                                          blocking_pool_actor pool);

}  // namespace fluxaws::actors
