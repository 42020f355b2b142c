// emulator_process.hpp — starts fluxaws-emulator as a child for a test or a benchmark
// and stops it: the harness every integration test and benchmark shares.
//
// Contract:
//   - start() forks/execs the binary with --world, --listen 127.0.0.1:0 and a fresh
//     temporary --state-dir (removed by the destructor), then waits until ready.json
//     appears (bounded by ready_timeout) and reads it. The child gets
//     PR_SET_PDEATHSIG(SIGTERM): a crashed test does not leave it running.
//   - stop() sends SIGTERM, waits up to 20 s, then SIGKILL; returns the exit status
//     (or -1 when it had to be killed). The destructor calls stop().
//   - Errors are thrown as std::runtime_error naming the cause (a log tail included).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace emu::harness {

struct emulator_options {
  std::string binary;
  std::string world;
  std::vector<std::string> extra_args;  // e.g. --no-registry, --threads 1
  std::chrono::seconds ready_timeout{600};
  int cpu = -1;  // >= 0: pin the emulator to this CPU (benchmarks: "one core")
};

class emulator_process {
 public:
  explicit emulator_process(const emulator_options& opts);
  ~emulator_process();
  emulator_process(const emulator_process&) = delete;
  emulator_process& operator=(const emulator_process&) = delete;

  int stop();
  bool running();

  unsigned short port() const { return port_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string ca_file() const { return state_dir_ + "/ca.pem"; }
  const std::string& ready_json() const { return ready_json_; }
  pid_t pid() const { return pid_; }
  long registry_pid() const { return registry_pid_; }
  std::string log_tail() const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = -1;
  unsigned short port_ = 0;
  long registry_pid_ = 0;
  std::string state_dir_, log_file_, ready_json_;
};

}  // namespace emu::harness
