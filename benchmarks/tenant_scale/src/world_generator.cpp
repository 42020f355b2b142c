#include "benchmarks/tenant_scale/src/world_generator.hpp"

#include <cstdio>
#include <fstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/encrypt.hpp"
#include "tests/emulator/kms_blob.hpp"

namespace fluxaws::bench {

namespace fs = std::filesystem;

namespace {

std::string go_duration_of(std::chrono::microseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "ms";
  return std::to_string(d.count()) + "us";
}

json::value statement(const char* effect, json::value actions, json::value resources) {
  json::value s = json::value::make_object();
  s["Effect"] = effect;
  s["Action"] = std::move(actions);
  s["Resource"] = std::move(resources);
  return s;
}

json::value policy(std::vector<json::value> statements) {
  json::value p = json::value::make_object();
  p["Version"] = "2012-10-17";
  json::value list = json::value::make_array();
  for (auto& s : statements) list.push_back(std::move(s));
  p["Statement"] = std::move(list);
  return p;
}

json::value strings(std::initializer_list<std::string> items) {
  json::value a = json::value::make_array();
  for (const auto& s : items) a.push_back(s);
  return a;
}

json::value ecr_read_actions() {
  return strings({"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability",
                  "ecr:ListImages", "ecr:DescribeImages"});
}

json::value principal_aws(std::initializer_list<std::string> arns) {
  json::value p = json::value::make_object();
  p["AWS"] = strings(arns);
  return p;
}

json::value tenant_role(const plan_options& plan, int i) {
  std::string acct = tenant_account(plan, i);
  json::value role = json::value::make_object();
  role["name"] = tenant(i);
  role["account"] = acct;
  json::value trust = json::value::make_object();
  trust["Effect"] = "Allow";
  trust["Principal"]["Federated"] = "arn:aws:iam::" + acct + ":oidc-provider/" + oidc_host;
  trust["Action"] = "sts:AssumeRoleWithWebIdentity";
  trust["Condition"]["StringEquals"][std::string(oidc_host) + ":aud"] = "sts.amazonaws.com";
  trust["Condition"]["StringEquals"][std::string(oidc_host) + ":sub"] =
      "system:serviceaccount:" + tenant(i) + ":" + service_account;
  role["trustPolicy"] = policy({trust});
  std::string bucket = "arn:aws:s3:::" + bucket_name(i);
  std::string repos = std::string("arn:aws:ecr:") + region + ":" + acct + ":repository/" + tenant(i) + "/*";
  json::value policies = json::value::make_array();
  policies.push_back(policy({
      statement("Allow", strings({"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"}),
                strings({bucket, bucket + "/*"})),
      statement("Allow", "ecr:GetAuthorizationToken", "*"),
      statement("Allow", ecr_read_actions(), repos),
      statement("Allow", strings({"kms:Decrypt", "kms:DescribeKey"}), kms_key_arn(plan, i)),
  }));
  role["policies"] = std::move(policies);
  return role;
}

// Resource policies letting the bench-ci user (first account) in: the static stand-in
// reads every tenant's bucket, repositories and key, whatever account they live in.
json::value ci_resource_policy(json::value actions, json::value resources) {
  json::value s = statement("Allow", std::move(actions), std::move(resources));
  s["Principal"] = principal_aws({ci_user_arn()});
  return policy({s});
}

json::value key_policy(const plan_options& plan, int i) {
  // A key policy is authoritative: it names the tenant's role and the bench-ci user.
  json::value s = statement("Allow", strings({"kms:Decrypt", "kms:DescribeKey"}), "*");
  s["Principal"] = principal_aws({role_arn(plan, i), ci_user_arn()});
  return policy({s});
}

json::value ci_user_object() {
  json::value u = json::value::make_object();
  u["name"] = ci_user;
  json::value key = json::value::make_object();
  key["id"] = ci_access_key;
  key["secret"] = ci_secret_key;
  json::value keys = json::value::make_array();
  keys.push_back(std::move(key));
  u["accessKeys"] = std::move(keys);
  json::value policies = json::value::make_array();
  policies.push_back(policy({
      statement("Allow", strings({"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"}), "arn:aws:s3:::*"),
      statement("Allow", "ecr:GetAuthorizationToken", "*"),
      statement("Allow", ecr_read_actions(), "arn:aws:ecr:*:*:repository/*"),
      statement("Allow", "kms:Decrypt", "arn:aws:kms:*:*:key/*"),
  }));
  u["policies"] = std::move(policies);
  return u;
}

json::value repository(const std::string& name, const std::string& account) {
  json::value r = json::value::make_object();
  r["name"] = name;
  r["account"] = account;
  r["region"] = region;
  return r;
}

json::value tag_range(const std::string& format, int from, int to) {
  json::value t = json::value::make_object();
  t["format"] = format;
  t["from"] = from;
  t["to"] = to;
  json::value a = json::value::make_array();
  a.push_back(std::move(t));
  return a;
}

json::value fault_profile() {
  json::value f = json::value::make_object();
  for (const char* service : {"sts", "ecr", "kms", "s3", "registry"}) {
    f[service]["throttle"] = 0.02;
    f[service]["error500"] = 0.005;
    f[service]["error503"] = 0.005;
  }
  return f;
}

std::string configmap_yaml(int n) {
  char name[32];
  std::snprintf(name, sizeof name, "config-%02d", n);
  return std::string("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ") + name +
         "\n  labels:\n    app.kubernetes.io/part-of: tenant-scale-bench\ndata:\n  index: \"" + std::to_string(n) +
         "\"\n  settings.yaml: |\n    replicas: 2\n    logLevel: info\n    feature: bench-" + std::to_string(n) + "\n";
}

std::string configmap_file(int n) {
  char name[32];
  std::snprintf(name, sizeof name, "config-%02d.yaml", n);
  return name;
}

status write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return make_error("io", "cannot write " + p.string());
  return {};
}

}  // namespace

