#include "tests/emulator/harness/emulator_process.hpp"

#include <fcntl.h>
#include <sched.h>
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

#include "adapters/common/json.hpp"

namespace emu::harness {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The pid of docker-registry: the emulator's child running it, from /proc.
long registry_child_of(pid_t parent) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto stat = slurp(e.path().string() + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && stat.find("(docker-registry") != std::string::npos) return std::stol(name);
  }
  return 0;
}

}  // namespace

emulator_process::emulator_process(const emulator_options& opts) {
  char tmpl[] = "/tmp/fluxaws-emulator-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  state_dir_ = tmpl;
  log_file_ = state_dir_ + ".log";
  std::vector<std::string> args = {opts.binary, "--world", opts.world, "--listen", "127.0.0.1:0", "--state-dir", state_dir_};
  args.insert(args.end(), opts.extra_args.begin(), opts.extra_args.end());
  pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    if (opts.cpu >= 0) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(opts.cpu, &set);
      ::sched_setaffinity(0, sizeof set, &set);
    }
    int fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + opts.ready_timeout;
  const std::string ready = state_dir_ + "/ready.json";
  while (!fs::exists(ready)) {
    if (!running()) throw std::runtime_error("fluxaws-emulator exited before it was ready:\n" + log_tail());
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("fluxaws-emulator was not ready in time:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ready_json_ = slurp(ready);
  auto doc = fluxaws::json::parse(ready_json_);
  if (!doc || !doc->find("port")) throw std::runtime_error("ready.json is not what it should be: " + ready_json_);
  port_ = static_cast<unsigned short>(doc->find("port")->as_int());
  registry_pid_ = registry_child_of(pid_);
}

emulator_process::~emulator_process() {
  stop();
  std::error_code ec;
  fs::remove_all(state_dir_, ec);
  fs::remove(log_file_, ec);
}

bool emulator_process::running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    reaped_ = true;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return false;
  }
  return true;
}

int emulator_process::stop() {
  if (pid_ <= 0 || reaped_) return exit_status_;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      reaped_ = true;
      exit_status_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return exit_status_;
}

std::string emulator_process::log_tail() const {
  auto log = slurp(log_file_);
  return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
}

}  // namespace emu::harness
