// http_types.hpp — the request/response types every emulator handler shares.
//
// Contract: a handler has the shape
//   boost::asio::awaitable<emu::http_response>
//   handler(const emu::http_request&, const emu::request_context&);
// The server reads a whole request (string body) and writes the whole response;
// handlers never touch the socket. `request_context` says how the request arrived.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>;
// include it first so any file that starts with this header compiles.
#include <utility>

#include <boost/beast/http.hpp>

#include <string>

namespace emu {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

struct request_context {
  std::string host;  // Host header without the port, lower-cased
  bool tls = false;  // true when the connection is TLS
};

}  // namespace emu
