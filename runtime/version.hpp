// The build's version string, as `fluxaws version` prints it.
#pragma once

#include <string>

namespace fluxaws::runtime {
std::string version();
}
