// An emulator world built from the SHIPPED deploy/aws IAM documents: each policy and
// trust template rendered by deploy/aws/render.sh (the placeholders filled with the
// world's account, region, bucket, repository, key and OIDC provider), then one IAM
// role per variant — the full documents, and for every Action of every document the
// same documents with that one Action removed — each role trusted by the ServiceAccount
// `flux` of its own namespace (IRSA / OIDC federation). One fluxaws process then
// reconciles every variant's namespace at once.
//
// EKS Pod Identity has one identity per controller process: its trust document is loaded
// for the controller's own role (objects naming no ServiceAccount use it), and its
// variants are roles associated with other ServiceAccounts, asked for credentials at the
// emulator's Pod Identity agent directly.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"

namespace e2e {

inline constexpr const char* kIamRegion = "us-east-1";
inline constexpr const char* kIamBucket = "fluxaws-e2e-manifests";
inline constexpr const char* kIamRepository = "fluxaws-e2e/manifests";
inline constexpr const char* kIamKeyId = "5c1d3e7f-2a4b-4c6d-8e0f-1a2b3c4d5e6f";
inline constexpr const char* kIamOidcProvider = "oidc.conformance.local";
// The setup user (PutObject and GenerateDataKey for the fixtures): test material.
inline constexpr const char* kIamSetupKeyId = "AKIAE2EIAMSETUP00001";
inline constexpr const char* kIamSetupSecret = "e2e/iam/Setup+Key/00001";
// The static Pod Identity agent token of flux-system/<service_account> (test material;
// the controller itself is flux-system/fluxaws).
std::string pod_identity_token(const std::string& service_account);

std::string iam_key_arn();

// One shipped document rendered with the world's values (through deploy/aws/render.sh).
fluxaws::json::value render_shipped(const std::string& file, const std::string& ns, const std::string& sa);
// The Actions a policy document names (string or list, every statement), in order.
std::vector<std::string> policy_actions(const fluxaws::json::value& policy);
// The document with one Action removed (a statement left with none is dropped).
fluxaws::json::value without_action(const fluxaws::json::value& policy, const std::string& action);

struct iam_variant {
  std::string ns;         // namespace (its ServiceAccount `flux` assumes the role)
  std::string role;       // role name
  std::string document;   // "" for a full variant, else the shipped file the action left
  std::string action;     // the removed action ("" for a full variant)
  std::set<std::string> failing;  // kinds that must fail (Bucket, OCIRepository, ...)
  std::set<std::string> ready;    // kinds that must still be Ready
};

struct pod_identity_variant {
  std::string service_account;  // in flux-system, associated with `role`
  std::string role;
  std::string action;           // removed from trust-pod-identity.json ("" = full)
};

struct iam_world_files {
  std::string world;  // the world file
  std::vector<iam_variant> variants;
  std::vector<pod_identity_variant> pod_identity;
  std::string controller_role;  // Pod Identity role of the controller itself
};

// Writes the world (and the bucket's initial content) under dir.
iam_world_files write_iam_world(const std::string& dir);

}  // namespace e2e
