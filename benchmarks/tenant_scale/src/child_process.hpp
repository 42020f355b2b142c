// child_process.hpp — a program the benchmark runs and measures (fluxaws, the aws
// CLI, skopeo): started with fork/exec, its output sent to files, waited for with a
// bound, and measured from the kernel's own accounting (wait4's rusage: CPU time and
// peak RSS of the child itself).
//
// Contract:
//   - spawn() returns once exec succeeded or failed (a close-on-exec pipe reports
//     exec errors), so a missing binary is an error naming it, not a silent exit 127.
//   - The child gets PR_SET_PDEATHSIG(SIGTERM): a benchmark that dies leaves nothing
//     running. Extra environment entries ("K=V") override the inherited ones; "K" removes one.
//   - wait_for() polls every 2 ms (the resolution of wall_seconds); stop() sends
//     SIGTERM, then SIGKILL after the grace, and always reaps. The destructor stops a
//     child still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::bench {

struct spawn_options {
  std::string binary;
  std::vector<std::string> args;
  std::vector<std::string> env;  // K=V added to (overriding) the inherited environment; K alone removes K
  std::string stdout_file = "/dev/null";
  std::string stderr_file = "/dev/null";
};

struct exit_info {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system, the child alone
  long max_rss_kib = 0;
};

class child_process {
 public:
  static result<std::unique_ptr<child_process>> spawn(const spawn_options& opts);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return !done_; }
  double elapsed_seconds() const;
  std::optional<exit_info> wait_for(std::chrono::milliseconds bound);
  exit_info stop(std::chrono::seconds grace = std::chrono::seconds(20));

 private:
  child_process() = default;
  bool reap(bool block);
  pid_t pid_ = -1;
  bool done_ = false;
  exit_info info_;
  std::chrono::steady_clock::time_point started_;
};

// Runs to completion within `bound` (stopped after it); the output files are the caller's.
result<exit_info> run_to_end(const spawn_options& opts, std::chrono::seconds bound);

}  // namespace fluxaws::bench