json::value world_document(const plan_options& plan, const oidc_key_pair& oidc) {
  json::value w = json::value::make_object();
  json::value accounts = json::value::make_array();
  for (int k = 0; k < account_count(plan); ++k) accounts.push_back(account_id(k));
  w["accounts"] = std::move(accounts);
  w["regions"] = strings({region});
  w["sts"]["credentialLifetime"] = "1h";
  w["ecr"]["tokenLifetime"] = "12h";

  // The same issuer registered in every account (as each account of an organization
  // registers its cluster's OIDC provider); the emulator consults the role's account.
  json::value providers = json::value::make_array();
  for (int k = 0; k < account_count(plan); ++k) {
    json::value provider = json::value::make_object();
    provider["url"] = oidc_issuer;
    provider["account"] = account_id(k);
    provider["audiences"] = strings({"sts.amazonaws.com"});
    provider["publicKey"] = oidc.public_key;
    provider["privateKey"] = oidc.private_key;
    providers.push_back(std::move(provider));
  }
  w["iam"]["oidcProviders"] = std::move(providers);
  json::value users = json::value::make_array();
  users.push_back(ci_user_object());
  w["iam"]["users"] = std::move(users);

  json::value roles = json::value::make_array();
  json::value buckets = json::value::make_array();
  json::value repos = json::value::make_array();
  json::value keys = json::value::make_array();
  json::value repo_policy = ci_resource_policy(ecr_read_actions(), "*");
  for (int i = 0; i < plan.tenants; ++i) {
    std::string acct = tenant_account(plan, i);
    roles.push_back(tenant_role(plan, i));
    json::value b = json::value::make_object();
    b["name"] = bucket_name(i);
    b["account"] = acct;
    b["region"] = region;
    b["dir"] = "buckets/" + bucket_name(i);
    std::string barn = "arn:aws:s3:::" + bucket_name(i);
    b["policy"] = ci_resource_policy(strings({"s3:ListBucket", "s3:GetBucketLocation", "s3:GetObject"}),
                                     strings({barn, barn + "/*"}));
    buckets.push_back(std::move(b));
    for (int n = 0; n < plan.image_repositories; ++n) {
      json::value r = repository(image_repository(i, n), acct);
      r["tagRanges"] = tag_range("1.0.%d", 0, plan.image_tags - 1);
      r["policy"] = repo_policy;
      repos.push_back(std::move(r));
    }
    if (plan.oci_repositories > 0) {
      json::value r = repository(artifact_repository(i), acct);
      r["policy"] = repo_policy;
      json::value art = json::value::make_object();
      art["tags"] = strings({artifact_tag});
      art["dir"] = "artifact";
      art["annotations"]["org.opencontainers.image.source"] = "https://example.invalid/tenant-scale-bench";
      art["annotations"]["org.opencontainers.image.revision"] =
          std::string(artifact_tag) + "@sha1:1111111111111111111111111111111111111111";
      json::value arts = json::value::make_array();
      arts.push_back(std::move(art));
      r["artifacts"] = std::move(arts);
      repos.push_back(std::move(r));
    }
    json::value k = json::value::make_object();
    k["id"] = kms_key_id(i);
    k["account"] = acct;
    k["region"] = region;
    k["policy"] = key_policy(plan, i);
    k["aliases"] = strings({"alias/" + tenant(i)});
    k["material"] = enc::base64(derived_key("kms-material/" + tenant(i)));
    keys.push_back(std::move(k));
  }
  if (plan.peer_bucket_objects > 0) {
    json::value b = json::value::make_object();
    b["name"] = peer_bucket;
    b["account"] = account_id(0);
    b["region"] = region;
    b["dir"] = "peer-bucket";
    buckets.push_back(std::move(b));
  }
  if (plan.peer_repository_tags > 0) {
    json::value r = repository(peer_repository, account_id(0));
    r["tagRanges"] = tag_range("1.%d.0", 0, plan.peer_repository_tags - 1);
    repos.push_back(std::move(r));
  }
  w["iam"]["roles"] = std::move(roles);
  w["s3"]["buckets"] = std::move(buckets);
  w["ecr"]["repositories"] = std::move(repos);
  w["kms"]["keys"] = std::move(keys);
  json::value lat = json::value::make_object();
  lat["fixed"] = go_duration_of(plan.latency.fixed);
  lat["jitter"] = go_duration_of(plan.latency.jitter);
  w["latency"]["default"] = std::move(lat);
  if (plan.faults) w["faults"] = fault_profile();
  return w;
}

