#include "tests/kube-standin/resource_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>

#include "adapters/common/strings.hpp"

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

namespace {

const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};

// v<major>[(alpha|beta)<minor>]: GA=2, beta=1, alpha=0; anything else is "other".
struct parsed_version {
  bool kube = false;
  int major = 0, level = 2, minor = 0;
};

parsed_version parse_version(std::string_view v) {
  parsed_version p;
  if (v.size() < 2 || v[0] != 'v' || !std::isdigit(static_cast<unsigned char>(v[1]))) return p;
  std::size_t i = 1;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) p.major = p.major * 10 + (v[i++] - '0');
  if (i == v.size()) {
    p.kube = true;
    return p;
  }
  auto rest = v.substr(i);
  std::size_t skip = 0;
  if (fluxaws::str::starts_with(rest, "alpha")) p.level = 0, skip = 5;
  else if (fluxaws::str::starts_with(rest, "beta")) p.level = 1, skip = 4;
  else return p;
  rest.remove_prefix(skip);
  if (rest.empty()) return p;
  for (char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return p;
    p.minor = p.minor * 10 + (c - '0');
  }
  p.kube = true;
  return p;
}

resource_type builtin(std::string group, std::string version, std::string plural, std::string singular,
                      std::string kind, bool namespaced, std::vector<std::string> short_names = {}) {
  resource_type r;
  r.group = std::move(group);
  r.plural = std::move(plural);
  r.singular = std::move(singular);
  r.kind = kind;
  r.list_kind = kind + "List";
  r.namespaced = namespaced;
  r.short_names = std::move(short_names);
  r.verbs = kAllVerbs;
  served_version sv;
  sv.name = std::move(version);
  sv.storage = true;
  r.versions.push_back(std::move(sv));
  return r;
}

std::vector<std::string> strings_of(const value* v) {
  std::vector<std::string> out;
  if (v)
    for (const auto& e : v->as_array())
      if (e.is_string()) out.push_back(e.as_string());
  return out;
}

}  // namespace

bool version_priority_less(std::string_view a, std::string_view b) {
  auto pa = parse_version(a), pb = parse_version(b);
  if (pa.kube != pb.kube) return pa.kube;
  if (!pa.kube) return a < b;
  // Higher level first (GA, beta, alpha), then higher major, then higher minor.
  return std::make_tuple(-pa.level, -pa.major, -pa.minor) < std::make_tuple(-pb.level, -pb.major, -pb.minor);
}

const served_version* resource_type::version(std::string_view v) const {
  for (const auto& sv : versions)
    if (sv.name == v) return &sv;
  return nullptr;
}

const served_version& resource_type::storage_version() const {
  for (const auto& sv : versions)
    if (sv.storage) return sv;
  return versions.front();
}

resource_catalog::resource_catalog() {
  std::vector<resource_type> b;
  b.push_back(builtin("", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}));
  b.push_back(builtin("", "v1", "secrets", "secret", "Secret", true));
  b.push_back(builtin("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}));
  b.push_back(builtin("", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}));
  b.push_back(builtin("", "v1", "events", "event", "Event", true, {"ev"}));
  b.push_back(builtin("coordination.k8s.io", "v1", "leases", "lease", "Lease", true));
  b.push_back(builtin("events.k8s.io", "v1", "events", "event", "Event", true, {"ev"}));
  auto crd = builtin("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
                     "CustomResourceDefinition", false, {"crd", "crds"});
  crd.categories = {"api-extensions"};
  crd.versions.front().status_subresource = true;
  crd.has_generation = true;
  b.push_back(std::move(crd));
  for (auto& r : b) {
    auto key = r.key();
    by_key_[key] = std::make_shared<resource_type>(std::move(r));
  }
}

const resource_type* resource_catalog::find(std::string_view group, std::string_view version,
                                            std::string_view plural) const {
  auto it = by_key_.find(std::string(group) + "/" + std::string(plural));
  if (it == by_key_.end() || !it->second->version(version)) return nullptr;
  return it->second.get();
}

const resource_type* resource_catalog::find_key(std::string_view key) const {
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : it->second.get();
}

