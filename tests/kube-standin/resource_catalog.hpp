// resource_catalog.hpp — which resources the stand-in serves: the built-in ones
// (namespaces, secrets, serviceaccounts + serviceaccounts/token, configmaps, events,
// leases, events.k8s.io events, customresourcedefinitions) and those registered by
// CustomResourceDefinitions (apiextensions.k8s.io/v1) while it runs.
//
// Contract: register_crd() reads a CRD object the way the API server does (names with
// their defaults, scope, served versions, status subresource, printer columns, the
// structural schema for defaulting) and refuses an invalid one with a message naming
// the field. Lookups are by (group, version, plural) or by the storage key
// "<group>/<plural>". Versions are ordered by Kubernetes' version priority (v1 >
// v1beta2 > v1beta1 > v1alpha1), which discovery uses for preferredVersion.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "tests/kube-standin/jsonpath.hpp"

namespace kstand {

struct printer_column {
  std::string name, type, format, description, json_path;
  int priority = 0;
  jsonpath::path compiled;
};

struct served_version {
  std::string name;
  bool storage = false;
  bool status_subresource = false;
  std::vector<printer_column> columns;  // CRD additionalPrinterColumns (empty: Name + Age)
  fluxaws::json::value schema;           // openAPIV3Schema, for defaulting
};

struct resource_type {
  std::string group;  // "" for the core group
  std::string plural, singular, kind, list_kind;
  bool namespaced = true;
  std::vector<std::string> short_names, categories, verbs;
  std::vector<served_version> versions;  // served versions, by priority
  bool custom = false;                   // defined by a CRD
  bool has_generation = false;           // metadata.generation is kept (CRs, CRDs)

  std::string key() const { return group + "/" + plural; }
  // "buckets.source.toolkit.fluxcd.io", or "secrets" for the core group (error messages).
  std::string qualified() const { return group.empty() ? plural : plural + "." + group; }
  std::string api_version(std::string_view version) const {
    return group.empty() ? std::string(version) : group + "/" + std::string(version);
  }
  const served_version* version(std::string_view v) const;
  const served_version& storage_version() const;
};

struct api_group_info {
  std::string name;
  std::vector<std::string> versions;  // by priority; front() is preferred
};

// Kubernetes' version ordering: true when a sorts before (has priority over) b.
bool version_priority_less(std::string_view a, std::string_view b);

class resource_catalog {
 public:
  resource_catalog();  // the built-in resources

  const resource_type* find(std::string_view group, std::string_view version, std::string_view plural) const;
  const resource_type* find_key(std::string_view key) const;

  // Registers (or replaces) the resource a CRD defines.
  fluxaws::result<const resource_type*> register_crd(const fluxaws::json::value& crd);
  void unregister(std::string_view key);

  std::vector<api_group_info> groups() const;  // named groups only (not core)
  std::vector<const resource_type*> resources_in(std::string_view group, std::string_view version) const;
  std::vector<const resource_type*> all() const;

 private:
  std::map<std::string, std::shared_ptr<resource_type>, std::less<>> by_key_;
};

}  // namespace kstand
