// server.hpp — the emulator's one listening port: HTTP/1.1 with keep-alive, TLS and
// plain HTTP on the same port (the first byte decides: 0x16 starts a TLS handshake).
//
// Contract:
//   - Each connection is one coroutine on its own strand; requests on a connection are
//     answered in order. `Expect: 100-continue` is honoured (the AWS CLI sends it).
//   - Deadlines: 30 s for the TLS handshake and for each request to arrive once
//     started, 120 s idle between requests; bodies above 1 GiB are refused (413).
//   - The dispatcher's answer is written as is, except: Content-Length is set from the
//     body (HEAD answers keep a Content-Length the handler set), keep-alive follows the
//     request. Actions: reset closes the TCP connection abruptly (RST, no answer);
//     slow_body writes the header, then the body in 16 pieces 100 ms apart.
//   - stop() closes the acceptor; open connections end with the io_context.
#pragma once

#include <functional>
#include <memory>

#include "tests/emulator/asio.hpp"
#include "tests/emulator/emulator.hpp"

namespace emu {

using dispatch_fn = std::function<asio::awaitable<dispatch_result>(const http_request&, const request_context&)>;

class server {
 public:
  // Binds now (port 0 picks a free one); serving starts with start().
  server(asio::io_context& io, asio::ssl::context& tls, const tcp::endpoint& ep, dispatch_fn dispatch);
  unsigned short port() const { return port_; }
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();

  asio::io_context& io_;
  asio::ssl::context& tls_;
  tcp::acceptor acceptor_;
  dispatch_fn dispatch_;
  unsigned short port_ = 0;
};

}  // namespace emu
