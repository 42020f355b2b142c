#include "tests/integration/bucket/fake_s3.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::testing {

namespace {

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

std::string response(int status, const std::string& reason, const std::string& body,
                     const std::string& extra_headers = "", std::size_t content_length = std::string::npos) {
  std::ostringstream os;
  os << "HTTP/1.1 " << status << " " << reason << "\r\n"
     << "Content-Length: " << (content_length == std::string::npos ? body.size() : content_length) << "\r\n"
     << "Connection: close\r\n"
     << extra_headers << "\r\n"
     << body;
  return os.str();
}

std::string etag_of(const std::string& body) {
  // Any stable quoted token works; S3 uses the MD5 of simple objects.
  return "\"" + enc::hex(digest::sha256(body)).substr(0, 32) + "\"";
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace

fake_s3::fake_s3(std::string bucket) : bucket_(std::move(bucket)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error("fake_s3: cannot listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

fake_s3::~fake_s3() {
  stop_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  ::close(listen_fd_);
  thread_.join();
}

void fake_s3::put(const std::string& key, object o) {
  std::lock_guard<std::mutex> lock(mu_);
  objects_[key] = std::move(o);
}

void fake_s3::set_raw_listing(std::string xml) {
  std::lock_guard<std::mutex> lock(mu_);
  raw_listing_ = std::move(xml);
}

std::string fake_s3::listing() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!raw_listing_.empty()) return raw_listing_;
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult><Name>" << bucket_
     << "</Name><Prefix></Prefix><KeyCount>" << objects_.size() << "</KeyCount><MaxKeys>1000</MaxKeys>"
     << "<IsTruncated>false</IsTruncated>";
  for (const auto& [k, o] : objects_)
    os << "<Contents><Key>" << xml_escape(k) << "</Key><ETag>" << xml_escape(etag_of(o.body)) << "</ETag><Size>"
       << o.body.size() << "</Size></Contents>";
  os << "</ListBucketResult>";
  return os.str();
}

void fake_s3::run() {
  while (!stop_) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stop_) return;
      continue;
    }
    serve(fd);
    ::close(fd);
  }
}

void fake_s3::serve(int fd) {
  std::string req;
  char buf[4096];
  while (req.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    req.append(buf, static_cast<std::size_t>(n));
  }
  std::istringstream line(req.substr(0, req.find("\r\n")));
  std::string method, target;
  line >> method >> target;
  std::string path = target.substr(0, target.find('?'));
  std::string query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  const std::string base = "/" + bucket_;
  auto xml_error = [](const std::string& code) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code +
           "</Message></Error>";
  };
  if (path == base || path == base + "/") {
    if (method == "HEAD") {
      send_all(fd, response(200, "OK", ""));
      return;
    }
    send_all(fd, response(200, "OK", listing(), "Content-Type: application/xml\r\n"));
    return;
  }
  if (path.rfind(base + "/", 0) != 0) {
    send_all(fd, response(404, "Not Found", xml_error("NoSuchBucket")));
    return;
  }
  auto key = enc::uri_decode(path.substr(base.size() + 1)).value_or("");
  object o;
  bool found = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(key);
    if (it != objects_.end()) {
      o = it->second;
      found = true;
    }
  }
  ++gets_;
  if (!found || o.vanish) {
    send_all(fd, response(404, "Not Found", xml_error("NoSuchKey")));
    return;
  }
  std::string headers = "ETag: " + etag_of(o.body) + "\r\n";
  if (o.truncate) {
    send_all(fd, response(200, "OK", o.body.substr(0, o.body.size() / 2), headers, o.body.size()));
    return;
  }
  send_all(fd, response(200, "OK", o.body, headers));
}

}  // namespace fluxaws::testing
