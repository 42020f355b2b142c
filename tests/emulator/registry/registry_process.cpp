#include "tests/emulator/registry/registry_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace emu::registry {
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

std::string errno_text() { return std::strerror(errno); }

std::string log_tail(const fs::path& log, std::size_t max_bytes = 2000) {
  std::ifstream in(log, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text.empty() ? "(empty log)" : text;
}

std::string config_yaml(const fs::path& storage, std::uint16_t port) {
  std::ostringstream y;
  y << "version: 0.1\n"
    << "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
    << "storage:\n  filesystem:\n    rootdirectory: " << storage.string() << "\n"
    << "  delete:\n    enabled: true\n"
    // Blob descriptors cached in memory: a manifest PUT checks each blob it references.
    << "  cache:\n    blobdescriptor: inmemory\n"
    << "  maintenance:\n    uploadpurging:\n      enabled: false\n"
    << "http:\n  addr: 127.0.0.1:" << port << "\n"
    // Relative Location headers let the front rewrite them to the ECR host.
    << "  relativeurls: true\n";
  return y.str();
}

// One blocking GET /v2/ with a short deadline; true on "HTTP/1.x 200".
bool ping(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      pollfd p{fd, POLLIN, 0};
      char buf[64] = {};
      if (::poll(&p, 1, 1000) == 1) {
        ssize_t n = ::recv(fd, buf, sizeof buf - 1, 0);
        ok = n >= 12 && std::string_view(buf, 12).substr(0, 7) == "HTTP/1." && std::string_view(buf + 9, 3) == "200";
      }
    }
  }
  ::close(fd);
  return ok;
}

// Resolves binary through PATH (execv wants a path; execvp is fine after fork too, but
// resolving first gives a clear error before forking).
fluxaws::result<std::string> resolve_binary(const std::string& binary) {
  if (binary.find('/') != std::string::npos) {
    if (::access(binary.c_str(), X_OK) == 0) return binary;
    return fluxaws::make_error("not_found", "docker-registry binary '" + binary + "' is not executable");
  }
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    auto end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string candidate = (end > start ? p.substr(start, end - start) : ".") + "/" + binary;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return fluxaws::make_error("not_found", "'" + binary + "' is not on PATH (Debian package docker-registry)");
}

}  // namespace

fluxaws::result<std::uint16_t> pick_free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fluxaws::make_error("io", "socket: " + errno_text());
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::string why = errno_text();
    ::close(fd);
    return fluxaws::make_error("io", "cannot bind a loopback port: " + why);
  }
  ::close(fd);
  return static_cast<std::uint16_t>(ntohs(addr.sin_port));
}

fluxaws::result<std::unique_ptr<registry_process>> registry_process::start(const options& opts) {
  if (opts.state_dir.empty()) return fluxaws::make_error("invalid_argument", "registry_process needs a state directory");
  auto binary = resolve_binary(opts.binary);
  if (!binary) return binary.error();
  const fs::path root = fs::absolute(opts.state_dir) / "registry";
  std::error_code ec;
  fs::create_directories(root / "storage", ec);
  if (ec) return fluxaws::make_error("io", "cannot create '" + (root / "storage").string() + "': " + ec.message());
  const fs::path config = root / "config.yml";
  const fs::path log = root / "registry.log";

  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto port = pick_free_loopback_port();
    if (!port) return port.error();
    {
      std::ofstream out(config, std::ios::binary | std::ios::trunc);
      out << config_yaml(root / "storage", *port);
      if (!out) return fluxaws::make_error("io", "cannot write '" + config.string() + "'");
    }
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log_fd < 0) return fluxaws::make_error("io", "cannot open '" + log.string() + "': " + errno_text());
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

    // Everything the child needs is prepared before fork: only async-signal-safe calls after.
    std::vector<std::string> args = {*binary, "serve", config.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    // docker-registry spends a good part of its CPU in Go's collector at the default
    // GOGC=100 on its small heap; 400 trades a little memory for throughput.
    std::vector<std::string> env_storage;
    for (char** e = environ; e && *e; ++e) env_storage.emplace_back(*e);
    if (!std::getenv("GOGC")) env_storage.emplace_back("GOGC=400");
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = ::fork();
    if (pid < 0) {
      std::string why = errno_text();
      ::close(log_fd);
      if (null_fd >= 0) ::close(null_fd);
      return fluxaws::make_error("io", "fork failed: " + why);
    }
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
      // Signals blocked or ignored by the emulator must not be inherited.
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGCHLD}) ::signal(sig, SIG_DFL);
      if (null_fd >= 0) ::dup2(null_fd, 0);
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
      // Nothing else of the emulator's (listening sockets, connections) goes along.
      ::close_range(3, ~0U, 0);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);

    std::unique_ptr<registry_process> proc(new registry_process(pid, *port, root, opts.stop_grace));
    const auto deadline = clock_type::now() + opts.ready_timeout;
    while (clock_type::now() < deadline) {
      if (!proc->running()) break;
      if (ping(*port)) return proc;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool exited = !proc->running();
    proc->stop();
    std::string tail = log_tail(log);
    last_error = exited ? "docker-registry exited during start-up: " + tail
                        : "docker-registry did not answer /v2/ within " + std::to_string(opts.ready_timeout.count()) + " ms: " + tail;
    // Only a lost race for the port is worth another try.
    if (!exited || tail.find("address already in use") == std::string::npos) break;
  }
  return fluxaws::make_error("registry_start", last_error);
}

registry_process::~registry_process() { stop(); }

bool registry_process::running() {
  if (reaped_ || pid_ <= 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) {
    reaped_ = true;
    return false;
  }
  return true;
}

void registry_process::stop() {
  if (reaped_ || pid_ <= 0) return;
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = clock_type::now() + grace_;
  while (clock_type::now() < deadline) {
    if (!running()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

}  // namespace emu::registry
