// bench_plan.hpp — what one tenant-scale benchmark run generates: the tenants, the
// objects per tenant, their intervals, the emulator's latency and faults, the peer
// data, and the names every generated thing carries.
//
// Contract: plain data plus pure naming functions. Every name is a function of the
// tenant index alone, so the world generator, the object generator, the ideal-call
// count and the report agree without sharing state. Secrets named here (the bench-ci
// user's keys) are test material for a local emulator only.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace fluxaws::bench {

// The Flux kinds the benchmark can generate, in the order reports list them.
inline const std::vector<std::string>& all_kinds() {
  static const std::vector<std::string> kinds = {"Bucket", "OCIRepository", "ImageRepository", "ImagePolicy",
                                                 "Kustomization"};
  return kinds;
}

// How an object authenticates to AWS.
//   aws_identity: provider aws with spec.serviceAccountName (object-level workload
//     identity: STS AssumeRoleWithWebIdentity per tenant role, ECR tokens and KMS
//     through the credential plane) — the design's target.
//   static_keys: provider generic with a Secret (Bucket: access keys of the bench-ci
//     user; OCI kinds: a dockerconfigjson holding an ECR token the benchmark fetched
//     once) — a stand-in while the credential plane is not wired into the engine.
enum class auth_form { aws_identity, static_keys };
const char* form_name(auth_form f);

struct latency_spec {
  std::chrono::microseconds fixed{5000};
  std::chrono::microseconds jitter{1000};
};

struct plan_options {
  int tenants = 250;
  // Objects per tenant (the default mix: 8 objects per tenant).
  int oci_repositories = 2;
  int image_repositories = 2;  // each with one ImagePolicy
  int bucket_objects = 20;     // small objects in the tenant's bucket, SOPS Secrets included
  int sops_secrets = 2;        // of bucket_objects; each with its own data key
  int image_tags = 5;          // tags per image repository
  // Intervals: distinct per kind so that their reconciles interleave differently over
  // time, which lets the steady-state window attribute CPU to kinds (cpu_attribution.hpp).
  std::chrono::seconds bucket_interval{5};
  std::chrono::seconds oci_interval{6};
  std::chrono::seconds image_repository_interval{7};
  std::chrono::seconds kustomization_interval{9};
  latency_spec latency;
  bool faults = false;
  // Tenants per AWS account. Quotas are per account and Region (ECR GetAuthorizationToken:
  // 20/s with a burst of 200; fluxaws's limiter keeps to 10/s, burst 100), so a world that
  // puts every tenant in one account measures the quota, not the engine: 1,000 identities
  // in one account need ~90 s of ECR tokens whatever the controller does. 50 per account
  // stays within every burst; --tenants-per-account shows the other case.
  int tenants_per_account = 50;
  // Peers: a bucket for `aws s3 sync` and a repository for `skopeo list-tags`.
  int peer_bucket_objects = 1000;
  int peer_repository_tags = 1000;
};

inline constexpr const char* region = "us-east-1";
inline constexpr const char* oidc_issuer = "https://oidc.tenant-scale.bench";
inline constexpr const char* oidc_host = "oidc.tenant-scale.bench";
inline constexpr const char* service_account = "flux";
// The static stand-in identity (test material for the local emulator).
inline constexpr const char* ci_user = "bench-ci";
inline constexpr const char* ci_access_key = "AKIABENCHCI000000001";
inline constexpr const char* ci_secret_key = "bench/Secret+Key/0001";
inline constexpr const char* peer_bucket = "bench-peer-objects";
inline constexpr const char* peer_repository = "bench-peer/tags";

int account_count(const plan_options& plan);
std::string account_id(int k);           // 12 digits: account k (0 = the first, which also holds the peers)
int account_index(const plan_options& plan, int tenant_index);
std::string tenant_account(const plan_options& plan, int i);
std::string tenant(int i);               // "tenant-00042"
std::string role_arn(const plan_options& plan, int i);  // arn:aws:iam::<account>:role/tenant-00042
std::string bucket_name(int i);          // tenant-00042-manifests
std::string image_repository(int i, int n);  // tenant-00042/app, tenant-00042/worker, tenant-00042/image-2 ...
std::string artifact_repository(int i);  // tenant-00042/manifests
std::string kms_key_id(int i);           // b3a0c000-0000-4000-8000-000000000042
std::string kms_key_arn(const plan_options& plan, int i);
std::string registry_host(const std::string& account);  // <account>.dkr.ecr.us-east-1.amazonaws.com
std::string ci_user_arn();               // the bench-ci user, in the first account
std::string image_tag(int n);            // 1.0.<n>
inline constexpr const char* artifact_tag = "v1.0.0";

// Deterministic 32-byte secrets derived from a label (KMS key material, SOPS data keys):
// the same plan gives the same world on every run.
std::string derived_key(const std::string& label);

}  // namespace fluxaws::bench
