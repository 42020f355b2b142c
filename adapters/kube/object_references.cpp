#include "adapters/kube/object_references.hpp"

#include <algorithm>

namespace fluxaws::kube {

namespace {
void add(std::vector<object_key>& out, std::string_view kind, const std::string& ns, const json::value* name) {
  if (!name || !name->is_string() || name->as_string().empty()) return;
  out.push_back(object_key{std::string(kind), ns, name->as_string()});
}
}  // namespace

std::vector<object_key> references_of(const json::value& obj, const std::vector<std::string>& default_sas) {
  std::vector<object_key> out;
  auto kind = kind_of(obj);
  std::string ns(namespace_of(obj));
  if (kind == "ServiceAccount") {
    if (const json::value* pulls = obj.find("imagePullSecrets"))
      for (const auto& p : pulls->as_array()) add(out, "Secret", ns, p.find("name"));
  } else if (kind == "Secret") {
    // Secrets reference nothing.
  } else if (const json::value* spec = obj.find("spec"); spec && spec->is_object()) {
    for (auto field : {"secretRef", "certSecretRef", "proxySecretRef"})
      if (const json::value* ref = spec->find(field)) add(out, "Secret", ns, ref->find("name"));
    add(out, "Secret", ns, spec->at({"verify", "secretRef", "name"}));
    add(out, "Secret", ns, spec->at({"decryption", "secretRef", "name"}));
    add(out, "Secret", ns, spec->at({"kubeConfig", "secretRef", "name"}));
    add(out, "Secret", ns, spec->at({"stsConfig", "secretRef", "name"}));
    add(out, "ServiceAccount", ns, spec->find("serviceAccountName"));
    add(out, "ServiceAccount", ns, spec->at({"decryption", "serviceAccountName"}));
    for (const auto& sa : default_sas)
      if (!sa.empty()) out.push_back(object_key{"ServiceAccount", ns, sa});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace fluxaws::kube
