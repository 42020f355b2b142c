// Local mode's object source: an actor on a thread of its own (it reads files) that
// scans a manifest directory, sends every change to a change sink, signals "synced"
// after the first scan, reports manifest problems once each, and rescans every
// poll interval while running. Stop it with send_exit.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <chrono>
#include <filesystem>

#include "adapters/kube/change_sink.hpp"

namespace fluxaws::kube {

caf::actor spawn_directory_source(caf::actor_system& sys, std::filesystem::path dir, change_sink_actor sink,
                                  std::chrono::milliseconds poll_interval);

}  // namespace fluxaws::kube
