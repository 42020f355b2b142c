// Child processes for the cluster-mode end-to-end tests: fluxaws replicas, kubectl and
// the SOPS fixture tool, started from argv (no shell) with extra environment, their
// output in files, bounded waits, and the two ways a replica ends — SIGTERM (a clean
// shutdown) or SIGKILL (a crashed leader).
//
// Contract:
//  - The child gets PR_SET_PDEATHSIG(SIGKILL): a crashed test leaves nothing running.
//  - wait() and stop() never block beyond their limits; the destructor stops a child
//    still running (SIGTERM, then SIGKILL after 20 s).
//  - run() runs a command to its end within a limit (killed after it) and returns its
//    exit code (-1 when killed), standard output and standard error.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace e2e {

class process {
 public:
  // stdin_file: empty = /dev/null.
  process(std::vector<std::string> argv, std::vector<std::string> env, std::string out_file, std::string err_file,
          std::string stdin_file = "");
  ~process();
  process(const process&) = delete;
  process& operator=(const process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // The exit status (128 + signal when signalled), or nullopt if still running after `limit`.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // SIGTERM, then SIGKILL after `grace`; the exit status (nullopt when it had to be killed).
  std::optional<int> stop(std::chrono::milliseconds grace = std::chrono::seconds(20));
  // SIGKILL at once (a crash), reaped.
  void kill9();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = -1;
};

struct run_result {
  int exit_code = -1;  // -1: killed at the limit
  std::string out, err;
};

run_result run(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
               const std::string& stdin_text = "", const std::vector<std::string>& env = {});

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

}  // namespace e2e
