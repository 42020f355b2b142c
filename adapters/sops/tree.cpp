#include "adapters/sops/tree.hpp"

#include "adapters/sops/scalars.hpp"

namespace fluxaws::sops {

node node::make_string(std::string s) {
  node n;
  n.kind = node_kind::string;
  n.text = std::move(s);
  return n;
}

node node::make_comment(std::string text, bool is_inline) {
  node n;
  n.kind = node_kind::comment;
  n.text = std::move(text);
  n.inline_comment = is_inline;
  return n;
}

const node* find_entry(const node& mapping, std::string_view key) {
  for (const auto& e : mapping.entries)
    if (!e.is_comment() && e.key == key) return &e.value;
  return nullptr;
}

std::string mac_bytes(const node& n) {
  switch (n.kind) {
    case node_kind::boolean: return n.boolean ? "True" : "False";
    case node_kind::integer: return std::to_string(n.integer);
    case node_kind::floating: return gofmt::format_float(n.floating);
    case node_kind::time:
      if (auto t = gofmt::parse_rfc3339(n.text)) return gofmt::format_rfc3339_nano(*t);
      return n.text;
    default: return n.text;
  }
}

std::string_view enc_type_name(const node& n) {
  switch (n.kind) {
    case node_kind::boolean: return "bool";
    case node_kind::integer: return "int";
    case node_kind::floating: return "float";
    case node_kind::time: return "time";
    case node_kind::comment: return "comment";
    default: return "str";  // strings and bytes (SOPS walks []byte as a string)
  }
}

json::value to_json(const node& n) {
  switch (n.kind) {
    case node_kind::null: return json::value();
    case node_kind::boolean: return json::value(n.boolean);
    case node_kind::integer: return json::value(n.integer);
    case node_kind::floating: return json::value(n.floating);
    case node_kind::string:
    case node_kind::bytes:
    case node_kind::time:
    case node_kind::comment: return json::value(n.text);
    case node_kind::mapping: {
      json::object o;
      for (const auto& e : n.entries)
        if (!e.is_comment()) o.emplace_back(e.key, to_json(e.value));
      return json::value(std::move(o));
    }
    case node_kind::sequence: {
      json::array a;
      for (const auto& item : n.items)
        if (!item.is_comment()) a.push_back(to_json(item));
      return json::value(std::move(a));
    }
  }
  return json::value();
}

node from_json(const json::value& v) {
  node n;
  switch (v.type()) {
    case json::value::kind::null: break;
    case json::value::kind::boolean: n.kind = node_kind::boolean, n.boolean = v.as_bool(); break;
    case json::value::kind::integer: n.kind = node_kind::integer, n.integer = v.as_int(); break;
    case json::value::kind::number: n.kind = node_kind::floating, n.floating = v.as_double(); break;
    case json::value::kind::string: n.kind = node_kind::string, n.text = v.as_string(); break;
    case json::value::kind::array:
      n.kind = node_kind::sequence;
      for (const auto& item : v.as_array()) n.items.push_back(from_json(item));
      break;
    case json::value::kind::object:
      n.kind = node_kind::mapping;
      for (const auto& [k, child] : v.as_object()) n.entries.push_back(entry{k, from_json(child)});
      break;
  }
  return n;
}

}  // namespace fluxaws::sops
