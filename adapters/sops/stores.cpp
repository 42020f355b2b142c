#include "adapters/sops/stores.hpp"

#include <cmath>
#include <cstdio>

#include "adapters/sops/scalars.hpp"

namespace fluxaws::sops {

namespace {

result<std::vector<node>> one(result<node> r) {
  if (!r) return r.error();
  std::vector<node> v;
  v.push_back(std::move(*r));
  return v;
}

result<const node*> single_branch(format fmt, const std::vector<node>& branches) {
  if (branches.size() != 1)
    return make_error("sops_format", "the " + std::string(format_name(fmt)) + " format holds exactly one document, not " +
                                         std::to_string(branches.size()));
  return &branches[0];
}

}  // namespace

std::string value_to_string(const node& n) {
  switch (n.kind) {
    case node_kind::null: return std::string();
    case node_kind::boolean: return n.boolean ? "true" : "false";
    case node_kind::integer: return std::to_string(n.integer);
    case node_kind::floating: {
      std::string g = gofmt::format_float_g(n.floating);
      if (g.find_first_of(".E") == std::string::npos && std::isfinite(n.floating)) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f", n.floating);
        return buf;
      }
      return g;
    }
    case node_kind::time:
      if (auto t = gofmt::parse_rfc3339(n.text)) return gofmt::format_rfc3339(*t);
      return n.text;
    default: return n.text;
  }
}

result<std::vector<node>> load_plain(format fmt, std::string_view text) {
  switch (fmt) {
    case format::yaml: return load_yaml(text);
    case format::json: return one(load_json(text));
    case format::dotenv: return one(load_dotenv(text));
    case format::ini: return one(load_ini(text));
    case format::binary: {
      node m = node::make_mapping();
      m.entries.push_back(entry{"data", node::make_string(std::string(text))});
      return one(std::move(m));
    }
  }
  return make_error("sops_parse", "unknown format");
}

result<std::vector<node>> load_encrypted(format fmt, std::string_view text) {
  if (fmt == format::binary) return one(load_json(text));
  return load_plain(fmt, text);
}

result<std::string> emit_plain(format fmt, const std::vector<node>& branches) {
  if (fmt == format::yaml) return emit_yaml(branches);
  auto b = single_branch(fmt, branches);
  if (!b) return b.error();
  const node& m = **b;
  switch (fmt) {
    case format::json: return emit_json(m);
    case format::dotenv: return emit_dotenv(m);
    case format::ini: return emit_ini(m);
    case format::binary: {
      const node* data = find_entry(m, "data");
      if (!data) return make_error("sops_format", "no binary data found: the document has no \"data\" key");
      if (data->kind != node_kind::string && data->kind != node_kind::bytes)
        return make_error("sops_format", "the \"data\" key of a binary document does not hold a string");
      return data->text;
    }
    default: break;
  }
  return make_error("sops_format", "unknown format");
}

result<std::string> emit_encrypted(format fmt, const std::vector<node>& branches) {
  if (fmt == format::binary) {
    auto b = single_branch(fmt, branches);
    if (!b) return b.error();
    return emit_json(**b);
  }
  return emit_plain(fmt, branches);
}

}  // namespace fluxaws::sops
