#include "adapters/kube/inventory.hpp"

#include <algorithm>
#include <set>

#include "adapters/common/strings.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

std::string object_id(const object_ref& ref) {
  return ref.ns + "_" + str::replace_all(ref.name, ":", "__") + "_" + ref.group + "_" + ref.kind;
}

std::optional<object_ref> parse_object_id(std::string_view id) {
  // As cli-utils parses it: namespace up to the first '_', kind after the last, group
  // after the last remaining one; the rest is the name with "__" meaning ':'.
  auto first = id.find('_');
  if (first == std::string_view::npos) return std::nullopt;
  object_ref r;
  r.ns = std::string(id.substr(0, first));
  std::string_view rest = id.substr(first + 1);
  auto last = rest.rfind('_');
  if (last == std::string_view::npos) return std::nullopt;
  r.kind = std::string(rest.substr(last + 1));
  rest = rest.substr(0, last);
  auto g = rest.rfind('_');
  if (g == std::string_view::npos) return std::nullopt;
  r.group = std::string(rest.substr(g + 1));
  r.name = str::replace_all(rest.substr(0, g), "__", ":");
  if (r.name.empty() || r.kind.empty()) return std::nullopt;
  return r;
}

inventory_entry entry_for(const json::value& manifest) {
  auto api = api_version_of(manifest);
  object_ref ref{std::string(namespace_of(manifest)), std::string(name_of(manifest)), std::string(api_group(api)),
                 std::string(kind_of(manifest))};
  auto slash = api.find('/');
  std::string version(slash == std::string_view::npos ? api : api.substr(slash + 1));
  return inventory_entry{object_id(ref), version};
}

std::vector<inventory_entry> normalize(std::vector<inventory_entry> entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  entries.erase(std::unique(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id == b.id; }),
                entries.end());
  return entries;
}

json::value inventory_json(const std::vector<inventory_entry>& entries) {
  json::value arr = json::value::make_array();
  for (const auto& e : normalize(entries)) {
    json::value o = json::value::make_object();
    o.set("id", e.id);
    o.set("v", e.version);
    arr.push_back(std::move(o));
  }
  json::value inv = json::value::make_object();
  inv.set("entries", std::move(arr));
  return inv;
}

std::vector<inventory_entry> parse_inventory(const json::value& inventory) {
  std::vector<inventory_entry> out;
  const json::value* entries = inventory.find("entries");
  if (!entries) return out;
  for (const auto& e : entries->as_array()) {
    const json::value* id = e.find("id");
    const json::value* v = e.find("v");
    if (!id || !id->is_string() || !parse_object_id(id->as_string())) continue;
    out.push_back({id->as_string(), v && v->is_string() ? v->as_string() : std::string()});
  }
  return normalize(std::move(out));
}

std::vector<inventory_entry> prune_set(const std::vector<inventory_entry>& before,
                                       const std::vector<inventory_entry>& after) {
  std::set<std::string> keep;
  for (const auto& e : after) keep.insert(e.id);
  std::vector<inventory_entry> out;
  for (const auto& e : normalize(before))
    if (!keep.count(e.id)) out.push_back(e);
  auto rank = [](const inventory_entry& e) {
    auto r = parse_object_id(e.id);
    if (!r) return 0;
    if (r->kind == "CustomResourceDefinition") return 2;
    if (r->kind == "Namespace" && r->group.empty()) return 3;
    return 1;
  };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return out;
}

std::string entry_api_version(const inventory_entry& e) {
  auto r = parse_object_id(e.id);
  if (!r || r->group.empty()) return e.version;
  return r->group + "/" + e.version;
}

}  // namespace fluxaws::kube
