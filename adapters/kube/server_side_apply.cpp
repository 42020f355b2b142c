#include "adapters/kube/server_side_apply.hpp"

#include "adapters/common/encoding.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

std::string discovery_path(std::string_view api_version) {
  if (api_version.find('/') == std::string_view::npos) return "/api/" + std::string(api_version);
  return "/apis/" + std::string(api_version);
}

result<std::map<std::string, api_resource>> parse_resource_list(std::string_view api_version, const json::value& list) {
  const json::value* resources = list.find("resources");
  if (!resources || !resources->is_array())
    return make_error("discovery", "the API resource list of " + std::string(api_version) + " has no resources");
  std::map<std::string, api_resource> out;
  std::string group(api_group(api_version));
  auto slash = api_version.find('/');
  std::string version(slash == std::string_view::npos ? api_version : api_version.substr(slash + 1));
  for (const auto& r : resources->as_array()) {
    const json::value* name = r.find("name");
    const json::value* kind = r.find("kind");
    if (!name || !kind || !name->is_string() || !kind->is_string()) continue;
    if (name->as_string().find('/') != std::string::npos) continue;  // a subresource
    const json::value* ns = r.find("namespaced");
    out.emplace(kind->as_string(), api_resource{group, version, kind->as_string(), name->as_string(),
                                                ns ? ns->as_bool() : false});
  }
  return out;
}

std::string apply_path(const api_resource& r, std::string_view ns, std::string_view name,
                       std::string_view field_manager, bool force) {
  std::string p = object_path(r, ns, name);
  p += "?fieldManager=" + enc::uri_encode(field_manager);
  if (force) p += "&force=true";
  return p;
}

int apply_stage(const json::value& manifest) {
  auto kind = kind_of(manifest);
  auto group = api_group(api_version_of(manifest));
  if (kind == "CustomResourceDefinition" && group == "apiextensions.k8s.io") return 0;
  if (kind == "Namespace" && group.empty()) return 0;
  return 1;
}

void add_owner_labels(json::value& manifest, std::string_view owner_name, std::string_view owner_namespace) {
  json::value& labels = manifest["metadata"]["labels"];
  labels.set("kustomize.toolkit.fluxcd.io/name", std::string(owner_name));
  labels.set("kustomize.toolkit.fluxcd.io/namespace", std::string(owner_namespace));
}

bool prune_disabled(const json::value& live_object) {
  return annotation(live_object, "kustomize.toolkit.fluxcd.io/prune") == "disabled";
}

std::string delete_body() { return R"({"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Background"})"; }

}  // namespace fluxaws::kube
