#include "registry_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "loopback_http.hpp"

namespace fluxaws::oci::testing {

namespace {

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot pick a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string binary() {
  const char* env = std::getenv("FLUXAWS_DOCKER_REGISTRY");
  std::string b = env != nullptr ? env : "";
  if (b.empty() || b.find("NOTFOUND") != std::string::npos) b = "docker-registry";
  return b;
}

std::string tail_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = ss.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

}  // namespace

registry_process::registry_process() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "fluxaws-oci-registry-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  std::filesystem::create_directories(dir_ / "storage");
  const auto log = dir_ / "registry.log";
  const auto config = dir_ / "config.yml";
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::filesystem::remove(log);
    port_ = free_port();
    {
      std::ofstream out(config);
      out << "version: 0.1\n"
          << "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
          << "storage:\n  filesystem:\n    rootdirectory: " << (dir_ / "storage").string() << "\n"
          << "  delete:\n    enabled: true\n"
          << "http:\n  addr: 127.0.0.1:" << port_ << "\n";
    }
    pid_t parent = ::getpid();
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
      int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
      }
      auto bin = binary();
      ::execlp(bin.c_str(), bin.c_str(), "serve", config.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!running()) break;
      auto r = loopback_call(port_, "GET", "/v2/", {}, {}, std::chrono::milliseconds(1000));
      if (r.status == 200) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto log_tail = tail_of(log);
    stop();
    if (log_tail.find("address already in use") != std::string::npos) continue;
    std::filesystem::remove_all(dir_);
    throw std::runtime_error("docker-registry did not come up: " + log_tail);
  }
  std::filesystem::remove_all(dir_);
  throw std::runtime_error("docker-registry: no free port after 3 attempts");
}

bool registry_process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void registry_process::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {  // up to 5 s
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

registry_process::~registry_process() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace fluxaws::oci::testing
