#include "tests/kube-standin/integration/http_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace kstand::probe {

namespace {

int connect_to(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  }
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<std::size_t>(n);
  }
}

// Reads some bytes into out; false on EOF, error or deadline.
bool read_some(int fd, std::string& out, std::chrono::steady_clock::time_point deadline, bool* eof) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  if (left <= 0) return false;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
  char buf[16384];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n <= 0) {
    *eof = true;
    return false;
  }
  out.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string request_text(const std::string& method, const std::string& target, const std::string& token,
                         const std::string& body, const std::string& content_type) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: application/json\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + body;
}

int status_of(const std::string& head) {
  auto sp = head.find(' ');
  return sp == std::string::npos ? 0 : std::atoi(head.c_str() + sp + 1);
}

std::string header_value(const std::string& head, const std::string& name) {
  std::string lower;
  for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = lower.find("\r\n" + name + ":");
  if (at == std::string::npos) return {};
  auto start = at + 3 + name.size();
  auto end = head.find("\r\n", start);
  std::string v = head.substr(start, end - start);
  while (!v.empty() && v.front() == ' ') v.erase(v.begin());
  return v;
}

// Decodes as much of a chunked body as raw holds; returns false when the final chunk was seen.
bool dechunk(std::string& raw, std::string& out, bool& done) {
  for (;;) {
    auto eol = raw.find("\r\n");
    if (eol == std::string::npos) return true;
    std::size_t size = std::stoul(raw.substr(0, eol), nullptr, 16);
    if (size == 0) {
      done = true;
      return false;
    }
    if (raw.size() < eol + 2 + size + 2) return true;
    out.append(raw, eol + 2, size);
    raw.erase(0, eol + 2 + size + 2);
  }
}

}  // namespace

fluxaws::json::value reply::json() const {
  auto v = fluxaws::json::parse(body);
  return v ? *v : fluxaws::json::value();
}

reply request(unsigned short port, const std::string& method, const std::string& target, const std::string& token,
              const std::string& body, const std::string& content_type, std::chrono::seconds timeout) {
  int fd = connect_to(port);
  std::string data;
  try {
    send_all(fd, request_text(method, target, token, body, content_type));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    bool eof = false;
    while (read_some(fd, data, deadline, &eof)) {
    }
    ::close(fd);
    if (!eof) throw std::runtime_error("no complete answer to " + method + " " + target + " in time");
  } catch (...) {
    ::close(fd);
    throw;
  }
  auto end = data.find("\r\n\r\n");
  if (end == std::string::npos) throw std::runtime_error("malformed answer to " + method + " " + target);
  reply r;
  std::string head = data.substr(0, end);
  r.status = status_of(head);
  r.content_type = header_value(head, "content-type");
  std::string raw = data.substr(end + 4);
  if (header_value(head, "transfer-encoding") == "chunked") {
    bool done = false;
    dechunk(raw, r.body, done);
  } else {
    r.body = raw;
  }
  return r;
}

watch_reader::watch_reader(unsigned short port, const std::string& target, const std::string& token) {
  fd_ = connect_to(port);
  send_all(fd_, request_text("GET", target, token, "", ""));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string data;
  while (data.find("\r\n\r\n") == std::string::npos)
    if (!read_some(fd_, data, deadline, &eof_)) throw std::runtime_error("no watch header for " + target);
  auto end = data.find("\r\n\r\n");
  status_ = status_of(data.substr(0, end));
  raw_ = data.substr(end + 4);
}

watch_reader::~watch_reader() {
  if (fd_ >= 0) ::close(fd_);
}

bool watch_reader::fill(std::chrono::steady_clock::time_point deadline) {
  if (clean_end_ || eof_) return false;
  if (!dechunk(raw_, lines_, clean_end_)) return false;
  if (lines_.find('\n') != std::string::npos) return true;
  if (!read_some(fd_, raw_, deadline, &eof_)) return false;
  dechunk(raw_, lines_, clean_end_);
  return true;
}

std::optional<fluxaws::json::value> watch_reader::next(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto nl = lines_.find('\n');
    if (nl != std::string::npos) {
      std::string line = lines_.substr(0, nl);
      lines_.erase(0, nl + 1);
      auto v = fluxaws::json::parse(line);
      if (!v) throw std::runtime_error("a watch line is not JSON: " + line);
      return *v;
    }
    if (!fill(deadline)) {
      if (lines_.find('\n') != std::string::npos) continue;
      return std::nullopt;
    }
  }
}

}  // namespace kstand::probe
