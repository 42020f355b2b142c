// HTTP request and response values exchanged with the HTTP client actor.
// Plain data: no CAF, no curl. Header names in a response are lower case; a
// request's headers are sent as given (order kept, which signing relies on).
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

// Why a request produced no HTTP answer. Each maps to a distinct, clear message.
enum class failure {
  none,
  dns,                 // the host name did not resolve
  connection_refused,  // nothing listens there (or the connection was reset at connect)
  tls,                 // handshake or certificate verification failed
  timeout,             // the per-request deadline passed
  body_too_large,      // the answer exceeded max_body
  io,                  // the connection broke mid-transfer, a local file failed
  invalid_request,     // malformed URL or options
  cancelled,           // the client shut down first
  other,
};

std::string_view to_string(failure f);
std::ostream& operator<<(std::ostream& os, failure f);  // for test diagnostics

struct request {
  std::string method = "GET";
  std::string url;
  header_list headers;
  std::string body;
  // Whole-request deadline counted from submission, including any wait for a free
  // connection to the host; must be positive.
  std::chrono::milliseconds timeout{30000};
  // In-memory bodies beyond this many bytes fail with body_too_large.
  std::size_t max_body = 16u << 20;
  // When set, the body is streamed to this file with a running SHA-256 instead of being
  // kept in memory; max_body still bounds its size. It is written to a temporary
  // sibling and renamed into place when complete — for 2xx answers only: any other
  // answer's body (an error document) comes back in response::body (its first 64 KiB)
  // and no file is written. On any failure nothing is left behind and an existing
  // file is untouched.
  std::string body_file;
  // Follow 3xx answers (registries redirect blob downloads to storage).
  bool follow_redirects = false;
  // Do not send the Authorization header to a host other than the original on redirect.
  // (curl's default; kept explicit for readers.)
};

struct response {
  failure fail = failure::none;
  std::string error;     // curl's message for a failure, empty otherwise
  int status = 0;
  header_list headers;   // names lower-cased, in arrival order
  std::string body;      // empty when streamed to body_file
  uint64_t body_size = 0;
  std::string body_sha256_hex;  // set when streamed to body_file
  std::string effective_url;    // after redirects
  bool reused_connection = false;  // answered on a kept-alive connection
  uint32_t new_connections = 0;    // connections opened for this request (incl. redirects)

  bool ok() const { return fail == failure::none; }
  // First header with this name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  // A one-line description of a failure, naming the URL's host, e.g.
  // "connection refused: sts.us-east-1.amazonaws.com:443".
  std::string describe_failure(std::string_view url) const;
};

}  // namespace fluxaws::http
