// Assembles and runs the engine: the actor system sized from the config, the HTTP
// client, the blocking pool, artifact storage and its server, the credential
// plane, the status sink, the supervisor with the kinds' reconcilers, and the object
// source (local manifest directory or Kubernetes watch). Shuts everything down in
// order so that storage is left consistent.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "actors/protocol.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "runtime/cli.hpp"

namespace fluxaws::runtime {

class engine_host {
 public:
  static result<std::unique_ptr<engine_host>> start(const run_options& opts);
  ~engine_host();

  actors::engine_summary summary();
  // Waits until every status received so far is written.
  void flush();
  // The stored statuses (local mode).
  std::vector<json::value> statuses(const std::string& kind = "") const;
  // Stops the source, the object actors, then the services; idempotent.
  void shutdown();

  std::string artifact_address() const;
  // Updates readiness and the gauges that come from polling (HTTP client, storage).
  void refresh();
  // Cluster mode with leader election: 1 leading, -1 leadership lost, 0 waiting.
  int leadership() const;
  // Starts the Kubernetes watch (once elected, with leader election).
  void start_watch();

 private:
  engine_host();
  status start_observability();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::runtime
