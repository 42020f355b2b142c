// Server-side apply for a Kustomization's resources, as plain functions: API
// discovery answers (which plural and scope a kind has), the apply request
// (PATCH .../<plural>/<name>?fieldManager=fluxaws&force=true with
// application/apply-patch+yaml; JSON is YAML), the order of application
// (CustomResourceDefinitions and Namespaces before everything else, as
// kustomize-controller stages them), the ownership labels kustomize-controller puts
// on what it applies, and the prune deletion body.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/api_resource.hpp"

namespace fluxaws::kube {

// "/api/v1" or "/apis/<group>/<version>" for an apiVersion.
std::string discovery_path(std::string_view api_version);

// kind -> resource, from an APIResourceList (subresources skipped).
result<std::map<std::string, api_resource>> parse_resource_list(std::string_view api_version, const json::value& list);

std::string apply_path(const api_resource& r, std::string_view ns, std::string_view name,
                       std::string_view field_manager, bool force);

// 0: CustomResourceDefinition and Namespace; 1: everything else.
int apply_stage(const json::value& manifest);

// Adds kustomize.toolkit.fluxcd.io/name and /namespace labels naming the owner.
void add_owner_labels(json::value& manifest, std::string_view owner_name, std::string_view owner_namespace);

// The prune annotation that keeps an object: kustomize.toolkit.fluxcd.io/prune: disabled.
bool prune_disabled(const json::value& live_object);

// {"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Background"}
std::string delete_body();

}  // namespace fluxaws::kube
