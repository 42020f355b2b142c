// registry_process.hpp — Debian's docker-registry as a supervised child process.
//
// Contract:
//   - start() writes <state_dir>/registry/config.yml (version 0.1, filesystem storage
//     under <state_dir>/registry/storage, http.addr 127.0.0.1:<free port>, relative
//     URLs, delete enabled, blob descriptors cached in memory, log level warn, no access
//     log), starts `docker-registry serve <config>` (GOGC=400 unless the environment
//     sets GOGC) with its output in <state_dir>/registry/registry.log, and returns once
//     GET /v2/ answers 200 (or an error with the log's last lines). A port taken between
//     choosing and binding is retried with another port. An existing storage directory
//     is kept (a restart serves what was seeded before).
//   - The child gets PR_SET_PDEATHSIG(SIGKILL): it dies when the thread that started it
//     ends, so call start() from a thread that lives as long as the emulator (main).
//   - stop() (and the destructor) sends SIGTERM, waits up to stop_grace, then SIGKILL,
//     and reaps the child: no process is left behind. Idempotent.
//   - start() and stop() block (fork, polling, waitpid): call them outside the
//     io_context's threads, at start-up and shutdown.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/common/result.hpp"

namespace emu::registry {

class registry_process {
 public:
  struct options {
    std::filesystem::path state_dir;
    std::string binary = "docker-registry";  // looked up in PATH when not absolute
    std::chrono::milliseconds ready_timeout{15000};
    std::chrono::milliseconds stop_grace{5000};
  };

  static fluxaws::result<std::unique_ptr<registry_process>> start(const options& opts);
  ~registry_process();
  registry_process(const registry_process&) = delete;
  registry_process& operator=(const registry_process&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::filesystem::path root_dir() const { return root_; }
  std::filesystem::path storage_dir() const { return root_ / "storage"; }
  std::filesystem::path log_file() const { return root_ / "registry.log"; }
  // False once the child has exited (it is reaped then).
  bool running();
  void stop();

 private:
  registry_process(pid_t pid, std::uint16_t port, std::filesystem::path root, std::chrono::milliseconds grace)
      : pid_(pid), port_(port), root_(std::move(root)), grace_(grace) {}
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::filesystem::path root_;
  std::chrono::milliseconds grace_;
  bool reaped_ = false;
};

// A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
fluxaws::result<std::uint16_t> pick_free_loopback_port();

}  // namespace emu::registry
