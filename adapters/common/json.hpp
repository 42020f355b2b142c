// json::value — a small JSON document model that keeps object member order.
// Used for Kubernetes objects (local manifests, API answers, status written back)
// and for building AWS JSON bodies. parse() uses simdjson; dump() writes compact
// or indented JSON with RFC 8259 escaping. Numbers keep integer vs float.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fluxaws::json {

class value;
using array = std::vector<value>;
using member = std::pair<std::string, value>;
using object = std::vector<member>;

class value {
 public:
  enum class kind { null, boolean, integer, number, string, array, object };

  value() = default;
  value(std::nullptr_t) {}
  value(bool b) : v_(b) {}
  value(int i) : v_(static_cast<int64_t>(i)) {}
  value(int64_t i) : v_(i) {}
  value(uint64_t i) : v_(static_cast<int64_t>(i)) {}
  value(double d) : v_(d) {}
  value(const char* s) : v_(std::string(s)) {}
  value(std::string s) : v_(std::move(s)) {}
  value(std::string_view s) : v_(std::string(s)) {}
  value(array a) : v_(std::move(a)) {}
  value(object o) : v_(std::move(o)) {}

  static value make_object() { return value(object{}); }
  static value make_array() { return value(array{}); }

  kind type() const { return static_cast<kind>(v_.index()); }
  bool is_null() const { return type() == kind::null; }
  bool is_bool() const { return type() == kind::boolean; }
  bool is_integer() const { return type() == kind::integer; }
  bool is_number() const { return type() == kind::integer || type() == kind::number; }
  bool is_string() const { return type() == kind::string; }
  bool is_array() const { return type() == kind::array; }
  bool is_object() const { return type() == kind::object; }

  // Typed access; the *_or forms return the fallback on a type mismatch.
  bool as_bool(bool fallback = false) const;
  int64_t as_int(int64_t fallback = 0) const;
  double as_double(double fallback = 0) const;
  const std::string& as_string() const;  // empty string when not a string
  std::string string_or(std::string_view fallback) const;
  const array& as_array() const;         // empty when not an array
  array& as_array();                     // converts a null into an empty array
  const object& as_object() const;       // empty when not an object
  object& as_object();                   // converts a null into an empty object

  // Object access. find() returns nullptr when absent or not an object.
  const value* find(std::string_view key) const;
  value* find(std::string_view key);
  // Inserts null when absent (converting a null into an object first).
  value& operator[](std::string_view key);
  // Follows a path of object keys; nullptr when any step is missing.
  const value* at(std::initializer_list<std::string_view> path) const;
  bool erase(std::string_view key);
  void set(std::string_view key, value v) { (*this)[key] = std::move(v); }
  void push_back(value v) { as_array().push_back(std::move(v)); }
  std::size_t size() const;  // members or elements; 0 for scalars

  friend bool operator==(const value& a, const value& b);

 private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, array, object> v_;
};

struct parse_error {
  std::string message;
};

// Parses one JSON document. On failure returns nullopt and fills err (when given).
std::optional<value> parse(std::string_view text, std::string* err = nullptr);

// Serializes. indent 0 = compact; otherwise pretty with that many spaces.
std::string dump(const value& v, int indent = 0);
// Appends the JSON string literal for s (with quotes) to out.
void append_quoted(std::string& out, std::string_view s);

}  // namespace fluxaws::json
