// result<T>: a value or an error with a machine-readable code and a human message.
// Contract: exactly one of value()/error() is meaningful; ok() says which. Errors
// carry no secrets: callers build messages from names and reasons, never values.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace fluxaws {

struct error_info {
  std::string code;     // e.g. "AccessDenied", "timeout", "parse"
  std::string message;  // one sentence a user can act on
  int status = 0;       // HTTP status when the error came from a peer, else 0
  std::string to_string() const { return code.empty() ? message : code + ": " + message; }
};

inline error_info make_error(std::string code, std::string message, int status = 0) {
  return error_info{std::move(code), std::move(message), status};
}

template <class T>
class result {
 public:
  result(T v) : v_(std::move(v)) {}                 // NOLINT: implicit by design
  result(error_info e) : v_(std::move(e)) {}        // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const error_info& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, error_info> v_;
};

// status: a result without a value.
class status {
 public:
  status() = default;
  status(error_info e) : err_(std::move(e)), failed_(true) {}  // NOLINT
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const error_info& error() const { return err_; }

 private:
  error_info err_;
  bool failed_ = false;
};

}  // namespace fluxaws
