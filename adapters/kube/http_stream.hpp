// A long-running HTTP GET whose body is handed over as it arrives: what a Kubernetes
// watch needs (the HTTP client actor buffers whole answers). Each stream owns one
// libcurl easy handle on a thread of its own, so a watch that stays open for minutes
// never holds a CAF scheduler thread. Supports the Kubernetes client's TLS: CA file
// or inline PEM, client certificate and key (files or inline PEM, kept in memory).
//
// Contract:
//  - Callbacks run on the stream's thread and must not block (forward to an actor).
//    on_status once when the response headers are in; on_data for 2xx body chunks;
//    on_end exactly once at the end (unless the stream is destroyed first): with the
//    HTTP status, the failure if the transfer broke, and the body of a non-2xx answer.
//  - Bounded: connect timeout, an idle timeout (no byte for that long ends the stream
//    with failure::timeout; watches get bookmarks and server timeouts well within it),
//    an optional maximum duration, and a cap on a non-2xx body.
//  - Destroying the stream aborts the transfer and joins its thread (within about a
//    second: libcurl checks the abort flag at least that often); on_end is not called.
//  - Headers carry the bearer token: it is never logged and never appears in errors.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "adapters/http/types.hpp"
#include "adapters/kube/cluster_config.hpp"

namespace fluxaws::kube {

struct stream_tls {
  bool insecure = false;
  std::string ca_file, ca_pem;
  std::string client_cert_file, client_key_file;
  std::string client_cert_pem, client_key_pem;  // the key is a secret

  static stream_tls from(const cluster_config& cfg);
};

struct stream_request {
  std::string url;
  http::header_list headers;
  stream_tls tls;
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds idle_timeout{120};
  std::chrono::seconds max_duration{0};  // 0 = no limit
  std::size_t max_error_body = 1u << 20;
  std::string method = "GET";
  std::string body;  // sent as is (POST, PATCH, PUT)
};

struct stream_end {
  int status = 0;
  http::failure fail = http::failure::none;
  std::string error;  // curl's message for a failure
  std::string body;   // a non-2xx answer's body (a Status object), capped
};

struct stream_callbacks {
  std::function<void(int status)> on_status;
  std::function<void(std::string chunk)> on_data;
  std::function<void(stream_end end)> on_end;
};

// What the watch source holds per open stream; destroying it stops the stream.
class stream_handle {
 public:
  virtual ~stream_handle() = default;
  // Asks the stream to stop without waiting for it (lets an owner of many streams
  // stop them all before joining each).
  virtual void request_stop() {}
};

using stream_opener = std::function<std::unique_ptr<stream_handle>(stream_request, stream_callbacks)>;

// The real opener: one http_stream per call.
stream_opener curl_stream_opener();

class http_stream final : public stream_handle {
 public:
  http_stream(stream_request req, stream_callbacks cb);
  ~http_stream() override;
  void request_stop() override;
  http_stream(const http_stream&) = delete;
  http_stream& operator=(const http_stream&) = delete;

  struct shared;  // state shared with the thread

 private:
  std::shared_ptr<shared> shared_;
  std::thread thread_;
};

}  // namespace fluxaws::kube
