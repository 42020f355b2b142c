// A credential source as a step machine without I/O: it says what it needs next —
// an HTTP request to send or a file to read — is fed the answer, and eventually
// says "done" with credentials or an error. The caller (the driver actor, or a test
// with canned answers) performs the I/O. A source object serves one fetch.
//
//   auto step = src.start();
//   while (!is_done(step)) step = is_http(step) ? src.on_http(send(http_of(step)))
//                                               : src.on_file(read(file_of(step).path));
//
// Contract: every method returns the next step; feeding an answer the source did not
// ask for yields a done step with an error. Errors name the source and the reason —
// never a token, a secret or file contents.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/aws/credentials.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws {

struct read_file_step {
  std::string path;
};

using source_step = std::variant<http::request, read_file_step, result<credentials>>;

inline bool is_done(const source_step& s) { return s.index() == 2; }
inline bool is_http(const source_step& s) { return s.index() == 0; }
inline bool is_file(const source_step& s) { return s.index() == 1; }

class credential_source {
 public:
  virtual ~credential_source() = default;
  // "static", "web-identity", "container", "imds"
  virtual std::string_view name() const = 0;
  virtual source_step start() = 0;
  virtual source_step on_http(const http::response& r) = 0;
  virtual source_step on_file(const result<std::string>& content) = 0;
};

// Reads a small file (a projected service-account token, a Pod Identity token):
// the whole content or an error naming the path.
using file_reader = std::function<result<std::string>(const std::string& path)>;

// The reply of a credential fetch as a plain, copyable message value.
struct credentials_outcome {
  std::optional<credentials> creds;
  error_info error;

  static credentials_outcome from(const result<credentials>& r) {
    credentials_outcome o;
    if (r.ok()) {
      o.creds = r.value();
    } else {
      o.error = r.error();
    }
    return o;
  }
  result<credentials> to_result() const {
    if (creds) return *creds;
    return error;
  }
};

}  // namespace fluxaws::aws
