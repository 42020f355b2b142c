// A Kustomization's inventory as kustomize-controller keeps it in
// status.inventory.entries: one {id, v} per applied object, where id is
// "<namespace>_<name>_<group>_<kind>" (cli-utils' ObjMetadata: ':' in a name is
// written "__", an empty namespace or group stays empty) and v the API version.
// Plain functions: ids, parsing, the sorted inventory, and what to prune.
//
// Contract: entries are sorted by id and unique; prune_set returns what the old
// inventory has and the new one lacks (by id: an API version change is not a
// removal), ordered so Namespaces and CustomResourceDefinitions are deleted last.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::kube {

struct object_ref {
  std::string ns;
  std::string name;
  std::string group;
  std::string kind;
  friend bool operator==(const object_ref&, const object_ref&) = default;
};

struct inventory_entry {
  std::string id;
  std::string version;
  friend bool operator==(const inventory_entry&, const inventory_entry&) = default;
};

std::string object_id(const object_ref& ref);
std::optional<object_ref> parse_object_id(std::string_view id);

// The entry of a manifest (apiVersion, kind, metadata.name/namespace).
inventory_entry entry_for(const json::value& manifest);

// Sorted, duplicates removed.
std::vector<inventory_entry> normalize(std::vector<inventory_entry> entries);

// status.inventory <-> entries. parse_inventory skips malformed entries.
json::value inventory_json(const std::vector<inventory_entry>& entries);
std::vector<inventory_entry> parse_inventory(const json::value& inventory);

std::vector<inventory_entry> prune_set(const std::vector<inventory_entry>& before,
                                       const std::vector<inventory_entry>& after);

// The apiVersion of an entry ("apps/v1", "v1").
std::string entry_api_version(const inventory_entry& e);

}  // namespace fluxaws::kube
