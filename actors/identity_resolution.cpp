#include "actors/identity_resolution.hpp"

#include <re2/re2.h>

#include "actors/session_name.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

namespace {

constexpr const char* role_arn_pattern = R"(^arn:aws[\w-]*:iam::[0-9]{1,30}:role/.{1,200}$)";
constexpr const char* sts_endpoint_pattern = R"(^https://(.+\.)?sts(-fips)?(\.[^.]+)?(\.vpce)?\.amazonaws\.com$)";

const RE2& role_arn_re() {
  static const RE2 re(role_arn_pattern);
  return re;
}

const RE2& sts_endpoint_re() {
  static const RE2 re(sts_endpoint_pattern);
  return re;
}

bool is_kustomization(const credential_request& req) { return req.object.kind == "Kustomization"; }

std::string object_name(const credential_request& req) {
  return req.object.kind + " " + req.object.ns + "/" + req.object.name;
}

std::string sa_field(const credential_request& req) {
  return is_kustomization(req) ? ".spec.decryption.serviceAccountName" : ".spec.serviceAccountName";
}

std::string secret_field(const credential_request& req) {
  return is_kustomization(req) ? ".spec.decryption.secretRef" : ".spec.secretRef";
}

resolution fail(std::string message, const char* code = reason::authentication_failed, bool stalling = false) {
  resolution r;
  r.error = make_error(code, std::move(message));
  r.stalling = stalling;
  return r;
}

const std::string* entry(const kube::secret_data& d, std::string_view key) {
  for (const auto& [k, v] : d.entries)
    if (k == key) return &v.as_string();
  return nullptr;
}

// The static keys of a Secret, or an error; nullopt (no error) when a decryption
// Secret carries no sops.aws-kms key.
struct secret_outcome {
  std::optional<aws::credentials> creds;
  std::optional<resolution> error;
};

secret_outcome static_keys_of(const credential_request& req, const json::value& secret) {
  secret_outcome out;
  const std::string where = "Secret '" + req.object.ns + "/" + req.secret_ref + "' (" + secret_field(req) + " of " +
                            object_name(req) + ")";
  auto data = kube::decode_secret(secret);
  if (!data.bad_key.empty()) {
    out.error = fail("invalid data in " + where + ": the value of key '" + data.bad_key + "' is not valid base64");
    return out;
  }
  aws::credentials c;
  c.source = "static";
  if (req.secret_format == "sops") {
    const std::string* doc = entry(data, "sops.aws-kms");
    if (!doc) return out;  // not an AWS decryption Secret: fall through
    auto parsed = yamljson::parse_yaml(*doc);
    // The parser's message could quote the document: say only what is wrong.
    if (!parsed || !parsed->is_object()) {
      out.error = fail("failed to import 'sops.aws-kms' data from " + where +
                       ": not a YAML mapping with aws_access_key_id and aws_secret_access_key");
      return out;
    }
    auto field = [&](std::string_view k) -> std::string {
      const auto* v = parsed->find(k);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    c.access_key_id = field("aws_access_key_id");
    c.secret_access_key = field("aws_secret_access_key");
    c.session_token = field("aws_session_token");
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      out.error = fail("failed to import 'sops.aws-kms' data from " + where + ": required fields " +
                       "'aws_access_key_id' and 'aws_secret_access_key'" +
                       (c.access_key_id.empty() ? " (aws_access_key_id is missing)" : " (aws_secret_access_key is missing)"));
      return out;
    }
  } else {
    const std::string* ak = entry(data, "accesskey");
    const std::string* sk = entry(data, "secretkey");
    if (!ak || !sk || ak->empty() || sk->empty()) {
      out.error = fail("invalid '" + req.secret_ref + "' secret data in " + where +
                       ": required fields 'accesskey' and 'secretkey'" +
                       (!ak || ak->empty() ? " ('accesskey' is missing)" : " ('secretkey' is missing)"));
      return out;
    }
    c.access_key_id = *ak;
    c.secret_access_key = *sk;
  }
  out.creds = std::move(c);
  return out;
}

result<aws::endpoint> sts_endpoint_for(const credential_request& req, const std::string& region,
                                       const identity_options& o) {
  auto settings = aws::endpoint_settings_from_env(o.env, aws::service::sts);
  if (!req.sts_endpoint.empty()) {
    settings.endpoint_url = req.sts_endpoint;
    settings.endpoint_url_origin = ".spec.sts.endpoint";
  }
  return aws::resolve_endpoint(aws::service::sts, region, settings);
}

}  // namespace

