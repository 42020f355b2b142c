#include "benchmarks/tenant_scale/src/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <thread>

extern char** environ;

namespace fluxaws::bench {

using namespace std::chrono_literals;

result<std::unique_ptr<child_process>> child_process::spawn(const spawn_options& opts) {
  // Everything the child needs is prepared before fork (no allocation after it).
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& kv : opts.env) {
    auto eq = kv.find('=');
    if (eq != std::string::npos)
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
    else
      env.erase(kv);  // "K" alone: not inherited
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_strings{opts.binary};
  argv_strings.insert(argv_strings.end(), opts.args.begin(), opts.args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out = ::open(opts.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err = ::open(opts.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int report[2];
  if (out < 0 || err < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    if (out >= 0) ::close(out);
    if (err >= 0) ::close(err);
    return make_error("spawn", "cannot open the output files of " + opts.binary + ": " + std::strerror(errno));
  }
  pid_t parent = ::getpid();
  std::unique_ptr<child_process> c(new child_process());
  c->started_ = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    ::close(err);
    ::close(report[0]);
    ::close(report[1]);
    return make_error("spawn", std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(out, 1);
    ::dup2(err, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::execve(argv[0], argv.data(), envp.data());
    int e = errno;
    ssize_t w = ::write(report[1], &e, sizeof e);
    (void)w;
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  ::close(report[1]);
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  c->pid_ = pid;
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    c->reap(true);
    return make_error("spawn", "cannot run " + opts.binary + ": " + std::strerror(exec_errno));
  }
  return c;
}

child_process::~child_process() {
  if (!done_) stop(5s);
}

double child_process::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

bool child_process::reap(bool block) {
  if (done_) return true;
  int status = 0;
  rusage ru{};
  pid_t r;
  do {
    r = ::wait4(pid_, &status, block ? 0 : WNOHANG, &ru);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  done_ = true;
  info_.wall_seconds = elapsed_seconds();
  info_.cpu_seconds = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                      static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  info_.max_rss_kib = ru.ru_maxrss;
  if (WIFEXITED(status)) info_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) info_.signal = WTERMSIG(status);
  return true;
}

std::optional<exit_info> child_process::wait_for(std::chrono::milliseconds bound) {
  auto deadline = std::chrono::steady_clock::now() + bound;
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(2ms);
  }
  return info_;
}

exit_info child_process::stop(std::chrono::seconds grace) {
  if (done_) return info_;
  ::kill(pid_, SIGTERM);
  if (auto r = wait_for(grace)) return *r;
  ::kill(pid_, SIGKILL);
  reap(true);
  return info_;
}

result<exit_info> run_to_end(const spawn_options& opts, std::chrono::seconds bound) {
  auto c = child_process::spawn(opts);
  if (!c) return c.error();
  if (auto r = (*c)->wait_for(bound)) return *r;
  (*c)->stop(5s);
  return make_error("timeout", opts.binary + " did not finish within " + std::to_string(bound.count()) + " s");
}

}  // namespace fluxaws::bench
