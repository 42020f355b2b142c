// Which AWS identity an object acts as, and how its credentials are obtained — Flux's
// rules (fluxcd/pkg auth, auth/aws; source-controller; kustomize-controller), as a pure
// function of the request, the ServiceAccounts and Secrets of the object's own
// namespace, and the controller's options.
//
// In order:
//  1. Secret (.spec.secretRef; Kustomization .spec.decryption.secretRef), looked up in
//     the object's namespace only.
//     - format "bucket": keys accesskey and secretkey → static keys. A Bucket may not
//       also name a ServiceAccount (stalls).
//     - format "sops": key sops.aws-kms, YAML aws_access_key_id, aws_secret_access_key,
//       optional aws_session_token → static keys, winning over any ServiceAccount. A
//       decryption Secret without that key (it may hold only age or PGP keys) falls
//       through to the ServiceAccount or the controller, as in kustomize-controller.
//  2. ServiceAccount (.spec.serviceAccountName; Kustomization .spec.decryption.
//     serviceAccountName), or under lockdown the default (decryption) ServiceAccount:
//     needs the ObjectLevelWorkloadIdentity gate (else Stalled, FeatureGateDisabled);
//     the ServiceAccount of the object's namespace; its eks.amazonaws.com/role-arn
//     annotation matching ^arn:aws[\w-]*:iam::[0-9]{1,30}:role/.{1,200}$; a token for
//     audience sts.amazonaws.com; AssumeRoleWithWebIdentity in the object's region with
//     session name role_session_name() (session_name.hpp).
//  3. The controller: the AWS SDKs' default chain over the controller's environment
//     (static keys, web identity, container/Pod Identity, IMDS), its STS region being
//     the object's. IMDS — the node's instance role — only for ECR
//     (request.allow_node_identity).
// A chained role (request.assume_role_arn, SOPS) is AssumeRole'd on top of the above,
// session "sops@<host>", in the request's region.
//
// Region: ECR — the registry host's (public.ecr.aws: us-east-1); otherwise the
// request's (Bucket .spec.region, the KMS key ARN's), else AWS_REGION, else an error
// saying what to set. An explicit STS endpoint (.spec.sts.endpoint) must match Flux's
// pattern ^https://(.+\.)?sts(-fips)?(\.[^.]+)?(\.vpce)?\.amazonaws\.com$ (else Stalled,
// InvalidSTSConfiguration).
//
// Errors name the object, the field, the ServiceAccount or Secret and the namespace,
// with code AuthenticationFailed (retried) unless said otherwise. Never a secret value:
// static keys travel inside the plan only, and the key carries a salted hash.
#pragma once

#include <optional>
#include <string>

#include "actors/identity.hpp"
#include "actors/identity_key.hpp"
#include "actors/identity_options.hpp"
#include "actors/resource_index.hpp"
#include "adapters/aws/credentials.hpp"
#include "adapters/aws/default_chain.hpp"
#include "adapters/aws/ecr_host.hpp"
#include "adapters/aws/endpoints.hpp"

namespace fluxaws::actors {

namespace reason {
inline constexpr const char* authentication_failed = "AuthenticationFailed";
inline constexpr const char* feature_gate_disabled = "FeatureGateDisabled";
inline constexpr const char* invalid_sts_configuration = "InvalidSTSConfiguration";
}  // namespace reason

inline constexpr const char* sts_audience = "sts.amazonaws.com";
inline constexpr const char* role_arn_annotation = "eks.amazonaws.com/role-arn";

// How a token cache obtains the identity's credentials. Holds secrets (static keys):
// never log it.
struct fetch_plan {
  enum class method { web_identity, static_keys, default_chain };
  method how = method::static_keys;
  // web_identity: a token for sa_namespace/sa_name, then AssumeRoleWithWebIdentity.
  std::string role_arn;
  std::string session_name;
  std::string sa_namespace;
  std::string sa_name;
  std::string audience;
  aws::endpoint sts;  // web_identity and the chained AssumeRole
  // static_keys
  aws::credentials static_creds;
  // default_chain
  std::optional<aws::source_config> chain;
  // Chained role: the base identity's request (this one without assume_role_arn),
  // asked of the registry, then AssumeRole.
  std::string assume_role_arn;
  std::string assume_role_session_name;
  std::optional<credential_request> base_request;
};

struct resolved_identity {
  identity_key key;
  std::string key_string;   // key.canonical()
  std::string description;  // key.describe()
  std::string region;       // where the object calls AWS (the ECR region for ECR)
  fetch_plan plan;
};

struct resolution {
  std::optional<resolved_identity> identity;
  error_info error;
  bool stalling = false;
  bool ok() const { return identity.has_value(); }
};

struct resolve_inputs {
  const resource_index* index = nullptr;
  const identity_options* options = nullptr;
  std::string salt;                            // for static secret hashes
  const aws::ecr_registry* ecr = nullptr;      // set for ECR token requests
};

resolution resolve_identity(const credential_request& req, const resolve_inputs& in);

// The ECR registry of a host ("<account>.dkr.ecr.<region>.amazonaws.com[:443]",
// "public.ecr.aws") or of a reference with a path; an error naming the host otherwise.
result<aws::ecr_registry> parse_registry(const std::string& host_or_reference);

// The ECR cache scope of a registry: "ecr:<region>", or "ecr-public".
std::string ecr_scope(const aws::ecr_registry& r);

// Whether an ECR token issued for (region, public_registry) — an ecr_token_reply's
// fields — may be sent to host: only an ECR registry host of that region (any account,
// FIPS or dual-stack form), or public.ecr.aws / ecr-public.aws.com for an ECR Public
// token. Callers check this before putting the token in an Authorization header.
bool ecr_token_applies(const std::string& region, bool public_registry, const std::string& host);

// Flux's checks, exposed for tests: the role ARN annotation and the STS endpoint.
bool valid_role_arn(const std::string& arn);
bool valid_sts_endpoint(const std::string& endpoint);

}  // namespace fluxaws::actors
