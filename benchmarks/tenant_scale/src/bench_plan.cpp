#include "benchmarks/tenant_scale/src/bench_plan.hpp"

#include <cstdio>

#include "adapters/common/digest.hpp"

namespace fluxaws::bench {

const char* form_name(auth_form f) { return f == auth_form::aws_identity ? "aws-identity" : "static-keys"; }

int account_count(const plan_options& plan) {
  int per = plan.tenants_per_account > 0 ? plan.tenants_per_account : 1;
  return plan.tenants <= 0 ? 1 : (plan.tenants + per - 1) / per;
}

std::string account_id(int k) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012lld", 111122220000LL + k);
  return buf;
}

int account_index(const plan_options& plan, int tenant_index) {
  return tenant_index / (plan.tenants_per_account > 0 ? plan.tenants_per_account : 1);
}

std::string tenant_account(const plan_options& plan, int i) { return account_id(account_index(plan, i)); }

std::string tenant(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "tenant-%05d", i);
  return buf;
}

std::string role_arn(const plan_options& plan, int i) {
  return "arn:aws:iam::" + tenant_account(plan, i) + ":role/" + tenant(i);
}

std::string bucket_name(int i) { return tenant(i) + "-manifests"; }

std::string image_repository(int i, int n) {
  if (n == 0) return tenant(i) + "/app";
  if (n == 1) return tenant(i) + "/worker";
  return tenant(i) + "/image-" + std::to_string(n);
}

std::string artifact_repository(int i) { return tenant(i) + "/manifests"; }

std::string kms_key_id(int i) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "b3a0c000-0000-4000-8000-%012d", i);
  return buf;
}

std::string kms_key_arn(const plan_options& plan, int i) {
  return std::string("arn:aws:kms:") + region + ":" + tenant_account(plan, i) + ":key/" + kms_key_id(i);
}

std::string registry_host(const std::string& account) { return account + ".dkr.ecr." + region + ".amazonaws.com"; }

std::string ci_user_arn() { return "arn:aws:iam::" + account_id(0) + ":user/" + ci_user; }

std::string image_tag(int n) { return "1.0." + std::to_string(n); }

std::string derived_key(const std::string& label) { return digest::sha256("fluxaws-bench/" + label); }

}  // namespace fluxaws::bench
