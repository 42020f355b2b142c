// What `fluxaws get` prints, as `flux get` prints it: NAMESPACE, NAME, REVISION,
// SUSPENDED, READY, MESSAGE per object (tab-aligned), or a Kubernetes List in JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::runtime {

// "all", "buckets", "ocirepositories", "imagerepositories", "imagepolicies",
// "kustomizations" (singular and short forms accepted) -> kind, or "" for all.
std::optional<std::string> kind_for_get_argument(std::string_view arg);

// The REVISION column of an object, per kind.
std::string revision_of(const json::value& obj);

// Renders objects as an aligned table; with_kind prefixes names with "<kind>/" (get all).
std::string render_table(const std::vector<json::value>& objects, bool with_kind);

// A Kubernetes List (apiVersion v1, kind List, items).
std::string render_list_json(const std::vector<json::value>& objects);

}  // namespace fluxaws::runtime