bool valid_role_arn(const std::string& arn) { return RE2::FullMatch(arn, role_arn_re()); }
bool valid_sts_endpoint(const std::string& endpoint) { return RE2::FullMatch(endpoint, sts_endpoint_re()); }

result<aws::ecr_registry> parse_registry(const std::string& host_or_reference) {
  auto r = host_or_reference.find('/') == std::string::npos ? aws::parse_ecr_host(host_or_reference)
                                                            : aws::parse_ecr_reference(host_or_reference);
  if (!r)
    return make_error(reason::authentication_failed,
                      "'" + host_or_reference + "' is not an Amazon ECR registry (expected " +
                          "<account>.dkr.ecr.<region>.amazonaws.com or public.ecr.aws); AWS credentials are only sent to ECR");
  return *r;
}

std::string ecr_scope(const aws::ecr_registry& r) { return r.is_public ? "ecr-public" : "ecr:" + r.region; }

bool ecr_token_applies(const std::string& region, bool public_registry, const std::string& host) {
  auto r = aws::parse_ecr_host(host);
  if (!r || r->is_public != public_registry) return false;
  return public_registry || r->region == region;
}

resolution resolve_identity(const credential_request& req, const resolve_inputs& in) {
  const identity_options& o = *in.options;
  const std::string obj = object_name(req);

  // Region first: every identity needs one to be used.
  std::string region = in.ecr ? in.ecr->region : req.region;
  if (region.empty()) region = effective_default_region(o);
  if (region.empty())
    return fail("no AWS region for " + obj + ": set " +
                (req.object.kind == "Bucket" ? std::string(".spec.region on the Bucket")
                                             : std::string("the region on the object")) +
                " or AWS_REGION in the controller's environment (config aws.region)");

  if (!req.sts_endpoint.empty() && !valid_sts_endpoint(req.sts_endpoint))
    return fail("invalid STS endpoint '" + req.sts_endpoint + "' in .spec.sts.endpoint of " + obj + ": must match " +
                    sts_endpoint_pattern,
                reason::invalid_sts_configuration, true);
  if (!req.assume_role_arn.empty() && !valid_role_arn(req.assume_role_arn))
    return fail("invalid role ARN '" + req.assume_role_arn + "' to assume for " + obj + ": must match " +
                role_arn_pattern);

  resolved_identity id;
  id.region = region;
  fetch_plan& plan = id.plan;
  identity_key& key = id.key;

  bool resolved = false;
  // 1. The object's Secret.
  if (!req.secret_ref.empty()) {
    if (req.object.kind == "Bucket" && !req.service_account.empty())
      return fail("cannot set both .spec.secretRef and .spec.serviceAccountName on " + obj, reason::authentication_failed,
                  true);
    auto secret = in.index->secret(req.object.ns, req.secret_ref);
    if (!secret)
      return fail("Secret '" + req.object.ns + "/" + req.secret_ref + "' not found (" + secret_field(req) + " of " + obj +
                  "; a Secret is looked up in the object's own namespace)");
    auto keys = static_keys_of(req, *secret);
    if (keys.error) return std::move(*keys.error);
    if (keys.creds) {
      plan.how = fetch_plan::method::static_keys;
      plan.static_creds = std::move(*keys.creds);
      key.source = "secret";
      key.access_key_id = plan.static_creds.access_key_id;
      key.secret_hash = static_secret_hash(in.salt, plan.static_creds.secret_access_key, plan.static_creds.session_token);
      resolved = true;
    }
  }

  // 2. A ServiceAccount of the object's namespace (named, or the lockdown default).
  if (!resolved) {
    std::string sa = req.service_account;
    bool defaulted = false;
    if (sa.empty()) {
      sa = is_kustomization(req) ? o.default_decryption_service_account : o.default_service_account;
      defaulted = !sa.empty();
    }
    if (!sa.empty()) {
      if (!o.object_level_identity)
        return fail(std::string("to use ") + (is_kustomization(req) ? "spec.decryption.serviceAccountName for decryption"
                                                                      : "spec.serviceAccountName for provider") +
                        " authentication please enable the ObjectLevelWorkloadIdentity feature gate in the controller" +
                        " (" + obj + " names ServiceAccount '" + sa + "')",
                    reason::feature_gate_disabled, true);
      const std::string sa_where = "ServiceAccount '" + req.object.ns + "/" + sa + "'";
      auto account = in.index->service_account(req.object.ns, sa);
      if (!account) {
        if (defaulted)
          return fail("failed to get service account '" + req.object.ns + "/" + sa + "' for " + obj +
                      ": the specified default service account does not exist in the object namespace. your cluster "
                      "is subject to multi-tenant workload identity lockdown, reach out to your cluster administrator "
                      "for help");
        return fail(sa_where + " not found (" + sa_field(req) + " of " + obj +
                    "; a ServiceAccount is looked up in the object's own namespace)");
      }
      std::string role(kube::annotation(*account, role_arn_annotation));
      if (role.empty())
        return fail(sa_where + " used by " + obj + " has no " + role_arn_annotation + " annotation");
      if (!valid_role_arn(role))
        return fail("invalid " + std::string(role_arn_annotation) + " annotation of " + sa_where + " used by " + obj +
                    ": '" + role + "'. must match " + role_arn_pattern);
      auto sts = sts_endpoint_for(req, region, o);
      if (!sts) return fail("cannot resolve the STS endpoint for " + obj + ": " + sts.error().message);
      plan.how = fetch_plan::method::web_identity;
      plan.role_arn = role;
      plan.sa_namespace = req.object.ns;
      plan.sa_name = sa;
      plan.audience = sts_audience;
      plan.session_name = role_session_name(sa, req.object.ns, region);
      plan.sts = std::move(sts.value());
      key.source = "serviceaccount";
      key.role_arn = role;
      key.sa_namespace = req.object.ns;
      key.sa_name = sa;
      key.audiences = {sts_audience};
      key.region = region;
      key.sts_endpoint = req.sts_endpoint;
      resolved = true;
    }
  }

  // 3. The controller's own credentials (default chain), its STS region the object's.
  if (!resolved) {
    aws::env_map env = o.env;
    env["AWS_REGION"] = region;
    auto chosen = aws::choose_source(env);
    if (!chosen)
      return fail("the controller's AWS credentials for " + obj + " are misconfigured: " + chosen.error().message);
    auto& cfg = chosen.value();
    std::string name(aws::source_name(cfg));
    if (name == "imds") {
      if (!req.allow_node_identity)
        return fail("no AWS credentials for " + obj + ": the controller has none configured (static keys, web " +
                    "identity, container credentials), and the node's instance role (IMDS) is used for ECR only; set " +
                    sa_field(req) + " or " + secret_field(req) + ", or give the controller credentials");
      key.source = "node";
    } else {
      key.source = "controller:" + name;
    }
    if (auto* wi = std::get_if<aws::web_identity_config>(&cfg)) {
      key.role_arn = wi->role_arn;
      key.region = region;
      if (!req.sts_endpoint.empty()) {
        auto sts = sts_endpoint_for(req, region, o);
        if (!sts) return fail("cannot resolve the STS endpoint for " + obj + ": " + sts.error().message);
        wi->sts = std::move(sts.value());
        key.sts_endpoint = req.sts_endpoint;
      }
    } else if (auto* st = std::get_if<aws::static_config>(&cfg)) {
      key.access_key_id = st->creds.access_key_id;
      key.secret_hash = static_secret_hash(in.salt, st->creds.secret_access_key, st->creds.session_token);
    }
    plan.how = fetch_plan::method::default_chain;
    plan.chain = std::move(cfg);
  }

  // A role chained on top (SOPS): the base identity is this request without it.
  if (!req.assume_role_arn.empty()) {
    auto sts = sts_endpoint_for(req, region, o);
    if (!sts) return fail("cannot resolve the STS endpoint for " + obj + ": " + sts.error().message);
    plan.assume_role_arn = req.assume_role_arn;
    plan.assume_role_session_name = sops_session_name(o.hostname.empty() ? "fluxaws" : o.hostname);
    plan.sts = std::move(sts.value());
    credential_request base = req;
    base.assume_role_arn.clear();
    plan.base_request = std::move(base);
    key.assume_role_arn = req.assume_role_arn;
    key.region = region;  // the AssumeRole call is regional
  }

  id.key_string = key.canonical();
  id.description = key.describe();
  resolution r;
  r.identity = std::move(id);
  return r;
}

}  // namespace fluxaws::actors
