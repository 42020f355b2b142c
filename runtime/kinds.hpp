// Which Flux kinds this build reconciles, and the reconciler each one gets.
#pragma once

#include "actors/supervisor.hpp"
#include "runtime/config.hpp"

namespace fluxaws::runtime {

std::map<std::string, actors::reconciler_factory, std::less<>> make_kind_factories(const config& cfg);

}  // namespace fluxaws::runtime
