#include "actors/imagerepository_auth.hpp"

#include "actors/identity_resolution.hpp"
#include "adapters/aws/ecr_host.hpp"
#include "adapters/oci/docker_config.hpp"

namespace fluxaws::actors::imagerepository {

namespace {

error_info auth_failed(std::string message) { return make_error(reason_authentication_failed, std::move(message)); }

// A Secret's dockerconfigjson; `source` names it in errors.
result<oci::docker_config> load_pull_secret(const resource_index& resources, const std::string& ns,
                                            const std::string& name) {
  auto secret = resources.secret(ns, name);
  if (!secret) return auth_failed("secrets \"" + name + "\" not found");
  auto data = kube::decode_secret(*secret);
  std::string source = "Secret " + ns + "/" + name;
  if (!data.bad_key.empty())
    return auth_failed(source + ": data key '" + data.bad_key + "' is not valid base64");
  for (const auto& [k, v] : data.entries) {
    if (k != ".dockerconfigjson") continue;
    auto cfg = oci::parse_docker_config(v.as_string(), source);
    if (!cfg) return auth_failed(cfg.error().message);
    return std::move(cfg).value();
  }
  return auth_failed(source + " has no '.dockerconfigjson' entry (a kubernetes.io/dockerconfigjson Secret is expected)");
}

}  // namespace

std::string auth_plan::describe() const {
  switch (how) {
    case method::anonymous: return "anonymous access";
    case method::docker_config: return auth.describe() + " from " + source;
    case method::ecr:
      return std::string("an ECR authorization token for ") + (ecr_public ? "ECR Public" : ecr.region) +
             (ecr.service_account.empty() ? " (controller identity)"
                                          : " (ServiceAccount " + ecr.object.ns + "/" + ecr.service_account + ")");
  }
  return "credentials";
}

std::string auth_plan::ecr_cache_entry() const { return ecr_scope(ecr_registry); }

std::string feature_gate_message(const std::string& where) {
  return "to use spec.serviceAccountName" + where +
         " for provider authentication please enable the ObjectLevelWorkloadIdentity feature gate in the "
         "controller";
}

bool needs_disabled_gate(const spec& s, const engine_options& opts) {
  return s.provider != "generic" && !s.service_account.empty() && !opts.object_level_identity;
}

result<auth_plan> plan_auth(const spec& s, const oci::repository_ref& repo, const kube::object_key& repo_key,
                            const resource_index& resources, const engine_options& opts) {
  auth_plan plan;
  if (s.provider == "aws") {
    auto host = repo.registry;
    auto ecr = aws::parse_ecr_host(host);
    if (!ecr)
      return auth_failed("invalid AWS registry: '" + host +
                         "'. must be an Amazon ECR registry (<account>.dkr.ecr.<region>.amazonaws.com or "
                         "public.ecr.aws)");
    plan.how = auth_plan::method::ecr;
    plan.ecr_host = ecr->host;
    plan.ecr_public = ecr->is_public;
    plan.ecr_registry = *ecr;
    plan.ecr.object = repo_key;
    plan.ecr.service_account = s.service_account;
    if (plan.ecr.service_account.empty() && opts.object_level_identity)
      plan.ecr.service_account = opts.default_service_account;
    plan.ecr.region = ecr->region;
    plan.ecr.allow_node_identity = true;
    return plan;
  }

  std::vector<std::pair<std::string, oci::docker_config>> sources;
  if (!s.secret_ref.empty()) {
    auto cfg = load_pull_secret(resources, repo_key.ns, s.secret_ref);
    if (!cfg) return cfg.error();
    sources.emplace_back("Secret " + repo_key.ns + "/" + s.secret_ref, std::move(cfg).value());
  }
  if (!s.service_account.empty()) {
    auto sa = resources.service_account(repo_key.ns, s.service_account);
    if (!sa) return auth_failed("serviceaccounts \"" + s.service_account + "\" not found");
    if (const json::value* list = sa->find("imagePullSecrets"); list && list->is_array()) {
      for (const auto& ref : list->as_array()) {
        const json::value* n = ref.find("name");
        if (!n || !n->is_string() || n->as_string().empty()) continue;
        auto cfg = load_pull_secret(resources, repo_key.ns, n->as_string());
        if (!cfg) return cfg.error();
        sources.emplace_back("Secret " + repo_key.ns + "/" + n->as_string(), std::move(cfg).value());
      }
    }
  }
  for (const auto& [source, cfg] : sources) {
    if (!cfg.find(repo.registry)) continue;
    auto a = oci::auth_for_registry(cfg, repo.registry, source);
    if (!a) return auth_failed(a.error().message);
    plan.how = auth_plan::method::docker_config;
    plan.auth = std::move(a).value();
    plan.source = source;
    return plan;
  }
  return plan;  // anonymous
}

}  // namespace fluxaws::actors::imagerepository
