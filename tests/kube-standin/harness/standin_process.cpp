#include "tests/kube-standin/harness/standin_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "adapters/common/yaml_json.hpp"

namespace kstand::harness {

namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

standin_process::standin_process(standin_options opts) : opts_(std::move(opts)) {
  char tmpl[] = "/tmp/fluxaws-kube-standin-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  state_dir_ = tmpl;
  log_file_ = state_dir_ + ".log";
  port_ = opts_.port;
  launch();
}

void standin_process::launch() {
  std::vector<std::string> args = {opts_.binary, "--listen", "127.0.0.1:" + std::to_string(port_), "--state-dir", state_dir_};
  args.insert(args.end(), opts_.extra_args.begin(), opts_.extra_args.end());
  std::error_code ec;
  fs::remove(kubeconfig(), ec);  // a stale one from a previous run must not look like readiness
  pid_t parent = ::getpid();
  reaped_ = false;
  exit_status_ = -1;
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(127);
    int fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
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
  auto deadline = std::chrono::steady_clock::now() + opts_.ready_timeout;
  const std::string ready = kubeconfig();
  while (!fs::exists(ready)) {
    if (!running()) throw std::runtime_error("fluxaws-kube-standin exited before it was ready:\n" + log_tail());
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("fluxaws-kube-standin was not ready in time:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto doc = fluxaws::yamljson::parse_yaml(slurp(ready));
  if (!doc) throw std::runtime_error("the kubeconfig does not parse: " + doc.error().message);
  const auto& clusters = doc->find("clusters") ? doc->find("clusters")->as_array() : fluxaws::json::array{};
  const auto& users = doc->find("users") ? doc->find("users")->as_array() : fluxaws::json::array{};
  if (clusters.empty() || users.empty()) throw std::runtime_error("the kubeconfig names no cluster or user");
  const fluxaws::json::value* server = clusters.front().at({"cluster", "server"});
  const fluxaws::json::value* token = users.front().at({"user", "token"});
  if (!server || !token) throw std::runtime_error("the kubeconfig lacks server or token");
  std::string url = server->as_string();
  port_ = static_cast<unsigned short>(std::stoi(url.substr(url.rfind(':') + 1)));
  token_ = token->as_string();
}

standin_process::~standin_process() {
  stop();
  if (!opts_.keep_state_dir) {
    std::error_code ec;
    fs::remove_all(state_dir_, ec);
    fs::remove(log_file_, ec);
  }
}

bool standin_process::running() {
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

int standin_process::stop() {
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
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

void standin_process::restart() {
  stop();
  launch();
}

std::string standin_process::log_tail() const {
  auto log = slurp(log_file_);
  return log.size() > 4000 ? log.substr(log.size() - 4000) : log;
}

}  // namespace kstand::harness
