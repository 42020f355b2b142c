#include "tests/integration/cluster_e2e/iam_world.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

#include "tests/integration/cluster_e2e/cluster_env.hpp"
#include "tests/integration/cluster_e2e/process.hpp"

namespace e2e {

namespace fs = std::filesystem;
using fluxaws::json::value;

namespace {

const std::set<std::string> kAllKinds = {"Bucket", "OCIRepository", "ImageRepository", "Kustomization"};

// What each shipped action is for: the kinds that cannot work without it. An action
// with no entry fails the test, so a policy that gains an action gains an expectation.
const std::map<std::string, std::set<std::string>>& needs() {
  static const std::map<std::string, std::set<std::string>> m = {
      {"ecr:GetAuthorizationToken", {"OCIRepository", "ImageRepository"}},
      {"ecr:ListImages", {"ImageRepository"}},  // the OCIRepository names its tag
      {"ecr:BatchGetImage", {"OCIRepository"}},
      {"ecr:GetDownloadUrlForLayer", {"OCIRepository"}},
      {"s3:ListBucket", {"Bucket"}},
      {"s3:GetObject", {"Bucket"}},
      {"kms:Decrypt", {"Kustomization"}},
      {"sts:AssumeRoleWithWebIdentity", {"Bucket", "OCIRepository", "ImageRepository"}},
  };
  return m;
}

std::string lower_dashed(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ':' || c == '_' || c == '.') c = '-';
  }
  return s;
}

value parse_or_throw(const std::string& text, const std::string& what) {
  std::string err;
  auto doc = fluxaws::json::parse(text, &err);
  if (!doc) throw std::runtime_error(what + ": not JSON: " + err);
  return *doc;
}

value string_array(std::initializer_list<std::string> items) {
  value a = value::make_array();
  for (const auto& i : items) a.push_back(value(i));
  return a;
}

}  // namespace

std::string pod_identity_token(const std::string& service_account) {
  return "e2e-iam-pod-identity-token-" + service_account;
}

std::string iam_key_arn() { return std::string("arn:aws:kms:") + kIamRegion + ":" + kAccount + ":key/" + kIamKeyId; }

value render_shipped(const std::string& file, const std::string& ns, const std::string& sa) {
  const std::string path = std::string(FLUXAWS_DEPLOY_DIR) + "/aws/" + file;
  auto r = run({"/bin/bash", std::string(FLUXAWS_DEPLOY_DIR) + "/aws/render.sh", path,
                std::string("ACCOUNT_ID=") + kAccount, std::string("REGION=") + kIamRegion,
                std::string("BUCKET_NAME=") + kIamBucket, std::string("KMS_KEY_ID=") + kIamKeyId,
                std::string("REPOSITORY_NAME=") + kIamRepository, std::string("OIDC_PROVIDER=") + kIamOidcProvider,
                "NAMESPACE=" + ns, "SERVICE_ACCOUNT=" + sa},
               std::chrono::seconds(30));
  if (r.exit_code != 0) throw std::runtime_error("render.sh " + file + " failed: " + r.err);
  return parse_or_throw(r.out, file);
}

std::vector<std::string> policy_actions(const value& policy) {
  std::vector<std::string> out;
  auto add = [&](const value& st) {
    const value* a = st.find("Action");
    if (!a) return;
    if (a->is_string()) out.push_back(a->as_string());
    for (const auto& x : a->as_array()) out.push_back(x.as_string());
  };
  const value* sts = policy.find("Statement");
  if (!sts) return out;
  if (sts->is_object()) add(*sts);
  for (const auto& st : sts->as_array()) add(st);
  return out;
}

value without_action(const value& policy, const std::string& action) {
  value out = policy;
  value* sts = out.find("Statement");
  if (!sts) return out;
  if (sts->is_object()) {
    value one = *sts;
    *sts = value::make_array();
    sts->push_back(std::move(one));
  }
  value kept = value::make_array();
  for (auto st : sts->as_array()) {
    value* a = st.find("Action");
    if (a && a->is_string() && a->as_string() == action) continue;  // its only action
    if (a && a->is_array()) {
      value left = value::make_array();
      for (const auto& x : a->as_array())
        if (x.as_string() != action) left.push_back(x);
      if (left.size() == 0) continue;
      *a = std::move(left);
    }
    kept.push_back(std::move(st));
  }
  *sts = std::move(kept);
  return out;
}

