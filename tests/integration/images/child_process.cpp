#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace images_itest {

namespace {

bool reap(pid_t pid, bool block, int& status) {
  int st = 0;
  pid_t r = ::waitpid(pid, &st, block ? 0 : WNOHANG);
  if (r != pid) return false;
  status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return true;
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::vector<std::string> env, std::string out_file,
                             std::string err_file) {
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (auto& e : env) envs.push_back(std::move(e));
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    std::vector<char*> ev;
    for (auto& e : envs) ev.push_back(e.data());
    ev.push_back(nullptr);
    ::execve(args[0], args.data(), ev.data());
    ::_exit(127);
  }
}

child_process::~child_process() {
  if (!reaped_) stop(std::chrono::seconds(20));
}

bool child_process::running() {
  if (reaped_) return false;
  if (reap(pid_, false, status_)) reaped_ = true;
  return !reaped_;
}

std::optional<int> child_process::wait(std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (!running()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop(std::chrono::seconds(10));
  return std::nullopt;
}

std::optional<int> child_process::stop(std::chrono::milliseconds grace) {
  if (!running()) return status_;
  ::kill(pid_, SIGTERM);
  auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (!running()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  if (reap(pid_, true, status_)) reaped_ = true;
  return std::nullopt;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<std::string> capture(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                   std::chrono::milliseconds limit) {
  auto base = std::filesystem::temp_directory_path() / ("fluxaws-capture-" + std::to_string(::getpid()));
  auto out = base.string() + ".out";
  auto err = base.string() + ".err";
  std::optional<int> rc;
  {
    child_process p(argv, env, out, err);
    rc = p.wait(limit);
  }
  auto text = read_file(out);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  std::filesystem::remove(err, ec);
  if (!rc || *rc != 0) return std::nullopt;
  return text;
}

}  // namespace images_itest