fluxaws::result<const resource_type*> resource_catalog::register_crd(const value& crd) {
  const std::string name = crd.at({"metadata", "name"}) ? crd.at({"metadata", "name"})->as_string() : "";
  auto bad = [&](const std::string& why) {
    return make_error("Invalid", "CustomResourceDefinition.apiextensions.k8s.io \"" + name + "\" is invalid: " + why, 422);
  };
  const value* spec = crd.find("spec");
  if (!spec || !spec->is_object()) return bad("spec: Required value");
  auto r = std::make_shared<resource_type>();
  r->custom = true;
  r->has_generation = true;
  r->verbs = kAllVerbs;
  r->group = spec->find("group") ? spec->find("group")->as_string() : "";
  if (r->group.empty() || r->group.find('.') == std::string::npos)
    return bad("spec.group: Invalid value: \"" + r->group + "\": should be a domain with at least one dot");
  const value* names = spec->find("names");
  if (!names || !names->is_object()) return bad("spec.names: Required value");
  r->plural = names->find("plural") ? names->find("plural")->as_string() : "";
  r->kind = names->find("kind") ? names->find("kind")->as_string() : "";
  if (r->plural.empty()) return bad("spec.names.plural: Required value");
  if (r->kind.empty()) return bad("spec.names.kind: Required value");
  if (r->plural != fluxaws::str::to_lower(r->plural)) return bad("spec.names.plural: must be lower case");
  r->singular = names->find("singular") ? names->find("singular")->as_string() : fluxaws::str::to_lower(r->kind);
  if (r->singular.empty()) r->singular = fluxaws::str::to_lower(r->kind);
  r->list_kind = names->find("listKind") ? names->find("listKind")->as_string() : r->kind + "List";
  if (r->list_kind.empty()) r->list_kind = r->kind + "List";
  r->short_names = strings_of(names->find("shortNames"));
  r->categories = strings_of(names->find("categories"));
  if (name != r->plural + "." + r->group)
    return bad("metadata.name: Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group");
  const std::string scope = spec->find("scope") ? spec->find("scope")->as_string() : "";
  if (scope != "Namespaced" && scope != "Cluster")
    return bad("spec.scope: Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"");
  r->namespaced = scope == "Namespaced";
  const value* versions = spec->find("versions");
  if (!versions || versions->as_array().empty()) return bad("spec.versions: Invalid value: must have exactly one version marked as storage version");
  int storage = 0;
  std::vector<served_version> served;
  for (const auto& v : versions->as_array()) {
    served_version sv;
    sv.name = v.find("name") ? v.find("name")->as_string() : "";
    if (sv.name.empty()) return bad("spec.versions.name: Required value");
    sv.storage = v.find("storage") && v.find("storage")->as_bool();
    if (sv.storage) ++storage;
    sv.status_subresource = v.at({"subresources", "status"}) != nullptr;
    if (const value* s = v.at({"schema", "openAPIV3Schema"})) sv.schema = *s;
    if (const value* cols = v.find("additionalPrinterColumns")) {
      for (const auto& c : cols->as_array()) {
        printer_column pc;
        pc.name = c.find("name") ? c.find("name")->as_string() : "";
        pc.type = c.find("type") ? c.find("type")->as_string() : "string";
        pc.format = c.find("format") ? c.find("format")->as_string() : "";
        pc.description = c.find("description") ? c.find("description")->as_string() : "";
        pc.json_path = c.find("jsonPath") ? c.find("jsonPath")->as_string() : "";
        pc.priority = c.find("priority") ? static_cast<int>(c.find("priority")->as_int()) : 0;
        auto compiled = jsonpath::compile(pc.json_path);
        if (!compiled)
          return bad("spec.versions[" + sv.name + "].additionalPrinterColumns[" + pc.name + "].jsonPath: " +
                     compiled.error().message);
        pc.compiled = std::move(compiled.value());
        sv.columns.push_back(std::move(pc));
      }
    }
    if (v.find("served") && v.find("served")->as_bool()) served.push_back(std::move(sv));
  }
  if (storage != 1) return bad("spec.versions: Invalid value: must have exactly one version marked as storage version");
  if (served.empty()) return bad("spec.versions: Invalid value: at least one version must be served");
  // Objects are written in the storage version; when that one is not served, the
  // stand-in keeps them in the first served one (it does no conversion).
  if (std::none_of(served.begin(), served.end(), [](const served_version& s) { return s.storage; }))
    served.front().storage = true;
  std::stable_sort(served.begin(), served.end(),
                   [](const served_version& a, const served_version& b) { return version_priority_less(a.name, b.name); });
  r->versions = std::move(served);
  auto key = r->key();
  by_key_[key] = r;
  return static_cast<const resource_type*>(r.get());
}

void resource_catalog::unregister(std::string_view key) {
  auto it = by_key_.find(key);
  if (it != by_key_.end() && it->second->custom) by_key_.erase(it);
}

std::vector<api_group_info> resource_catalog::groups() const {
  std::map<std::string, std::set<std::string>> g;
  for (const auto& [k, r] : by_key_) {
    if (r->group.empty()) continue;
    for (const auto& v : r->versions) g[r->group].insert(v.name);
  }
  std::vector<api_group_info> out;
  for (auto& [name, vs] : g) {
    api_group_info info;
    info.name = name;
    info.versions.assign(vs.begin(), vs.end());
    std::sort(info.versions.begin(), info.versions.end(),
              [](const std::string& a, const std::string& b) { return version_priority_less(a, b); });
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<const resource_type*> resource_catalog::resources_in(std::string_view group, std::string_view version) const {
  std::vector<const resource_type*> out;
  for (const auto& [k, r] : by_key_)
    if (r->group == group && r->version(version)) out.push_back(r.get());
  return out;
}

std::vector<const resource_type*> resource_catalog::all() const {
  std::vector<const resource_type*> out;
  for (const auto& [k, r] : by_key_) out.push_back(r.get());
  return out;
}

}  // namespace kstand
