// standin_process.hpp — starts fluxaws-kube-standin as a child for a test or a
// benchmark, restarts it on the same port and state, and stops it.
//
// Contract:
//   - The constructor makes a fresh temporary state directory (removed by the
//     destructor unless keep_state_dir), starts the binary with --listen
//     127.0.0.1:<port> (0: any free port) and waits until DIR/kubeconfig appears
//     (bounded by ready_timeout), then reads the port, URL and token from it.
//   - restart() stops the child (SIGTERM) and starts it again on the same port and
//     state directory: objects survive, open connections and watches do not.
//   - stop() sends SIGTERM, waits up to 20 s, then SIGKILL; returns the exit status
//     (-1 when it had to be killed). The child gets PR_SET_PDEATHSIG(SIGTERM), so a
//     crashed test does not leave it running.
//   - Errors are thrown as std::runtime_error naming the cause (with the log's tail).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace kstand::harness {

struct standin_options {
  std::string binary = FLUXAWS_KUBE_STANDIN_BIN;
  std::vector<std::string> extra_args;  // e.g. --issuer URL --signing-key FILE --bookmark-interval-ms 200
  std::chrono::seconds ready_timeout{60};
  unsigned short port = 0;
  bool keep_state_dir = false;
};

class standin_process {
 public:
  explicit standin_process(standin_options opts = {});
  ~standin_process();
  standin_process(const standin_process&) = delete;
  standin_process& operator=(const standin_process&) = delete;

  int stop();
  void restart();
  bool running();

  unsigned short port() const { return port_; }
  const std::string& state_dir() const { return state_dir_; }
  std::string kubeconfig() const { return state_dir_ + "/kubeconfig"; }
  std::string ca_file() const { return state_dir_ + "/ca.crt"; }
  std::string https_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  std::string http_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& token() const { return token_; }  // a secret for the stand-in only
  pid_t pid() const { return pid_; }
  std::string log_tail() const;

 private:
  void launch();
  standin_options opts_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int exit_status_ = -1;
  unsigned short port_ = 0;
  std::string state_dir_, log_file_, token_;
};

}  // namespace kstand::harness
