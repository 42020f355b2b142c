// The credential plane's interface to object actors: which AWS identity an object
// acts as, and its credentials or ECR authorization token, from the identity
// registry (one token-cache actor per identity key behind it; see DESIGN.md,
// "Credentials").
//
//   object actor ──credentials_atom, credential_request──▶ identity registry
//                ◀── credential_reply (credentials, or an error with Flux's reason)
//   object actor ──ecr_token_atom, credential_request, registry host──▶ identity registry
//                ◀── ecr_token_reply (user "AWS" + password, only for that region's ECR hosts)
//   object actor ──invalidate_atom, credential_request, what──▶ identity registry
//                (after ExpiredToken, InvalidClientTokenId or a registry 401: evict, then retry once)
//
// The registry answers every request within identity_options::fetch_deadline (see
// actors/identity_options.hpp; ask with reply_deadline()). Rules of resolution:
// actors/identity_resolution.hpp; caching: actors/token_cache.hpp; spawning:
// actors/identity_registry.hpp.
//
// invalidate's `what`: "credentials" (evict the identity's credentials),
// "credentials@<access key id>" (only if the cached ones have that key id, so that a
// stale failure does not evict fresh credentials), "ecr:<region>" (the ECR token of
// that region), "ecr-public" (the ECR Public token).
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <string>

#include "adapters/aws/credentials.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

using credentials_atom = caf::atom_constant<caf::atom("creds")>;
using ecr_token_atom = caf::atom_constant<caf::atom("ecrtoken")>;
using invalidate_atom = caf::atom_constant<caf::atom("invalidate")>;

// Where the identity comes from, as the object's spec says.
struct credential_request {
  kube::object_key object;        // the asking object: namespace for lookups, labels for metrics
  std::string service_account;    // spec.serviceAccountName (Kustomization: spec.decryption.serviceAccountName)
  std::string secret_ref;         // spec.secretRef.name (Kustomization: spec.decryption.secretRef.name)
  // How the Secret holds keys: "bucket" (accesskey/secretkey) or "sops"
  // (key sops.aws-kms: YAML aws_access_key_id, aws_secret_access_key, aws_session_token).
  std::string secret_format;
  std::string region;             // Bucket spec.region, the ECR host's region, the KMS key ARN's region
  std::string sts_endpoint;       // Bucket spec.sts.endpoint (https only)
  // Use the node's instance role (IMDS) when the object names no identity: ECR only.
  bool allow_node_identity = false;
  // For the role in a SOPS kms entry: after getting the object's credentials,
  // AssumeRole into this role (session name sops@<host>). Empty: none.
  std::string assume_role_arn;
  // The `operation` label of gotk_token_cache_events_total; empty: "decrypt_with_aws"
  // for a Kustomization, "reconcile" otherwise (Flux's values).
  std::string operation;
};

struct credential_reply {
  bool ok = false;
  aws::credentials creds;
  // Failure: code is a Flux reason where one applies ("FeatureGateDisabled" stalls,
  // anything else is retried), message names what is missing and where.
  error_info error;
  bool stalling = false;
  std::string identity;  // a description safe for logs: "role arn:aws:iam::...:role/x via tenant-a/flux"
  // The region to call AWS in: the request's, else AWS_REGION (set on success).
  std::string region;
};

struct ecr_token_reply {
  bool ok = false;
  std::string username;  // "AWS"
  std::string password;
  std::chrono::system_clock::time_point expires_at;
  std::string region;    // the ECR region it is valid for
  bool public_registry = false;  // an ECR Public token (public.ecr.aws), not a private registry's
  error_info error;
  bool stalling = false;
  std::string identity;
};

using identity_registry_actor = caf::typed_actor<
    caf::replies_to<credentials_atom, credential_request>::with<credential_reply>,
    caf::replies_to<ecr_token_atom, credential_request, std::string>::with<ecr_token_reply>,
    caf::reacts_to<invalidate_atom, credential_request, std::string>>;  // what: "credentials" | "ecr:<region>"

}  // namespace fluxaws::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::credential_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::credential_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::ecr_token_reply)
