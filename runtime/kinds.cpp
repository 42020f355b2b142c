#include "runtime/kinds.hpp"

namespace fluxaws::runtime {

std::map<std::string, actors::reconciler_factory, std::less<>> make_kind_factories(const config& /*cfg*/) {
  std::map<std::string, actors::reconciler_factory, std::less<>> kinds;
  return kinds;
}

}  // namespace fluxaws::runtime
