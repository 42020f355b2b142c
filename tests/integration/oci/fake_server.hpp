// Test helper: a programmable HTTP/1.1 server on 127.0.0.1 (ephemeral port), run by one
// thread of its own and stopped by its destructor. Each request is recorded and
// answered by the handler (called on the server thread, one request at a time), which
// may also forward it elsewhere (proxies).
//
// A reply can lie about its length: declared_length larger than the body sends the
// body, then closes the connection (a truncated transfer).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "loopback_http.hpp"

namespace fluxaws::oci::testing {

struct fake_request {
  std::string method;
  std::string target;  // origin-form: path and query
  header_pairs headers;
  std::string body;
  std::string header(std::string_view name) const;  // case-insensitive; empty if absent
};

struct fake_reply {
  int status = 200;
  header_pairs headers{};
  std::string body{};
  std::optional<std::size_t> declared_length{};  // Content-Length; default body.size()
};

class fake_server {
 public:
  using handler = std::function<fake_reply(const fake_request&)>;

  explicit fake_server(handler h);
  ~fake_server();
  fake_server(const fake_server&) = delete;
  fake_server& operator=(const fake_server&) = delete;

  uint16_t port() const;
  std::string authority() const { return "127.0.0.1:" + std::to_string(port()); }
  std::string origin() const { return "http://" + authority(); }
  std::vector<fake_request> requests() const;
  void clear();

  struct impl;

 private:
  std::unique_ptr<impl> impl_;
};

// A handler that forwards every request to 127.0.0.1:<port> and returns its answer
// (hop-by-hop headers dropped), after letting edit change it.
fake_server::handler forward_to(uint16_t port, std::function<void(const fake_request&, fake_reply&)> edit = {});

}  // namespace fluxaws::oci::testing
