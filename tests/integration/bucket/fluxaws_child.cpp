#include "tests/integration/bucket/fluxaws_child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fluxaws::testing {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string temp_file(const char* tag) {
  auto t = (std::filesystem::temp_directory_path() / (std::string("fluxaws-child-") + tag + "-XXXXXX")).string();
  std::vector<char> buf(t.begin(), t.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  return buf.data();
}

pid_t spawn(const std::string& binary, const std::vector<std::string>& args, const std::string& out_path,
            const std::string& err_path) {
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int out = ::open(out_path.c_str(), O_WRONLY | O_TRUNC);
    int err = ::open(err_path.c_str(), O_WRONLY | O_TRUNC);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    std::_Exit(127);
  }
  return pid;
}

int wait_for(pid_t pid, std::chrono::milliseconds limit, bool& exited) {
  auto until = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (std::chrono::steady_clock::now() < until) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      exited = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  exited = false;
  return -1;
}

}  // namespace

child_result run_to_end(const std::string& binary, const std::vector<std::string>& args,
                        std::chrono::seconds timeout) {
  auto out = temp_file("out"), err = temp_file("err");
  pid_t pid = spawn(binary, args, out, err);
  bool exited = false;
  int code = wait_for(pid, timeout, exited);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  child_result r{code, slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

background_child::background_child(const std::string& binary, const std::vector<std::string>& args) {
  auto out = temp_file("bg-out");
  log_path_ = temp_file("bg-err");
  pid_ = spawn(binary, args, out, log_path_);
  std::filesystem::remove(out);
}

background_child::~background_child() {
  stop();
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

int background_child::stop() {
  if (reaped_) return status_;
  ::kill(pid_, SIGTERM);
  bool exited = false;
  status_ = wait_for(pid_, std::chrono::seconds(30), exited);
  if (!exited) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    status_ = -1;
  }
  reaped_ = true;
  return status_;
}

std::string background_child::logs() const { return slurp(log_path_); }

}  // namespace fluxaws::testing
