// Command-line parsing for `fluxaws run`: the config file, then Flux's flag names
// over it (--concurrent, --feature-gates, --storage-path, ...), then local-mode flags
// (--objects, --state-dir, --once). Flags accept "--name=value" and "--name value";
// boolean flags also a bare "--name".
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "runtime/config.hpp"

namespace fluxaws::runtime {

struct run_options {
  config cfg;
  std::string config_file;
  bool once = false;
  std::chrono::milliseconds once_timeout{std::chrono::minutes(10)};
  bool cluster = false;  // cluster mode (no --objects): watch the Kubernetes API
};

result<run_options> parse_run_args(const std::vector<std::string>& args);

// Checks that span several keys (lockdown needs the feature gate, ...).
status validate_config(const config& cfg);

// The help text of `fluxaws run`, listing every flag.
std::string run_usage();

}  // namespace fluxaws::runtime
