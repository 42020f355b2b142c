// The ServiceAccounts and Secrets the object source has seen, indexed by
// namespace/name, and the Namespaces by name (their labels decide cross-namespace
// access through accessFrom.namespaceSelectors). Written by the supervisor as
// changes arrive, read by object actors and the identity registry during reconciles
// (short shared-lock reads; no I/O under the lock). Lookups of Secrets and
// ServiceAccounts are always within one namespace: there is no API to read another
// namespace's Secret by accident.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

class resource_index {
 public:
  // kind is "ServiceAccount", "Secret" or "Namespace"; other kinds are ignored.
  void put(const json::value& obj);
  void remove(const kube::object_key& key);

  std::optional<json::value> service_account(const std::string& ns, const std::string& name) const;
  std::optional<json::value> secret(const std::string& ns, const std::string& name) const;
  // The Namespace object named `name` (cluster-scoped), when the source has one.
  std::optional<json::value> namespace_object(const std::string& name) const;
  // Bumped on every change; lets caches notice rotations cheaply.
  uint64_t version() const;

 private:
  mutable std::shared_mutex mu_;
  std::map<std::pair<std::string, std::string>, json::value> service_accounts_;
  std::map<std::pair<std::string, std::string>, json::value> secrets_;
  std::map<std::string, json::value, std::less<>> namespaces_;
  uint64_t version_ = 0;
};

}  // namespace fluxaws::actors
