// world.hpp — the emulated AWS world: accounts, IAM (users, roles, OIDC providers,
// Pod Identity associations, the node's instance role), S3 buckets, ECR repositories,
// KMS keys, STS/ECR settings, latency and faults. Read from a YAML file whose format
// is documented in tests/emulator/README.md.
//
// Contract: load_world() either returns a complete, validated world or an error that
// names the file, the entry and the reason (unknown role in a trust reference, bad
// policy JSON, missing bucket directory, ...). Relative paths are resolved against the
// world file's folder and stored absolute. Every ARN is precomputed here.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "tests/emulator/iam_policy.hpp"

namespace emu {

struct access_key {
  std::string id;
  std::string secret;
};

struct iam_user {
  std::string account, name, arn, user_id;
  std::vector<access_key> keys;
  std::vector<iam::policy> policies;
};

struct iam_role {
  std::string account, name, arn, role_id;
  iam::policy trust;
  std::vector<iam::policy> policies;
  std::chrono::seconds max_session{3600};
  // Overrides sts.credentialLifetime for this role's sessions.
  std::optional<std::chrono::seconds> credential_lifetime;
};

struct oidc_provider {
  std::string url;   // https://oidc.example.com (the token's iss)
  std::string host;  // oidc.example.com (condition-key prefix and ARN suffix)
  std::string account, arn;
  std::vector<std::string> audiences;   // client IDs; empty = any audience
  std::vector<std::string> public_keys; // PEM
  std::string private_key_path;         // absolute; optional (local-mode signing)
};

struct pod_identity_association {
  std::string account, ns, service_account, role_arn;
};

// A static Pod Identity agent token (the alternative to a signed JWT).
struct pod_identity_token {
  std::string token, ns, service_account;
};

struct bucket_def {
  std::string name, region, account, dir;  // dir absolute, may be empty
  std::optional<iam::policy> policy;
};

struct kms_key_def {
  std::string id, region, account, arn;
  std::vector<std::string> aliases;  // "alias/name"
  std::optional<iam::policy> policy;
  std::string material;              // 32 raw bytes (test material)
  bool enabled = true;
};

struct ecr_image_def { std::vector<std::string> tags; };
struct ecr_tag_range_def { std::string format; int from = 0, to = -1; };
struct ecr_artifact_def {
  std::vector<std::string> tags;
  std::string dir;  // absolute
  std::map<std::string, std::string> annotations;
};
struct ecr_layout_def { std::string dir; };  // absolute

struct ecr_repository_def {
  std::string name, account, region, arn;
  std::optional<iam::policy> policy;
  std::vector<ecr_image_def> images;
  std::vector<ecr_tag_range_def> ranges;
  std::vector<ecr_artifact_def> artifacts;
  std::vector<ecr_layout_def> layouts;
};

struct world {
  std::string path;  // absolute path of the world file
  std::string dir;   // its folder
  std::vector<std::string> accounts;  // first = default
  std::vector<std::string> regions;   // first = default
  std::chrono::seconds credential_lifetime{3600};
  std::chrono::seconds ecr_token_lifetime{12 * 3600};

  std::vector<iam_user> users;
  std::vector<iam_role> roles;
  std::vector<oidc_provider> oidc_providers;
  std::vector<pod_identity_association> pod_identity_associations;
  std::vector<pod_identity_token> pod_identity_tokens;
  std::string instance_role_arn;  // empty = no instance role

  std::vector<bucket_def> buckets;
  std::vector<kms_key_def> kms_keys;
  std::vector<ecr_repository_def> repositories;

  fluxaws::json::value latency;  // as written; applied by fault_plan
  fluxaws::json::value faults;

  const iam_role* find_role(std::string_view arn) const;
  const oidc_provider* find_provider_by_url(std::string_view iss) const;
  const oidc_provider* find_provider_by_arn(std::string_view arn) const;
};

fluxaws::result<world> load_world(const std::string& path);
// Parses an already-read document; base_dir resolves relative paths.
fluxaws::result<world> parse_world(const fluxaws::json::value& doc, const std::string& base_dir);

// Deterministic IDs AWS-style: "AIDA"/"AROA" + 17 upper-case characters from the ARN.
std::string derived_id(std::string_view prefix, std::string_view arn);

}  // namespace emu
