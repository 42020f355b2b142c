#include "adapters/common/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <cctype>
#include <sstream>

namespace fluxaws::yamljson {

namespace {

// Anchors make a small document expand into a huge tree ("billion laughs"); refuse
// anything that converts into more nodes than a manifest can reasonably hold.
constexpr std::size_t kMaxNodes = 2'000'000;
constexpr int kMaxDepth = 200;

struct limits_exceeded : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_null_word(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// Kubernetes reads manifests with go-yaml v2 (YAML 1.1 booleans).
std::optional<bool> bool_word(const std::string& s) {
  static const char* const yes[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* const no[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (auto w : yes)
    if (s == w) return true;
  for (auto w : no)
    if (s == w) return false;
  return std::nullopt;
}

bool digits_or_underscores(std::string_view s, bool hex, bool octal) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c == '_') continue;
    if (hex && std::isxdigit(static_cast<unsigned char>(c))) continue;
    if (octal && c >= '0' && c <= '7') continue;
    if (!hex && !octal && std::isdigit(static_cast<unsigned char>(c))) continue;
    return false;
  }
  return true;
}

// [-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o?[0-7_]+)
std::optional<int64_t> int_word(const std::string& s) {
  std::string_view v = s;
  bool neg = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    neg = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  std::string_view digits = v;
  if (v == "0") {
    digits = v;
  } else if (v.size() > 2 && v[0] == '0' && v[1] == 'x') {
    base = 16;
    digits = v.substr(2);
    if (!digits_or_underscores(digits, true, false)) return std::nullopt;
  } else if (v.size() > 2 && v[0] == '0' && v[1] == 'o') {
    base = 8;
    digits = v.substr(2);
    if (!digits_or_underscores(digits, false, true)) return std::nullopt;
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;
    digits = v.substr(1);
    if (!digits_or_underscores(digits, false, true)) return std::nullopt;
  } else if (v.empty() || v[0] < '1' || v[0] > '9' || !digits_or_underscores(v, false, false)) {
    return std::nullopt;
  }
  std::string clean;
  for (char c : digits)
    if (c != '_') clean.push_back(c);
  if (clean.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(clean.c_str(), &end, base);
  if (errno != 0 || end == clean.c_str() || *end != '\0') return std::nullopt;
  return neg ? -n : n;
}

// [-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?, .inf, .nan
std::optional<double> float_word(const std::string& s) {
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF")
    return std::numeric_limits<double>::infinity();
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  std::size_t i = 0;
  auto digit = [&](std::size_t k) { return k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])); };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return std::nullopt;
    while (digit(i)) ++i;
  } else {
    if (!digit(i)) return std::nullopt;
    ++i;
    while (digit(i) || (i < s.size() && s[i] == '_')) ++i;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (digit(i) || (i < s.size() && s[i] == '_')) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digit(i)) return std::nullopt;
    while (digit(i)) ++i;
  }
  if (i != s.size()) return std::nullopt;
  std::string clean;
  for (char c : s)
    if (c != '_') clean.push_back(c);
  return std::strtod(clean.c_str(), nullptr);
}

json::value scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  const std::string& tag = node.Tag();
  if (tag == "!" || tag == "tag:yaml.org,2002:str") return json::value(text);
  if (tag == "tag:yaml.org,2002:null") return json::value();
  if (tag == "tag:yaml.org,2002:bool") {
    if (auto b = bool_word(text)) return json::value(*b);
    return json::value(text);
  }
  if (tag == "tag:yaml.org,2002:int") {
    if (auto i = int_word(text)) return json::value(*i);
    return json::value(text);
  }
  if (tag == "tag:yaml.org,2002:float") {
    if (auto f = float_word(text)) return json::value(*f);
    return json::value(text);
  }
  if (tag != "?" && !tag.empty()) return json::value(text);  // other explicit tags: keep the text
  if (is_null_word(text)) return json::value();
  if (auto b = bool_word(text)) return json::value(*b);
  if (auto i = int_word(text)) return json::value(*i);
  if (auto f = float_word(text)) return json::value(*f);
  return json::value(text);
}

