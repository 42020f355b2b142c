#include "tests/integration/cluster_e2e/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace e2e {

namespace {

bool reap(pid_t pid, bool block, int& status) {
  int st = 0;
  pid_t r = ::waitpid(pid, &st, block ? 0 : WNOHANG);
  if (r != pid) return false;
  status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  return true;
}

}  // namespace

process::process(std::vector<std::string> argv, std::vector<std::string> env, std::string out_file,
                 std::string err_file, std::string stdin_file) {
  if (argv.empty()) throw std::runtime_error("process: empty argv");
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  for (auto& e : env) envs.push_back(std::move(e));
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  std::vector<char*> ev;
  for (auto& e : envs) ev.push_back(e.data());
  ev.push_back(nullptr);
  const char* in_path = stdin_file.empty() ? "/dev/null" : stdin_file.c_str();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int in = ::open(in_path, O_RDONLY);
    if (out < 0 || err < 0 || in < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(args[0], args.data(), ev.data());
    ::_exit(127);
  }
}

process::~process() {
  if (!reaped_) stop();
}

bool process::running() {
  if (reaped_) return false;
  if (reap(pid_, false, status_)) reaped_ = true;
  return !reaped_;
}

std::optional<int> process::wait(std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (running()) {
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return status_;
}

std::optional<int> process::stop(std::chrono::milliseconds grace) {
  if (!running()) return status_;
  ::kill(pid_, SIGTERM);
  if (auto st = wait(grace)) return st;
  kill9();
  return std::nullopt;
}

void process::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  if (reap(pid_, true, status_)) reaped_ = true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

run_result run(const std::vector<std::string>& argv, std::chrono::milliseconds limit, const std::string& stdin_text,
               const std::vector<std::string>& env) {
  static std::atomic<int> seq{0};
  auto base = (std::filesystem::temp_directory_path() /
               ("fluxaws-e2e-run-" + std::to_string(::getpid()) + "-" + std::to_string(seq++)))
                  .string();
  std::string in;
  if (!stdin_text.empty()) {
    in = base + ".in";
    write_file(in, stdin_text);
  }
  run_result r;
  {
    process p(argv, env, base + ".out", base + ".err", in);
    auto st = p.wait(limit);
    if (!st) p.kill9();
    r.exit_code = st ? *st : -1;
  }
  r.out = read_file(base + ".out");
  r.err = read_file(base + ".err");
  std::error_code ec;
  for (const char* ext : {".in", ".out", ".err"}) std::filesystem::remove(base + ext, ec);
  return r;
}

}  // namespace e2e
