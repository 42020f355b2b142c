// emulator_link.hpp — the benchmark's fluxaws-emulator: started through the shared
// harness (tests/emulator/harness) on a generated world, with its admin endpoints
// (call counters, reset) and the fluxaws.yaml it writes for the engine.
//
// Contract: start() blocks until the emulator is ready (bounded by ready_timeout) or
// returns an error with the harness's message (it includes the log tail). The
// destructor stops the emulator (and its docker-registry child).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/proc_stats.hpp"

namespace emu::harness {
class emulator_process;
}

namespace fluxaws::bench {

struct emulator_settings {
  std::string binary;
  std::string world;
  int threads = 2;
  std::chrono::seconds ready_timeout{900};
};

class emulator_link {
 public:
  static result<std::unique_ptr<emulator_link>> start(const emulator_settings& s);
  ~emulator_link();

  unsigned short port() const;
  std::string base_url() const;     // http://127.0.0.1:PORT (admin, plain HTTP)
  std::string tls_url() const;      // https://127.0.0.1:PORT (AWS endpoints for the aws CLI)
  std::string ca_file() const;
  std::string fluxaws_config_file() const;
  double start_seconds() const { return start_seconds_; }
  std::optional<double> cpu_seconds() const;  // the emulator process alone

  result<json::value> calls() const;
  status reset_calls() const;

 private:
  emulator_link() = default;
  std::unique_ptr<emu::harness::emulator_process> process_;
  double start_seconds_ = 0;
};

}  // namespace fluxaws::bench
