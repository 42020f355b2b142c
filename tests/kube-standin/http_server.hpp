// http_server.hpp — HTTP/1.1 over Boost.Beast for the stand-in, TLS or plain on the
// same port (the first bytes decide): keep-alive request handling through
// api_handler, and watches streamed with chunked transfer encoding, one JSON event per
// line, BOOKMARK events every bookmark_interval when the client allows them, the
// stream ended cleanly at timeoutSeconds, and cut without the final chunk (an abrupt
// end mid-stream) when a test asks for it.
//
// Contract: everything runs on the io_context's single thread (the handler and store
// are not thread-safe). Listens on the given endpoint only. stop() closes the
// acceptor and every open connection.
#pragma once

#include <chrono>
#include <memory>
#include <set>

#include "tests/kube-standin/api_handler.hpp"
#include "tests/kube-standin/asio.hpp"

namespace kstand {

class http_server {
 public:
  http_server(asio::io_context& io, asio::ssl::context& tls, const tcp::endpoint& ep, api_handler& handler,
              std::chrono::milliseconds bookmark_interval, bool verbose);
  unsigned short port() const { return port_; }
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> session(tcp::socket socket);
  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, beast::flat_buffer& buffer);
  template <class Stream>
  asio::awaitable<void> stream_watch(Stream& stream, const watch_spec& spec);

  asio::io_context& io_;
  asio::ssl::context& tls_;
  tcp::acceptor acceptor_;
  api_handler& handler_;
  std::chrono::milliseconds bookmark_interval_;
  bool verbose_;
  unsigned short port_ = 0;
  bool stopping_ = false;
  // Open connections, closed by stop(). Shared with the sessions: a session frame can
  // outlive the server when the io_context is destroyed with it still pending.
  std::shared_ptr<std::set<tcp::socket*>> live_ = std::make_shared<std::set<tcp::socket*>>();
};

}  // namespace kstand
