// A child process for integration tests: argv (no shell), extra environment, stdout
// and stderr to files, and a bounded wait — a child that outlives its limit is killed
// (SIGTERM, then SIGKILL). PR_SET_PDEATHSIG ties it to the test process, so a crashed
// test leaves nothing running. The destructor stops a child still running.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace images_itest {

class child_process {
 public:
  child_process(std::vector<std::string> argv, std::vector<std::string> env, std::string out_file,
                std::string err_file);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The exit status, or nullopt when it had to be killed after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // SIGTERM, then wait up to `grace` (SIGKILL after); the exit status or nullopt.
  std::optional<int> stop(std::chrono::milliseconds grace);
  bool running();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
};

// Runs argv to completion (bounded) and returns its stdout; nullopt on failure or a
// nonzero exit.
std::optional<std::string> capture(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                   std::chrono::milliseconds limit);

std::string read_file(const std::string& path);

}  // namespace images_itest