result<std::string> sops_secret_yaml(const plan_options& plan, int tenant_index, int index) {
  std::string label = tenant(tenant_index) + "/secret-" + std::to_string(index);
  std::string data_key = derived_key("data-key/" + label);
  std::string material = derived_key("kms-material/" + tenant(tenant_index));
  sops::kms_entry kms;
  kms.arn = kms_key_arn(plan, tenant_index);
  kms.enc = enc::base64(emu::kms_blob::seal(material, kms.arn, data_key, {}));
  kms.created_at = "2025-01-01T00:00:00Z";
  json::value s = json::value::make_object();
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = "secret-" + std::to_string(index);
  s["type"] = "Opaque";
  s["stringData"]["username"] = tenant(tenant_index);
  s["stringData"]["password"] = enc::hex(derived_key("password/" + label)).substr(0, 24);
  auto opts = sops::encrypt_options::for_kubernetes_secret({kms});
  opts.lastmodified = "2025-01-01T00:00:00Z";
  auto out = sops::encrypt_manifest(s, data_key, opts);
  if (!out) return make_error("sops", "encrypting " + label + ": " + out.error().message);
  return yamljson::to_yaml(*out);
}

result<std::vector<bucket_file>> tenant_bucket_files(const plan_options& plan, int tenant_index) {
  std::vector<bucket_file> files;
  int secrets = std::min(plan.sops_secrets, plan.bucket_objects);
  for (int n = 1; n <= plan.bucket_objects - secrets; ++n) files.push_back({configmap_file(n), "", configmap_file(n)});
  for (int k = 1; k <= secrets; ++k) {
    auto y = sops_secret_yaml(plan, tenant_index, k);
    if (!y) return y.error();
    files.push_back({"secret-" + std::to_string(k) + ".yaml", std::move(*y), ""});
  }
  return files;
}

result<world_files> write_world(const plan_options& plan, const fs::path& dir, const oidc_key_pair& oidc) {
  std::error_code ec;
  for (const char* sub : {"buckets", "shared", "artifact", "peer-bucket"}) {
    fs::create_directories(dir / sub, ec);
    if (ec) return make_error("io", "cannot create " + (dir / sub).string() + ": " + ec.message());
  }
  for (int n = 1; n <= plan.bucket_objects; ++n)
    if (auto st = write_file(dir / "shared" / configmap_file(n), configmap_yaml(n)); !st) return st.error();
  if (auto st = write_file(dir / "artifact" / "configmap.yaml",
                           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  release: v1.0.0\n");
      !st)
    return st.error();
  for (int i = 0; i < plan.tenants; ++i) {
    fs::path bdir = dir / "buckets" / bucket_name(i);
    fs::create_directories(bdir, ec);
    if (ec) return make_error("io", "cannot create " + bdir.string() + ": " + ec.message());
    auto files = tenant_bucket_files(plan, i);
    if (!files) return files.error();
    for (const auto& f : *files) {
      if (!f.shared_name.empty()) {
        fs::remove(bdir / f.name, ec);
        fs::create_hard_link(dir / "shared" / f.shared_name, bdir / f.name, ec);
        if (!ec) continue;
        fs::copy_file(dir / "shared" / f.shared_name, bdir / f.name, fs::copy_options::overwrite_existing, ec);
        if (ec) return make_error("io", "cannot write " + (bdir / f.name).string() + ": " + ec.message());
        continue;
      }
      if (auto st = write_file(bdir / f.name, f.content); !st) return st.error();
    }
  }
  for (int n = 0; n < plan.peer_bucket_objects; ++n) {
    char name[64];
    std::snprintf(name, sizeof name, "object-%04d.txt", n);
    if (auto st = write_file(dir / "peer-bucket" / name, "peer object " + std::to_string(n) + "\n"); !st)
      return st.error();
  }
  world_files out;
  out.dir = dir;
  out.world = dir / "world.yaml";
  std::string text = "# Generated by bench_tenant_scale (benchmarks/tenant_scale). Test material only.\n" +
                     yamljson::to_yaml(world_document(plan, oidc));
  if (auto st = write_file(out.world, text); !st) return st.error();
  return out;
}

}  // namespace fluxaws::bench
