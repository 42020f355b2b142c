// The subcommands of the fluxaws binary. Each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace fluxaws::runtime {

int run_command(const std::vector<std::string>& args);
int get_command(const std::vector<std::string>& args);
int config_command(const std::vector<std::string>& args);

}  // namespace fluxaws::runtime
