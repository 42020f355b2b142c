// world_generator.hpp — the emulator world of a tenant-scale run, written to a folder:
// per tenant a role (trusting only ServiceAccount <tenant>/flux through the bench OIDC
// provider, allowed its own bucket, repositories and KMS key), a bucket holding small
// ConfigMaps and SOPS-encrypted Secrets, ECR repositories with image tags and a Flux
// artifact, and a KMS key, in the tenant's AWS account (plan.tenants_per_account per
// account, each account with the same OIDC provider); plus the bench-ci user in the first
// account (the static stand-in identity, let into every tenant's resources by resource
// policies), the peer bucket and repository, the latency and (optionally) the fault profile.
//
// Contract:
//   - write_world() creates <dir>/world.yaml and the folders it names (buckets/,
//     shared/, artifact/, peer-bucket/) and nothing else; it fails with a message
//     naming the file it could not write. Identical ConfigMaps are hard links to one
//     file, so 10,000 tenants cost 10,000 small directories, not 200,000 files.
//   - SOPS Secrets are built offline: each has its own data key, wrapped in the
//     emulator's KMS blob format (tests/emulator/kms_blob.hpp) under the tenant key's
//     material, which the world sets explicitly. The emulator's Decrypt recovers it,
//     so no GenerateDataKey round trip is needed before a run. Plaintexts and data keys
//     are never written anywhere but inside the encrypted documents.
//   - The OIDC key pair is the emulator's test pair (passed in by path); the world
//     names it so the emulator writes local.serviceAccountToken{Issuer,Key} into its
//     fluxaws.yaml, which the engine uses to sign ServiceAccount tokens in local mode.
#pragma once

#include <filesystem>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"

namespace fluxaws::bench {

struct oidc_key_pair {
  std::string public_key;   // PEM file
  std::string private_key;  // PEM file
};

struct world_files {
  std::filesystem::path world;  // world.yaml
  std::filesystem::path dir;
};

// The world document itself (pure; paths inside are relative to `dir`).
json::value world_document(const plan_options& plan, const oidc_key_pair& oidc);

// One tenant's bucket content: file name -> bytes (ConfigMaps by reference to the
// shared file name, see write_world). Pure apart from the data keys' random nonces.
struct bucket_file {
  std::string name;
  std::string content;      // empty for a shared ConfigMap
  std::string shared_name;  // the file under shared/ it links to
};
result<std::vector<bucket_file>> tenant_bucket_files(const plan_options& plan, int tenant_index);

// The SOPS-encrypted Secret `index` (1-based) of a tenant, as YAML.
result<std::string> sops_secret_yaml(const plan_options& plan, int tenant_index, int index);

result<world_files> write_world(const plan_options& plan, const std::filesystem::path& dir, const oidc_key_pair& oidc);

}  // namespace fluxaws::bench
