#include "adapters/sops/flatten.hpp"

#include <map>
#include <memory>
#include <set>
#include <variant>
#include <vector>

namespace fluxaws::sops {

namespace {

constexpr std::string_view kMap = "__map_";
constexpr std::string_view kList = "__list_";

error_info flatten_error(std::string msg) { return make_error("sops_metadata", std::move(msg)); }

status flatten_value(const node& v, const std::string& key, node& out, std::set<std::string>& seen);

status flatten_map(const node& m, const std::string& prefix, node& out, std::set<std::string>& seen) {
  for (const auto& e : m.entries) {
    if (e.is_comment()) continue;
    if (auto s = flatten_value(e.value, prefix + e.key, out, seen); !s) return s;
  }
  return {};
}

status flatten_value(const node& v, const std::string& key, node& out, std::set<std::string>& seen) {
  if (v.kind == node_kind::mapping) return flatten_map(v, key + std::string(kMap), out, seen);
  if (v.kind == node_kind::sequence) {
    std::size_t i = 0;
    for (const auto& item : v.items) {
      if (item.is_comment()) continue;
      if (auto s = flatten_value(item, key + std::string(kList) + std::to_string(i), out, seen); !s) return s;
      ++i;
    }
    return {};
  }
  if (!seen.insert(key).second) return flatten_error("key collision \"" + key + "\" while flattening metadata");
  out.entries.push_back(entry{key, v});
  return {};
}

// A path token: a mapping key or a list position.
using token = std::variant<std::string, std::size_t>;

std::vector<token> tokenize(std::string_view path) {
  std::vector<token> out;
  enum { normal, in_map, in_list } state = normal;
  std::size_t last = 0, i = 0;
  auto finish = [&] {
    switch (state) {
      case normal: out.emplace_back(std::string(path.substr(last, i - last))); break;
      case in_map: out.emplace_back(std::string(path.substr(last + kMap.size(), i - last - kMap.size()))); break;
      case in_list: {
        std::size_t pos = 0;
        for (char c : path.substr(last + kList.size(), i - last - kList.size())) {
          if (c < '0' || c > '9') { pos = 0; break; }  // Go's Atoi error gives 0
          pos = pos * 10 + static_cast<std::size_t>(c - '0');
          if (pos > 1'000'000) break;
        }
        out.emplace_back(pos);
        break;
      }
    }
    last = i;
  };
  while (i < path.size()) {
    if (path.substr(i, kMap.size()) == kMap) {
      finish();
      state = in_map;
      i += kMap.size();
    } else if (path.substr(i, kList.size()) == kList) {
      finish();
      state = in_list;
      i += kList.size();
    } else {
      ++i;
    }
  }
  finish();
  return out;
}

struct trie {
  const node* value = nullptr;
  std::map<std::string, std::unique_ptr<trie>> keys;
  std::map<std::size_t, std::unique_ptr<trie>> indices;
};

result<node> convert(const trie& t) {
  int kinds = (t.value ? 1 : 0) + (t.keys.empty() ? 0 : 1) + (t.indices.empty() ? 0 : 1);
  if (kinds > 1) return flatten_error("metadata keys mix a value, a mapping and a list at one path");
  if (t.value) return *t.value;
  if (!t.indices.empty()) {
    node seq = node::make_sequence();
    std::size_t expect = 0;
    for (const auto& [pos, child] : t.indices) {
      if (pos != expect++) return flatten_error("metadata list is incomplete");
      auto v = convert(*child);
      if (!v) return v.error();
      seq.items.push_back(std::move(*v));
    }
    return seq;
  }
  node m = node::make_mapping();
  for (const auto& [key, child] : t.keys) {
    auto v = convert(*child);
    if (!v) return v.error();
    m.entries.push_back(entry{key, std::move(*v)});
  }
  return m;
}

}  // namespace

result<node> flatten_mapping(const node& mapping, std::string_view prefix) {
  node out = node::make_mapping();
  std::set<std::string> seen;
  if (auto s = flatten_map(mapping, std::string(prefix), out, seen); !s) return s.error();
  return out;
}

result<node> unflatten_mapping(const node& flat) {
  trie root;
  for (const auto& e : flat.entries) {
    if (e.is_comment()) continue;
    trie* cur = &root;
    for (const auto& tok : tokenize(e.key)) {
      if (auto* k = std::get_if<std::string>(&tok)) {
        auto& slot = cur->keys[*k];
        if (!slot) slot = std::make_unique<trie>();
        cur = slot.get();
      } else {
        auto& slot = cur->indices[std::get<std::size_t>(tok)];
        if (!slot) slot = std::make_unique<trie>();
        cur = slot.get();
      }
    }
    if (cur->value) return flatten_error("duplicate metadata key \"" + e.key + "\"");
    cur->value = &e.value;
  }
  return convert(root);
}

}  // namespace fluxaws::sops
