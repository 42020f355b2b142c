#include "benchmarks/tenant_scale/src/credential_calls.hpp"

namespace fluxaws::bench {

namespace {

call_count minus(const call_count& a, const call_count& b) { return {a.calls - b.calls, a.ok - b.ok}; }

void check_one(std::vector<std::string>& out, const char* what, const call_count& got, long ideal, bool faults,
               const std::string& phase) {
  if (got.ok != ideal)
    out.push_back(phase + ": " + what + " succeeded " + std::to_string(got.ok) + " times, ideal " +
                  std::to_string(ideal));
  if (!faults && got.calls != got.ok)
    out.push_back(phase + ": " + what + " failed " + std::to_string(got.calls - got.ok) +
                  " times without injected faults");
}

json::value entry(const call_count& c, long ideal) {
  json::value v = json::value::make_object();
  v["calls"] = static_cast<int64_t>(c.calls);
  v["ok"] = static_cast<int64_t>(c.ok);
  v["ideal"] = static_cast<int64_t>(ideal);
  return v;
}

}  // namespace

credential_calls count_credential_calls(const json::value& emulator_calls) {
  credential_calls out;
  for (const auto& e : emulator_calls.as_array()) {
    const json::value* svc = e.find("service");
    const json::value* op = e.find("operation");
    const json::value* status = e.find("status");
    const json::value* count = e.find("count");
    if (!svc || !op || !count) continue;
    call_count* target = nullptr;
    if (svc->as_string() == "sts")
      target = &out.sts;
    else if (svc->as_string() == "ecr" && op->as_string() == "GetAuthorizationToken")
      target = &out.ecr_token;
    else if (svc->as_string() == "kms" && op->as_string() == "Decrypt")
      target = &out.kms_decrypt;
    if (!target) continue;
    target->calls += count->as_int();
    if (status && status->as_int() == 200) target->ok += count->as_int();
  }
  return out;
}

credential_calls subtract(const credential_calls& later, const credential_calls& earlier) {
  return {minus(later.sts, earlier.sts), minus(later.ecr_token, earlier.ecr_token),
          minus(later.kms_decrypt, earlier.kms_decrypt)};
}

ideal_calls ideal_cold(const plan_options& plan, const object_forms& forms) {
  ideal_calls ideal;
  auto counts = objects_per_tenant(plan, forms);
  auto aws = [&](const std::string& kind) {
    auto it = forms.forms.find(kind);
    return counts[kind] > 0 && it != forms.forms.end() && it->second == auth_form::aws_identity;
  };
  bool any_identity = aws("Bucket") || aws("OCIRepository") || aws("ImageRepository") || aws("Kustomization");
  if (any_identity) ideal.sts = plan.tenants;  // every tenant object lives in one region
  if (aws("OCIRepository") || aws("ImageRepository")) ideal.ecr_token = plan.tenants;
  if (counts["Kustomization"] > 0) ideal.kms_decrypt = static_cast<long>(plan.tenants) * plan.sops_secrets;
  return ideal;
}

std::vector<std::string> check_calls(const credential_calls& got, const ideal_calls& ideal, bool faults,
                                     const std::string& phase) {
  std::vector<std::string> out;
  check_one(out, "STS", got.sts, ideal.sts, faults, phase);
  check_one(out, "ECR GetAuthorizationToken", got.ecr_token, ideal.ecr_token, faults, phase);
  check_one(out, "KMS Decrypt", got.kms_decrypt, ideal.kms_decrypt, faults, phase);
  return out;
}

json::value to_json(const credential_calls& got, const ideal_calls& ideal) {
  json::value v = json::value::make_object();
  v["sts"] = entry(got.sts, ideal.sts);
  v["ecrGetAuthorizationToken"] = entry(got.ecr_token, ideal.ecr_token);
  v["kmsDecrypt"] = entry(got.kms_decrypt, ideal.kms_decrypt);
  return v;
}

}  // namespace fluxaws::bench
