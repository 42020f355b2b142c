// The JSON store (and the binary store's JSON envelope). Reading goes through the
// project's simdjson-backed json::value, which keeps member order and integer vs
// float; writing follows Go's encoding/json + json.Indent with a tab, as SOPS does,
// except that an integral float keeps a ".0" so that its type survives.
#include <cmath>
#include <cstdio>

#include "adapters/common/json.hpp"
#include "adapters/sops/scalars.hpp"
#include "adapters/sops/stores.hpp"

namespace fluxaws::sops {

namespace {

// Go's encoding/json string escaping (HTML-safe, invalid UTF-8 → U+FFFD).
void go_quote(std::string& out, std::string_view s) {
  static const char* const hex = "0123456789abcdef";
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '<':
        case '>':
        case '&':
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 0xF];
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    std::size_t n = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    uint32_t cp = n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; ok && k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) ok = false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
               (cp >= 0xD800 && cp <= 0xDFFF)))
      ok = false;
    if (!ok) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    if (cp == 0x2028 || cp == 0x2029) {
      out += cp == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  out += '"';
}

status write(std::string& out, const node& n, int depth) {
  auto tabs = [&](int d) { out.append(static_cast<std::size_t>(d), '\t'); };
  switch (n.kind) {
    case node_kind::null: out += "null"; return {};
    case node_kind::boolean: out += n.boolean ? "true" : "false"; return {};
    case node_kind::integer: out += std::to_string(n.integer); return {};
    case node_kind::floating: {
      if (!std::isfinite(n.floating))
        return make_error("sops_format", "JSON cannot hold NaN or an infinite number");
      std::string s = gofmt::format_json_float(n.floating);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      out += s;
      return {};
    }
    case node_kind::mapping: {
      std::vector<const entry*> es;
      for (const auto& e : n.entries)
        if (!e.is_comment()) es.push_back(&e);
      if (es.empty()) {
        out += "{}";
        return {};
      }
      out += "{\n";
      for (std::size_t i = 0; i < es.size(); ++i) {
        tabs(depth + 1);
        go_quote(out, es[i]->key);
        out += ": ";
        if (auto s = write(out, es[i]->value, depth + 1); !s) return s;
        out += i + 1 < es.size() ? ",\n" : "\n";
      }
      tabs(depth);
      out += '}';
      return {};
    }
    case node_kind::sequence: {
      std::vector<const node*> items;
      for (const auto& item : n.items)
        if (!item.is_comment()) items.push_back(&item);
      if (items.empty()) {
        out += "[]";
        return {};
      }
      out += "[\n";
      for (std::size_t i = 0; i < items.size(); ++i) {
        tabs(depth + 1);
        if (auto s = write(out, *items[i], depth + 1); !s) return s;
        out += i + 1 < items.size() ? ",\n" : "\n";
      }
      tabs(depth);
      out += ']';
      return {};
    }
    default: go_quote(out, n.text); return {};
  }
}

}  // namespace

result<node> load_json(std::string_view text) {
  std::string err;
  auto v = json::parse(text, &err);
  if (!v) return make_error("sops_parse", "invalid JSON: " + err);
  if (!v->is_object())
    return make_error("sops_parse", "SOPS only supports JSON documents with a top-level object");
  return from_json(*v);
}

result<std::string> emit_json(const node& mapping) {
  std::string out;
  if (auto s = write(out, mapping, 0); !s) return s.error();
  out += '\n';
  return out;
}

}  // namespace fluxaws::sops
