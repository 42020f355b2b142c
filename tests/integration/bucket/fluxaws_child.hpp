// Runs the fluxaws binary as a child of a test: once (`run --once`, waits for its exit
// and captures its output) or in the background (`run` until stop()). The child gets
// PR_SET_PDEATHSIG, so a crashed test leaves nothing behind; stop() sends SIGTERM
// and waits (SIGKILL after a grace).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace fluxaws::testing {

struct child_result {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error (the logs)
};

// Runs `binary args...` to completion (bounded by timeout; killed after it).
child_result run_to_end(const std::string& binary, const std::vector<std::string>& args,
                        std::chrono::seconds timeout);

class background_child {
 public:
  background_child(const std::string& binary, const std::vector<std::string>& args);
  ~background_child();
  background_child(const background_child&) = delete;
  background_child& operator=(const background_child&) = delete;

  int stop();                  // exit code (or -1 when killed)
  std::string logs() const;    // standard error so far
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  bool reaped_ = false;
  int status_ = -1;
};

}  // namespace fluxaws::testing
