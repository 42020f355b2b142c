#include "adapters/common/json.hpp"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace fluxaws::json {

namespace {
const std::string kEmptyString;
const array kEmptyArray;
const object kEmptyObject;
}  // namespace

bool value::as_bool(bool fallback) const { return is_bool() ? std::get<bool>(v_) : fallback; }

int64_t value::as_int(int64_t fallback) const {
  if (type() == kind::integer) return std::get<int64_t>(v_);
  if (type() == kind::number) {
    double d = std::get<double>(v_);
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
  }
  return fallback;
}

double value::as_double(double fallback) const {
  if (type() == kind::integer) return static_cast<double>(std::get<int64_t>(v_));
  if (type() == kind::number) return std::get<double>(v_);
  return fallback;
}

const std::string& value::as_string() const { return is_string() ? std::get<std::string>(v_) : kEmptyString; }

std::string value::string_or(std::string_view fallback) const {
  return is_string() ? std::get<std::string>(v_) : std::string(fallback);
}

const array& value::as_array() const { return is_array() ? std::get<array>(v_) : kEmptyArray; }

array& value::as_array() {
  if (!is_array()) v_ = array{};
  return std::get<array>(v_);
}

const object& value::as_object() const { return is_object() ? std::get<object>(v_) : kEmptyObject; }

object& value::as_object() {
  if (!is_object()) v_ = object{};
  return std::get<object>(v_);
}

const value* value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [k, v] : std::get<object>(v_))
    if (k == key) return &v;
  return nullptr;
}

value* value::find(std::string_view key) {
  if (!is_object()) return nullptr;
  for (auto& [k, v] : std::get<object>(v_))
    if (k == key) return &v;
  return nullptr;
}

value& value::operator[](std::string_view key) {
  auto& obj = as_object();
  for (auto& [k, v] : obj)
    if (k == key) return v;
  obj.emplace_back(std::string(key), value{});
  return obj.back().second;
}

const value* value::at(std::initializer_list<std::string_view> path) const {
  const value* cur = this;
  for (auto key : path) {
    cur = cur->find(key);
    if (!cur) return nullptr;
  }
  return cur;
}

bool value::erase(std::string_view key) {
  if (!is_object()) return false;
  auto& obj = std::get<object>(v_);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it->first == key) {
      obj.erase(it);
      return true;
    }
  }
  return false;
}

std::size_t value::size() const {
  if (is_array()) return std::get<array>(v_).size();
  if (is_object()) return std::get<object>(v_).size();
  return 0;
}

bool operator==(const value& a, const value& b) {
  if (a.is_number() && b.is_number() && a.type() != b.type()) return a.as_double() == b.as_double();
  return a.v_ == b.v_;
}

namespace {

value convert(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: {
      array out;
      for (auto child : simdjson::dom::array(e)) out.push_back(convert(child));
      return value(std::move(out));
    }
    case simdjson::dom::element_type::OBJECT: {
      object out;
      for (auto field : simdjson::dom::object(e)) out.emplace_back(std::string(field.key), convert(field.value));
      return value(std::move(out));
    }
    case simdjson::dom::element_type::INT64: return value(int64_t(e));
    case simdjson::dom::element_type::UINT64: {
      uint64_t u = uint64_t(e);
      if (u > static_cast<uint64_t>(INT64_MAX)) return value(static_cast<double>(u));
      return value(static_cast<int64_t>(u));
    }
    case simdjson::dom::element_type::DOUBLE: return value(double(e));
    case simdjson::dom::element_type::STRING: return value(std::string_view(e));
    case simdjson::dom::element_type::BOOL: return value(bool(e));
    case simdjson::dom::element_type::NULL_VALUE: return value();
  }
  return value();
}

void dump_to(std::string& out, const value& v, int indent, int depth);

void newline(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out.push_back('\n');
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

// Length of a valid UTF-8 sequence starting at s[i], or 0 when invalid.
std::size_t utf8_len(std::string_view s, std::size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return 0;
  return n;
}

void dump_to(std::string& out, const value& v, int indent, int depth) {
  switch (v.type()) {
    case value::kind::null: out += "null"; break;
    case value::kind::boolean: out += v.as_bool() ? "true" : "false"; break;
    case value::kind::integer: out += std::to_string(v.as_int()); break;
    case value::kind::number: {
      double d = v.as_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      // Prefer the shortest form that round-trips.
      for (int prec = 1; prec <= 17; ++prec) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", prec, d);
        if (std::strtod(shorter, nullptr) == d) {
          std::snprintf(buf, sizeof buf, "%s", shorter);
          break;
        }
      }
      out += buf;
      break;
    }
    case value::kind::string: append_quoted(out, v.as_string()); break;
    case value::kind::array: {
      const auto& a = v.as_array();
      out.push_back('[');
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out.push_back(',');
        newline(out, indent, depth + 1);
        dump_to(out, a[i], indent, depth + 1);
      }
      if (!a.empty()) newline(out, indent, depth);
      out.push_back(']');
      break;
    }
    case value::kind::object: {
      const auto& o = v.as_object();
      out.push_back('{');
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i) out.push_back(',');
        newline(out, indent, depth + 1);
        append_quoted(out, o[i].first);
        out.push_back(':');
        if (indent > 0) out.push_back(' ');
        dump_to(out, o[i].second, indent, depth + 1);
      }
      if (!o.empty()) newline(out, indent, depth);
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

void append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_len(s, i);
      if (n == 0) {
        out += "\\ufffd";  // invalid UTF-8 byte, replaced as Go's encoding/json does
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

std::optional<value> parse(std::string_view text, std::string* err) {
  // One parser per thread: simdjson parsers are not thread-safe but are reusable.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  simdjson::dom::element root;
  auto ec = parser.parse(padded).get(root);
  if (ec) {
    if (err) *err = simdjson::error_message(ec);
    return std::nullopt;
  }
  return convert(root);
}

std::string dump(const value& v, int indent) {
  std::string out;
  dump_to(out, v, indent, 0);
  return out;
}

}  // namespace fluxaws::json
