#include "actors/imagepolicy_access.hpp"

namespace fluxaws::actors::imagepolicy {

namespace {

// metav1.LabelSelector{MatchLabels} against a label set; an empty selector matches all.
bool selector_matches(const json::value& selector, const json::value* labels) {
  const json::value* match = selector.find("matchLabels");
  if (!match || !match->is_object()) return true;
  for (const auto& [k, v] : match->as_object()) {
    const json::value* have = labels ? labels->find(k) : nullptr;
    if (!have || !have->is_string() || !v.is_string() || have->as_string() != v.as_string()) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> cross_namespace_refusal(const std::string& policy_ns, const kube::object_key& repo,
                                                   bool no_cross_namespace_refs) {
  if (!no_cross_namespace_refs || repo.ns == policy_ns) return std::nullopt;
  return "cannot access '" + repo.kind + "/" + repo.ns + "/" + repo.name +
         "', cross-namespace references have been blocked";
}

std::optional<std::string> access_refusal(const std::string& policy_ns, const kube::object_key& repo,
                                          const json::value& repository_object,
                                          const std::optional<json::value>& policy_namespace) {
  if (repo.ns.empty() || repo.ns == policy_ns) return std::nullopt;
  const json::value* acl = repository_object.at({"spec", "accessFrom"});
  if (!acl || acl->is_null())
    return "'" + repo.ns + "/" + repo.name + "' can't be accessed due to missing ACL labels on 'accessFrom'";
  const json::value* labels = policy_namespace ? policy_namespace->at({"metadata", "labels"}) : nullptr;
  if (const json::value* selectors = acl->find("namespaceSelectors"); selectors && selectors->is_array())
    for (const auto& sel : selectors->as_array())
      if (sel.is_object() && selector_matches(sel, labels)) return std::nullopt;
  return "'" + repo.ns + "/" + repo.name + "' can't be accessed due to ACL labels mismatch on namespace '" +
         policy_ns + "'";
}

}  // namespace fluxaws::actors::imagepolicy