iam_world_files write_iam_world(const std::string& dir) {
  iam_world_files files;
  const std::string worlds = FLUXAWS_EMULATOR_WORLDS;
  const std::vector<std::string> permission_docs = {"policy-ecr-read.json", "policy-s3-read.json",
                                                    "policy-kms-decrypt.json"};

  value roles = value::make_array();
  auto add_role = [&](const std::string& name, const value& trust, const std::vector<value>& policies) {
    value role = value::make_object();
    role.set("name", name);
    role.set("trustPolicy", fluxaws::json::dump(trust));  // as the JSON text IAM takes
    value ps = value::make_array();
    for (const auto& p : policies) ps.push_back(value(fluxaws::json::dump(p)));
    role.set("policies", std::move(ps));
    roles.push_back(std::move(role));
  };
  auto permissions = [&](const std::string& ns, const std::string& skip_doc, const std::string& skip_action) {
    std::vector<value> out;
    for (const auto& doc : permission_docs) {
      value p = render_shipped(doc, ns, "flux");
      out.push_back(doc == skip_doc ? without_action(p, skip_action) : p);
    }
    return out;
  };
  // An IRSA/OIDC variant: namespace ns, its ServiceAccount flux trusted by trust_doc.
  auto add_variant = [&](const std::string& ns, const std::string& trust_doc, const std::string& doc,
                         const std::string& action) {
    iam_variant v;
    v.ns = ns;
    v.role = "e2e-" + ns;
    v.document = doc;
    v.action = action;
    value trust = render_shipped(trust_doc, ns, "flux");
    if (doc == trust_doc) trust = without_action(trust, action);
    add_role(v.role, trust, permissions(ns, doc, action));
    if (action.empty()) {
      v.ready = kAllKinds;
    } else {
      auto it = needs().find(action);
      if (it == needs().end())
        throw std::runtime_error("no expectation for " + action + " of deploy/aws/" + doc +
                                 ": say in iam_world.cpp which objects need it");
      v.failing = it->second;
      for (const auto& k : kAllKinds)
        if (!v.failing.count(k) && !(k == "Kustomization" && v.failing.count("Bucket"))) v.ready.insert(k);
    }
    files.variants.push_back(std::move(v));
  };

  // The full documents, through both federation trust documents.
  add_variant("full-irsa", "trust-irsa.json", "", "");
  add_variant("full-oidc", "trust-oidc.json", "", "");
  // Every action of every permission document, one at a time.
  for (const auto& doc : permission_docs)
    for (const auto& action : policy_actions(render_shipped(doc, "x", "flux")))
      add_variant("no-" + lower_dashed(action), "trust-irsa.json", doc, action);
  // Every action of the federation trust documents.
  for (const auto& trust_doc : std::vector<std::string>{"trust-irsa.json", "trust-oidc.json"})
    for (const auto& action : policy_actions(render_shipped(trust_doc, "x", "flux")))
      add_variant("no-" + lower_dashed(trust_doc.substr(0, trust_doc.size() - 5)) + "-" + lower_dashed(action),
                  trust_doc, trust_doc, action);

  // EKS Pod Identity: the controller's own role, and one role per trust action removed.
  value pod_trust = render_shipped("trust-pod-identity.json", "flux-system", "fluxaws");
  files.controller_role = "e2e-controller";
  add_role(files.controller_role, pod_trust, permissions("flux-system", "", ""));
  value associations = value::make_array();
  auto associate = [&](const std::string& sa, const std::string& role) {
    value a = value::make_object();
    a.set("namespace", "flux-system");
    a.set("serviceAccount", sa);
    a.set("role", role);
    associations.push_back(std::move(a));
  };
  associate("fluxaws", files.controller_role);
  files.pod_identity.push_back({"fluxaws", files.controller_role, ""});
  for (const auto& action : policy_actions(pod_trust)) {
    pod_identity_variant v;
    v.service_account = "no-" + lower_dashed(action);
    v.role = "e2e-pod-identity-" + v.service_account;
    v.action = action;
    add_role(v.role, without_action(pod_trust, action), permissions("flux-system", "", ""));
    associate(v.service_account, v.role);
    files.pod_identity.push_back(std::move(v));
  }

  // The setup user writes the fixtures (not a shipped document: the test's own).
  value setup_policy = parse_or_throw(
      std::string(R"({"Version":"2012-10-17","Statement":[)") +
          R"({"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::)" + kIamBucket + R"(/*"},)" +
          R"({"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Encrypt"],"Resource":")" + iam_key_arn() +
          R"("}]})",
      "setup policy");
  value key = value::make_object();
  key.set("id", kIamSetupKeyId);
  key.set("secret", kIamSetupSecret);
  value keys = value::make_array();
  keys.push_back(std::move(key));
  value setup = value::make_object();
  setup.set("name", "setup");
  setup.set("accessKeys", std::move(keys));
  value setup_policies = value::make_array();
  setup_policies.push_back(std::move(setup_policy));
  setup.set("policies", std::move(setup_policies));
  value users = value::make_array();
  users.push_back(std::move(setup));

  value provider = value::make_object();
  provider.set("url", std::string("https://") + kIamOidcProvider);
  provider.set("audiences", string_array({"sts.amazonaws.com"}));
  provider.set("publicKey", worlds + "/conformance-oidc.pub");
  value providers = value::make_array();
  providers.push_back(std::move(provider));

  value tokens = value::make_array();
  for (const auto& v : files.pod_identity) {
    value token = value::make_object();
    token.set("token", pod_identity_token(v.service_account));
    token.set("namespace", "flux-system");
    token.set("serviceAccount", v.service_account);
    tokens.push_back(std::move(token));
  }

  value iam = value::make_object();
  iam.set("oidcProviders", std::move(providers));
  iam.set("users", std::move(users));
  iam.set("roles", std::move(roles));
  iam.set("podIdentityAssociations", std::move(associations));
  iam.set("podIdentityTokens", std::move(tokens));

  // The bucket starts with one plain file; the SOPS Secret is written once the emulator runs.
  const std::string bucket_dir = dir + "/bucket";
  write_file(bucket_dir + "/README.txt", "fluxaws e2e IAM bucket\n");
  value bucket = value::make_object();
  bucket.set("name", kIamBucket);
  bucket.set("region", kIamRegion);
  bucket.set("dir", bucket_dir);
  value buckets = value::make_array();
  buckets.push_back(std::move(bucket));
  value s3 = value::make_object();
  s3.set("buckets", std::move(buckets));

  value artifacts = value::make_array();
  for (const auto& tag : std::vector<std::string>{"v1.0.0", "v1.1.0"}) {
    value a = value::make_object();
    a.set("tags", string_array({tag}));
    a.set("dir", worlds + "/conformance/artifacts/tenant-a-manifests-" + tag);
    artifacts.push_back(std::move(a));
  }
  value repo = value::make_object();
  repo.set("name", kIamRepository);
  repo.set("region", kIamRegion);
  repo.set("artifacts", std::move(artifacts));
  value repos = value::make_array();
  repos.push_back(std::move(repo));
  value ecr = value::make_object();
  ecr.set("repositories", std::move(repos));

  // No key policy: KMS's default, which delegates to IAM (the roles' policies decide).
  value kms_key = value::make_object();
  kms_key.set("id", kIamKeyId);
  kms_key.set("region", kIamRegion);
  kms_key.set("aliases", string_array({"alias/fluxaws-e2e"}));
  value kms_keys = value::make_array();
  kms_keys.push_back(std::move(kms_key));
  value kms = value::make_object();
  kms.set("keys", std::move(kms_keys));

  value world = value::make_object();
  world.set("accounts", string_array({kAccount}));
  world.set("regions", string_array({kIamRegion}));
  world.set("iam", std::move(iam));
  world.set("s3", std::move(s3));
  world.set("ecr", std::move(ecr));
  world.set("kms", std::move(kms));
  files.world = dir + "/iam-world.yaml";
  write_file(files.world, "# Generated by cluster_e2e_iam_test from deploy/aws (JSON is YAML).\n" +
                              fluxaws::json::dump(world, 2) + "\n");
  return files;
}

}  // namespace e2e
