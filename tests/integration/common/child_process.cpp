#include "tests/integration/common/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace itest {

using namespace std::chrono_literals;

child_process::child_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                             const std::string& out_file, const std::string& err_file) {
  // Everything the child needs is prepared before fork: only async-signal-safe calls after.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  for (const auto& e : env) {
    auto eq = e.find('=');
    auto name = e.substr(0, eq + 1);
    for (auto it = env_strings.begin(); it != env_strings.end();)
      it = it->rfind(name, 0) == 0 ? env_strings.erase(it) : it + 1;
    env_strings.push_back(e);
  }
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0 || err < 0) throw std::runtime_error("cannot open the child's output files");
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out, 1);
    ::dup2(err, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
}

child_process::~child_process() {
  if (!reaped_) stop(5s);
}

bool child_process::reap(bool block) {
  if (reaped_) return true;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return false;
  reaped_ = true;
  code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

bool child_process::running() { return !reap(false); }

std::optional<int> child_process::wait(std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (reap(false)) return code_;
    std::this_thread::sleep_for(20ms);
  }
  stop(5s);
  return std::nullopt;
}

std::optional<int> child_process::stop(std::chrono::milliseconds grace) {
  if (reap(false)) return code_;
  ::kill(pid_, SIGTERM);
  auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    if (reap(false)) return code_;
    std::this_thread::sleep_for(20ms);
  }
  ::kill(pid_, SIGKILL);
  reap(true);
  return std::nullopt;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
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

}  // namespace itest
