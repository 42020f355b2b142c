#include "adapters/http/body_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>

#include "adapters/common/encoding.hpp"

namespace fluxaws::http {

namespace {
std::string errno_text(int err) { return std::strerror(err); }
}  // namespace

body_sink body_sink::to_memory(std::size_t cap) {
  body_sink s;
  s.cap_ = cap;
  return s;
}

result<body_sink> body_sink::to_file(std::string path, std::size_t cap) {
  body_sink s;
  s.cap_ = cap;
  // A few attempts in case a stale temporary of the same random name exists.
  for (int attempt = 0; attempt < 4; ++attempt) {
    auto temp = path + ".part-" + enc::hex(digest::random_bytes(6));
    // Read-write: an error answer is read back from it (take_error_body).
    int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      s.fd_ = fd;
      s.temp_path_ = std::move(temp);
      s.path_ = std::move(path);
      return s;
    }
    if (errno != EEXIST)
      return make_error("io", "cannot create " + temp + ": " + errno_text(errno));
  }
  return make_error("io", "cannot create a temporary file next to " + path);
}

body_sink::body_sink(body_sink&& o) noexcept
    : state_(o.state_),
      cap_(o.cap_),
      size_(o.size_),
      memory_(std::move(o.memory_)),
      path_(std::move(o.path_)),
      temp_path_(std::move(o.temp_path_)),
      fd_(o.fd_),
      sha_(std::move(o.sha_)),
      error_(std::move(o.error_)) {
  o.fd_ = -1;
  o.temp_path_.clear();
  o.path_.clear();
}

body_sink& body_sink::operator=(body_sink&& o) noexcept {
  if (this != &o) {
    discard();
    state_ = o.state_;
    cap_ = o.cap_;
    size_ = o.size_;
    memory_ = std::move(o.memory_);
    path_ = std::move(o.path_);
    temp_path_ = std::move(o.temp_path_);
    fd_ = o.fd_;
    sha_ = std::move(o.sha_);
    error_ = std::move(o.error_);
    o.fd_ = -1;
    o.temp_path_.clear();
    o.path_.clear();
  }
  return *this;
}

body_sink::~body_sink() { discard(); }

body_sink::state body_sink::write(const char* data, std::size_t n) {
  if (state_ != state::ok) return state_;
  if (n > cap_ - size_) {
    state_ = state::over_cap;
    error_ = "body exceeds the limit of " + std::to_string(cap_) + " bytes";
    return state_;
  }
  if (path_.empty()) {
    memory_.append(data, n);
  } else {
    sha_.update(data, n);
    std::size_t done = 0;
    while (done < n) {
      auto w = ::write(fd_, data + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        state_ = state::io_error;
        error_ = "writing " + temp_path_ + ": " + errno_text(errno);
        return state_;
      }
      done += static_cast<std::size_t>(w);
    }
  }
  size_ += n;
  return state_;
}

void body_sink::close_fd() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

status body_sink::commit(std::string& body_out, std::string& sha256_hex_out) {
  if (state_ != state::ok) return make_error("io", error_);
  if (path_.empty()) {
    body_out = std::move(memory_);
    memory_.clear();
    return {};
  }
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    state_ = state::io_error;
    error_ = "closing " + temp_path_ + ": " + errno_text(errno);
    discard();
    return make_error("io", error_);
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    state_ = state::io_error;
    error_ = "renaming " + temp_path_ + " to " + path_ + ": " + errno_text(errno);
    discard();
    return make_error("io", error_);
  }
  temp_path_.clear();
  path_.clear();
  sha256_hex_out = sha_.finish_hex();
  return {};
}

void body_sink::take_error_body(std::string& body_out, std::size_t limit) {
  if (path_.empty()) {
    body_out = std::move(memory_);
    if (body_out.size() > limit) body_out.resize(limit);
  } else if (fd_ >= 0) {
    body_out.assign(std::min(limit, size_), '\0');
    std::size_t got = 0;
    while (got < body_out.size()) {
      ssize_t n = ::pread(fd_, body_out.data() + got, body_out.size() - got, static_cast<off_t>(got));
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    body_out.resize(got);
  }
  discard();
}

void body_sink::discard() {
  close_fd();
  if (!temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
  memory_.clear();
  memory_.shrink_to_fit();
}

}  // namespace fluxaws::http
