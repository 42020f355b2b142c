// artifact_server: the HTTP file server for stored artifacts (--storage-addr), as
// source-controller serves its storage directory, minus what it should not serve.
//
//   - GET and HEAD of existing regular files under the root; anything else is 404
//     (directories too: no listings), other methods 405.
//   - Paths are percent-decoded first, then: any ".." component, a backslash or NUL,
//     and any hidden component (".x": temp files being written) give 404; a symlink is
//     followed only when its target stays inside the root (latest.tar.gz does).
//   - Content-Type is sniffed from the first bytes as Go's http.FileServer does
//     (application/x-gzip for artifacts), Content-Length is the file size,
//     Last-Modified its mtime. HTTP/1.1 keep-alive; idle connections close after
//     idle_timeout.
//   - Runs on its own threads (Boost.Asio), never on a CAF scheduler thread. start()
//     binds synchronously (a bad or busy address is an error there); stop() closes the
//     listener and every connection and joins the threads.
// Boost.Beast lives only in artifact_server.cpp; this header stays light.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::runtime {

struct artifact_server_options {
  std::string address = ":9090";  // host:port, [v6]:port or :port (all interfaces); port 0 picks one
  std::filesystem::path root;     // the storage root
  int threads = 2;
  std::chrono::seconds idle_timeout{30};    // keep-alive read deadline
  std::chrono::seconds write_timeout{300};  // deadline for sending one response
  std::size_t max_connections = 1024;       // further connections are closed at once
};

// The request target mapped to a path relative to the root, or nullopt for "not
// found" (see above). Pure; exposed for tests.
std::optional<std::string> artifact_request_path(std::string_view target);
// Go's http.DetectContentType, reduced to what artifact storage holds.
std::string artifact_content_type(std::string_view first_bytes);

class artifact_server {
 public:
  static result<std::unique_ptr<artifact_server>> start(artifact_server_options opts);
  ~artifact_server();  // stop()
  artifact_server(const artifact_server&) = delete;
  artifact_server& operator=(const artifact_server&) = delete;

  void stop();
  std::uint16_t port() const;
  std::string local_address() const;  // the bound address, e.g. "127.0.0.1:41234"

 private:
  artifact_server();
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace fluxaws::runtime
