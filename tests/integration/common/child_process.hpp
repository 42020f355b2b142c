// A child process for the integration tests that run real programs (`fluxaws run`,
// the AWS CLI): argv without a shell, extra environment entries (each replacing the
// variable of that name), stdout and stderr to files, and bounded waits — a child that outlives its limit is stopped (SIGTERM, then SIGKILL).
// PR_SET_PDEATHSIG ties it to the test process, so a crashed test leaves nothing
// running; the destructor stops a child that is still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace itest {

class child_process {
 public:
  child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                const std::string& out_file, const std::string& err_file);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The exit code (128 + signal when killed by one), or nullopt when it had to be
  // stopped after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // SIGTERM, then up to `grace` before SIGKILL; the exit code, or nullopt if killed.
  std::optional<int> stop(std::chrono::milliseconds grace);
  bool running();

 private:
  bool reap(bool block);
  pid_t pid_ = -1;
  bool reaped_ = false;
  int code_ = -1;
};

// Runs argv to completion (bounded) and returns its stdout; nullopt on failure or a
// nonzero exit.
std::optional<std::string> capture(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                   std::chrono::milliseconds limit);

std::string read_file(const std::string& path);

}  // namespace itest
