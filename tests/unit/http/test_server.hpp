// A small HTTP/1.1 keep-alive server for the HTTP client tests (Boost.Beast over Asio),
// plain or TLS, on 127.0.0.1 with an ephemeral port, run by one thread of its own and
// stopped by the destructor (pending answers are dropped, connections closed).
//
// It counts accepted connections and complete requests, and serves:
//   /echo                  200; body "METHOD target\n", then each request header as
//                          "Name: value\n" in arrival order, then "\n" and the body
//   /slow?ms=N             200 "slow" after N ms
//   /hold                  200 "released" once release_held() is called (never otherwise)
//   /big?bytes=N           N bytes of pattern(N), with "Docker-Content-Digest: sha256:<hex>";
//        [&chunked=1]      sent chunked (no Content-Length)
//   /status?code=N         empty answer with status N
//   /redirect              302 to /echo, with a small body
//   /headers               200 with "X-Mixed-Case: Some Value" and two "X-Dup" headers
//   absolute-form targets  ("GET http://host/path HTTP/1.1": forward-proxy mode) are
//                          recorded and answered 200 "proxied <target>"
// HEAD is answered like GET without a body (Content-Length kept).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fluxaws::http::testing {

class test_server {
 public:
  struct tls_config {
    std::string cert_file;
    std::string key_file;
  };

  test_server();                           // plain HTTP
  explicit test_server(tls_config tls);    // HTTPS
  ~test_server();
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  uint16_t port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT"
  uint64_t connections() const;  // accepted TCP connections
  uint64_t requests() const;     // complete requests read
  std::size_t held() const;      // requests parked on /hold right now
  std::vector<std::string> proxied_targets() const;
  void release_held();

  // The bytes /big?bytes=n sends.
  static std::string pattern(std::size_t n);

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

// A TCP port on 127.0.0.1 that is bound but not listening: connecting is refused. The
// port stays reserved (nobody else can listen there) while this object lives.
class refused_port {
 public:
  refused_port();
  ~refused_port();
  refused_port(const refused_port&) = delete;
  refused_port& operator=(const refused_port&) = delete;
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace fluxaws::http::testing
