#include "benchmarks/tenant_scale/src/bench_plan.hpp"

#include <cstdio>

#include "adapters/common/digest.hpp"

namespace fluxaws::bench {

const char* form_name(auth_form f) { return f == auth_form::aws_identity ? "aws-identity" : "static-keys"; }

std::string tenant(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "tenant-%05d", i);
  return buf;
}

std::string role_arn(int i) { return std::string("arn:aws:iam::") + account + ":role/" + tenant(i); }

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

std::string kms_key_arn(int i) { return std::string("arn:aws:kms:") + region + ":" + account + ":key/" + kms_key_id(i); }

std::string registry_host() { return std::string(account) + ".dkr.ecr." + region + ".amazonaws.com"; }

std::string image_tag(int n) { return "1.0." + std::to_string(n); }

std::string derived_key(const std::string& label) { return digest::sha256("fluxaws-bench/" + label); }

}  // namespace fluxaws::bench
