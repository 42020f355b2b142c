// Which ServiceAccounts and Secrets a Flux object needs, so that cluster mode keeps
// only those in memory (never every Secret of the cluster): the spec's secretRef,
// certSecretRef, proxySecretRef, verify.secretRef, decryption.secretRef,
// kubeConfig.secretRef, serviceAccountName and decryption.serviceAccountName, plus the
// configured default ServiceAccounts; and a ServiceAccount's imagePullSecrets.
//
// Contract: references stay inside the object's namespace (Flux has no cross-namespace
// Secret references); the result is sorted and without duplicates.
#pragma once

#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

// default_service_accounts: names of ServiceAccounts used when an object names none
// (--default-service-account, --default-decryption-service-account), looked up in
// the object's namespace.
std::vector<object_key> references_of(const json::value& obj,
                                      const std::vector<std::string>& default_service_accounts = {});

}  // namespace fluxaws::kube
