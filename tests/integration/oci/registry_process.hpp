// Test helper: Debian's docker-registry (distribution 2.8) as a child process serving
// 127.0.0.1:<free port> with filesystem storage in a private temporary directory.
//
// Contract:
//  - start() writes the config, starts `docker-registry serve <config>` with output to a
//    log file, and returns once GET /v2/ answers 200 (bounded wait), or throws with the
//    log's tail. A port taken in between is retried with another one.
//  - The child gets PR_SET_PDEATHSIG(SIGKILL): it dies with the thread that started it,
//    even if the test binary crashes. The destructor sends SIGTERM, waits a bounded
//    time, then SIGKILL, reaps it and removes the directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace fluxaws::oci::testing {

class registry_process {
 public:
  registry_process();  // starts; throws std::runtime_error on failure
  ~registry_process();
  registry_process(const registry_process&) = delete;
  registry_process& operator=(const registry_process&) = delete;

  uint16_t port() const { return port_; }
  std::string authority() const { return "127.0.0.1:" + std::to_string(port_); }
  bool running();

 private:
  void stop();
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

}  // namespace fluxaws::oci::testing
