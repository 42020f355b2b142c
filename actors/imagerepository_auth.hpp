// How fluxaws authenticates to an ImageRepository's registry — image-reflector-
// controller's AuthOptionsGetter, as a pure decision over the spec and the
// ServiceAccounts and Secrets of the repository's namespace. Both ImageRepository
// scans and ImagePolicy digest reflection use it (the policy acts with its
// repository's credentials).
//
// Contract:
//  - provider "aws" wins over spec.secretRef, as in Flux: the registry must be an
//    Amazon ECR host (else AuthenticationFailed, "invalid AWS registry: '<host>'…"),
//    and the plan asks the identity registry for an ECR authorization token with the
//    repository's identity (spec.serviceAccountName, or under lockdown the default
//    ServiceAccount; else the controller's, the node's instance role included).
//    The ObjectLevelWorkloadIdentity gate is checked by the caller (it stalls).
//  - provider "generic": the kubernetes.io/dockerconfigjson Secret of spec.secretRef,
//    then the imagePullSecrets of spec.serviceAccountName, in that order; the first
//    with an entry for the registry gives the credentials; none has one: anonymous
//    (k8schain's behaviour). A named Secret or ServiceAccount that does not exist, a
//    Secret without ".dockerconfigjson", or one that does not parse, is
//    AuthenticationFailed naming it ("secrets \"regcred\" not found").
//  - Errors never contain a credential. The plan holds credentials (docker config):
//    never log it; describe() is safe to log.
#pragma once

#include <string>

#include "actors/engine.hpp"
#include "actors/identity.hpp"
#include "actors/imagerepository_spec.hpp"
#include "actors/resource_index.hpp"
#include "adapters/aws/ecr_host.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/object.hpp"
#include "adapters/oci/reference.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::actors::imagerepository {

struct auth_plan {
  enum class method { anonymous, docker_config, ecr };
  method how = method::anonymous;
  oci::registry_auth auth;      // docker_config: the credentials found
  std::string source;           // docker_config: "Secret <ns>/<name>"
  credential_request ecr;       // ecr: asked with ecr_token_atom
  std::string ecr_host;         // ecr: the registry host (no port)
  bool ecr_public = false;
  aws::ecr_registry ecr_registry;

  std::string describe() const;
  // The identity registry's invalidate "what" for this plan's ECR token.
  std::string ecr_cache_entry() const;
};

result<auth_plan> plan_auth(const spec& s, const oci::repository_ref& repo, const kube::object_key& repo_key,
                            const resource_index& resources, const engine_options& opts);

// Flux's message for a ServiceAccount without the ObjectLevelWorkloadIdentity gate;
// `where` is "" for the ImageRepository itself, " in the ImageRepository" for its
// ImagePolicies.
std::string feature_gate_message(const std::string& where);
// True when the spec needs the gate that is off (provider aws and a ServiceAccount).
bool needs_disabled_gate(const spec& s, const engine_options& opts);

}  // namespace fluxaws::actors::imagerepository
