// Options of the HTTP client: connection limits, TLS trust, proxies and connect-to
// rules (a request keeps its real host name while the connection goes elsewhere —
// how tests point AWS host names at the local emulator).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace fluxaws::http {

struct client_options {
  long max_total_connections = 256;
  long max_host_connections = 64;
  std::chrono::milliseconds connect_timeout{10000};
  bool http2 = false;
  bool verify_tls = true;
  std::string ca_file;  // PEM bundle; empty = system default
  // Explicit proxy URL; empty = libcurl reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
  std::string proxy;
  std::string no_proxy;
  // libcurl CURLOPT_CONNECT_TO entries: "HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT",
  // empty HOST or PORT meaning any (e.g. "::127.0.0.1:8443" sends everything there).
  std::vector<std::string> connect_to;
  std::string user_agent = "fluxaws";
};

}  // namespace fluxaws::http