json::value convert(const YAML::Node& node, std::size_t& budget, int depth) {
  if (budget-- == 0) throw limits_exceeded("document expands to too many nodes (alias bomb?)");
  if (depth > kMaxDepth) throw limits_exceeded("document nests too deeply");
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return json::value();
    case YAML::NodeType::Scalar: return scalar(node);
    case YAML::NodeType::Sequence: {
      json::array out;
      out.reserve(node.size());
      for (const auto& child : node) out.push_back(convert(child, budget, depth + 1));
      return json::value(std::move(out));
    }
    case YAML::NodeType::Map: {
      json::object out;
      out.reserve(node.size());
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        // A repeated key: the last one wins, as in go-yaml's conversion to JSON.
        bool replaced = false;
        for (auto& [k, v] : out) {
          if (k == key) {
            v = convert(kv.second, budget, depth + 1);
            replaced = true;
            break;
          }
        }
        if (!replaced) out.emplace_back(std::move(key), convert(kv.second, budget, depth + 1));
      }
      return json::value(std::move(out));
    }
  }
  return json::value();
}

error_info yaml_error(const std::exception& e) {
  if (auto* pe = dynamic_cast<const YAML::Exception*>(&e)) {
    std::string msg = pe->msg;
    if (!pe->mark.is_null())
      msg = "line " + std::to_string(pe->mark.line + 1) + ", column " + std::to_string(pe->mark.column + 1) + ": " + msg;
    return make_error("yaml", msg);
  }
  return make_error("yaml", e.what());
}

bool needs_quotes(const std::string& s) {
  if (is_null_word(s) || bool_word(s) || int_word(s) || float_word(s)) return true;
  return false;
}

void emit(YAML::Emitter& out, const json::value& v) {
  switch (v.type()) {
    case json::value::kind::null: out << YAML::Null; break;
    case json::value::kind::boolean: out << (v.as_bool() ? "true" : "false"); break;
    case json::value::kind::integer: out << v.as_int(); break;
    case json::value::kind::number: out << json::dump(v); break;
    case json::value::kind::string: {
      const auto& s = v.as_string();
      // Multi-line strings are double-quoted: a literal block would change their
      // trailing newlines (yaml-cpp writes no chomping indicator).
      if (needs_quotes(s) || s.find('\n') != std::string::npos)
        out << YAML::DoubleQuoted << s;
      else
        out << s;
      break;
    }
    case json::value::kind::array:
      out << YAML::BeginSeq;
      for (const auto& e : v.as_array()) emit(out, e);
      out << YAML::EndSeq;
      break;
    case json::value::kind::object:
      out << YAML::BeginMap;
      for (const auto& [k, e] : v.as_object()) {
        out << YAML::Key;
        if (needs_quotes(k))
          out << YAML::DoubleQuoted << k;
        else
          out << k;
        out << YAML::Value;
        emit(out, e);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

json::value from_node(const YAML::Node& node) {
  std::size_t budget = kMaxNodes;
  return convert(node, budget, 0);
}

result<json::value> parse_yaml(std::string_view text) {
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return from_node(node);
  } catch (const std::exception& e) {
    return yaml_error(e);
  }
}

result<std::vector<json::value>> parse_yaml_all(std::string_view text) {
  try {
    std::vector<json::value> out;
    for (const auto& node : YAML::LoadAll(std::string(text))) {
      if (!node || node.IsNull()) continue;
      out.push_back(from_node(node));
    }
    return out;
  } catch (const std::exception& e) {
    return yaml_error(e);
  }
}

std::string to_yaml(const json::value& v) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, v);
  std::string s = out.c_str();
  if (!s.empty() && s.back() != '\n') s.push_back('\n');
  return s;
}

}  // namespace fluxaws::yamljson
