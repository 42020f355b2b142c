#include "actors/resource_index.hpp"

#include <mutex>

namespace fluxaws::actors {

void resource_index::put(const json::value& obj) {
  auto kind = kube::kind_of(obj);
  std::pair<std::string, std::string> key{std::string(kube::namespace_of(obj)), std::string(kube::name_of(obj))};
  std::unique_lock lock(mu_);
  if (kind == "ServiceAccount")
    service_accounts_[key] = obj;
  else if (kind == "Secret")
    secrets_[key] = obj;
  else if (kind == "Namespace")
    namespaces_[key.second] = obj;
  else
    return;
  ++version_;
}

void resource_index::remove(const kube::object_key& key) {
  std::pair<std::string, std::string> k{key.ns, key.name};
  std::unique_lock lock(mu_);
  if (key.kind == "ServiceAccount")
    service_accounts_.erase(k);
  else if (key.kind == "Secret")
    secrets_.erase(k);
  else if (key.kind == "Namespace")
    namespaces_.erase(key.name);
  else
    return;
  ++version_;
}

std::optional<json::value> resource_index::service_account(const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = service_accounts_.find({ns, name});
  if (it == service_accounts_.end()) return std::nullopt;
  return it->second;
}

std::optional<json::value> resource_index::secret(const std::string& ns, const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = secrets_.find({ns, name});
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}

std::optional<json::value> resource_index::namespace_object(const std::string& name) const {
  std::shared_lock lock(mu_);
  auto it = namespaces_.find(name);
  if (it == namespaces_.end()) return std::nullopt;
  return it->second;
}

uint64_t resource_index::version() const {
  std::shared_lock lock(mu_);
  return version_;
}

}  // namespace fluxaws::actors
