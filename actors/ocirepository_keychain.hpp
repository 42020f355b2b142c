// The static registry credentials of an OCIRepository — source-controller's keychain():
// the kubernetes.io/dockerconfigjson Secret named by spec.secretRef, then the
// imagePullSecrets of spec.serviceAccountName, all in the object's namespace.
//
// Contract:
//  - load_keychain() fails (AuthenticationFailed, message naming the Secret or the
//    ServiceAccount and what is wrong) when a named Secret or ServiceAccount does not
//    exist, a Secret has no ".dockerconfigjson" entry, or it does not parse. No secret
//    value ever appears in a message.
//  - An empty keychain means anonymous: only then may provider "aws" use the ECR token
//    of the credential plane (as Flux uses its OIDC login only for an anonymous
//    keychain).
//  - auth_for(): the first Secret (secretRef first, then the ServiceAccount's in order)
//    with an entry for the registry gives the credentials; none has one: anonymous
//    (k8schain's behaviour).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "actors/resource_index.hpp"
#include "adapters/common/result.hpp"
#include "adapters/oci/docker_config.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::actors::ocirepo {

struct keychain {
  struct source {
    std::string name;  // "Secret <ns>/<name>", for messages
    oci::docker_config config;
  };
  std::vector<source> sources;
  bool empty() const { return sources.empty(); }
};

result<keychain> load_keychain(const resource_index& resources, const std::string& ns, const std::string& secret_ref,
                               const std::string& service_account);

result<oci::registry_auth> auth_for(const keychain& k, const std::string& registry);

}  // namespace fluxaws::actors::ocirepo
