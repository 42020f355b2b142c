// Options of the HTTP client: connection limits, TLS trust, proxies and connect-to
// rules (a request keeps its real host name while the connection goes elsewhere —
// how tests point AWS host names at the local emulator).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace fluxaws::http {

struct client_options {
  // Connection caps. Requests beyond a host's cap wait their turn inside the client
  // (holding no connection, handle or file); <= 0 means no cap.
  long max_total_connections = 256;
  long max_host_connections = 64;
  std::chrono::milliseconds connect_timeout{10000};
  // Offer HTTP/2 over TLS (ALPN; falls back to HTTP/1.1) and multiplex requests on it.
  bool http2 = false;
  // Off only for tests: certificates and host names are checked by default.
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle; empty = system default
  // Explicit proxy URL; empty = libcurl reads http_proxy / HTTPS_PROXY / ALL_PROXY and
  // NO_PROXY from the environment.
  std::string proxy;
  // Hosts never proxied (comma-separated, "*" = all); when set it replaces NO_PROXY
  // from the environment, with or without an explicit proxy.
  std::string no_proxy;
  // libcurl CURLOPT_CONNECT_TO entries: "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT",
  // empty HOST or PORT meaning any (e.g. "::127.0.0.1:8443" sends everything there).
  std::vector<std::string> connect_to;
  std::string user_agent = "fluxaws";
};

}  // namespace fluxaws::http
