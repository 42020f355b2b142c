#include "benchmarks/tenant_scale/src/object_generator.hpp"

#include <fstream>

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/yaml_json.hpp"

namespace fluxaws::bench {

namespace fs = std::filesystem;

namespace {

constexpr const char* ci_keys_secret = "bench-ci-keys";
constexpr const char* ecr_pull_secret = "ecr-pull";

std::string seconds(std::chrono::seconds s) { return std::to_string(s.count()) + "s"; }

json::value meta(const std::string& name, const std::string& ns) {
  json::value m = json::value::make_object();
  m["name"] = name;
  if (!ns.empty()) m["namespace"] = ns;
  return m;
}

json::value object(const char* api, const char* kind, const std::string& name, const std::string& ns) {
  json::value o = json::value::make_object();
  o["apiVersion"] = api;
  o["kind"] = kind;
  o["metadata"] = meta(name, ns);
  return o;
}

void append(std::string& out, const json::value& v) {
  if (!out.empty()) out += "---\n";
  out += yamljson::to_yaml(v);
}

json::value namespace_object(const std::string& ns) { return object("v1", "Namespace", ns, ""); }

json::value service_account_object(const plan_options& plan, int i) {
  json::value sa = object("v1", "ServiceAccount", service_account, tenant(i));
  sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] = role_arn(plan, i);
  return sa;
}

json::value ci_keys(const std::string& ns) {
  json::value s = object("v1", "Secret", ci_keys_secret, ns);
  s["type"] = "Opaque";
  s["stringData"]["accesskey"] = ci_access_key;
  s["stringData"]["secretkey"] = ci_secret_key;
  // The same keys in the SOPS decryption Secret format (Kustomization's static form).
  s["stringData"]["sops.aws-kms"] = std::string("aws_access_key_id: ") + ci_access_key +
                                    "\naws_secret_access_key: " + ci_secret_key + "\n";
  return s;
}

json::value ecr_pull(const std::string& ns, const std::string& password, const std::string& host) {
  json::value s = object("v1", "Secret", ecr_pull_secret, ns);
  s["type"] = "kubernetes.io/dockerconfigjson";
  json::value cfg = json::value::make_object();
  cfg["auths"][host]["auth"] = enc::base64("AWS:" + password);
  s["stringData"][".dockerconfigjson"] = json::dump(cfg);
  return s;
}

void authenticate(json::value& o, auth_form form, const char* secret) {
  if (form == auth_form::aws_identity) {
    o["spec"]["provider"] = "aws";
    o["spec"]["serviceAccountName"] = service_account;
  } else {
    o["spec"]["provider"] = "generic";
    o["spec"]["secretRef"]["name"] = secret;
  }
}

json::value bucket(const std::string& name, const std::string& ns, const std::string& bucket_name_, auth_form form,
                   const std::string& interval) {
  json::value b = object("source.toolkit.fluxcd.io/v1", "Bucket", name, ns);
  b["spec"]["bucketName"] = bucket_name_;
  b["spec"]["endpoint"] = "s3.amazonaws.com";
  b["spec"]["region"] = region;
  authenticate(b, form, ci_keys_secret);
  b["spec"]["interval"] = interval;
  return b;
}

json::value oci_repository(const plan_options& plan, const std::string& name, int i, int n, auth_form form,
                           const std::string& interval) {
  json::value o = object("source.toolkit.fluxcd.io/v1", "OCIRepository", name, tenant(i));
  o["spec"]["url"] = "oci://" + registry_host(tenant_account(plan, i)) + "/" + artifact_repository(i);
  if (n % 2 == 0)
    o["spec"]["ref"]["tag"] = artifact_tag;
  else
    o["spec"]["ref"]["semver"] = ">=1.0.0";
  authenticate(o, form, ecr_pull_secret);
  o["spec"]["interval"] = interval;
  return o;
}

json::value image_repository_object(const std::string& name, const std::string& ns, const std::string& image,
                                    auth_form form, const std::string& interval) {
  json::value o = object("image.toolkit.fluxcd.io/v1", "ImageRepository", name, ns);
  o["spec"]["image"] = image;
  authenticate(o, form, ecr_pull_secret);
  o["spec"]["interval"] = interval;
  // Flux's default timeout is the interval; the benchmark's short intervals (for the
  // steady-state window) would make it seconds, which no real ImageRepository has.
  o["spec"]["timeout"] = "60s";
  return o;
}

json::value image_policy(const std::string& name, const std::string& ns, const std::string& repository_name) {
  json::value o = object("image.toolkit.fluxcd.io/v1", "ImagePolicy", name, ns);
  o["spec"]["imageRepositoryRef"]["name"] = repository_name;
  o["spec"]["policy"]["semver"]["range"] = ">=1.0.0";
  return o;
}

json::value kustomization(const std::string& name, int i, const std::string& source, auth_form form,
                          const std::string& interval) {
  json::value k = object("kustomize.toolkit.fluxcd.io/v1", "Kustomization", name, tenant(i));
  k["spec"]["interval"] = interval;
  k["spec"]["timeout"] = "60s";  // as for ImageRepository: not the short interval
  k["spec"]["sourceRef"]["kind"] = "Bucket";
  k["spec"]["sourceRef"]["name"] = source;
  k["spec"]["path"] = "./";
  k["spec"]["prune"] = true;
  k["spec"]["targetNamespace"] = tenant(i);
  k["spec"]["decryption"]["provider"] = "sops";
  if (form == auth_form::aws_identity)
    k["spec"]["decryption"]["serviceAccountName"] = service_account;
  else
    k["spec"]["decryption"]["secretRef"]["name"] = ci_keys_secret;
  return k;
}

bool any_static(const object_forms& f) {
  for (const auto& [kind, form] : f.forms)
    if (form == auth_form::static_keys) return true;
  return false;
}

std::string image_name(int n) { return n == 0 ? "app" : n == 1 ? "worker" : "image-" + std::to_string(n); }

const char* lower_kind(const std::string& kind) {
  if (kind == "Bucket") return "bucket";
  if (kind == "OCIRepository") return "ocirepository";
  if (kind == "ImageRepository") return "imagerepository";
  if (kind == "ImagePolicy") return "imagepolicy";
  return "kustomization";
}

}  // namespace

std::map<std::string, int> objects_per_tenant(const plan_options& plan, const object_forms& f) {
  std::map<std::string, int> n;
  for (const auto& k : all_kinds()) n[k] = 0;
  if (f.has("Bucket")) n["Bucket"] = 1;
  if (f.has("OCIRepository")) n["OCIRepository"] = plan.oci_repositories;
  if (f.has("ImageRepository")) n["ImageRepository"] = plan.image_repositories;
  if (f.has("ImageRepository") && f.has("ImagePolicy")) n["ImagePolicy"] = plan.image_repositories;
  if (f.has("Bucket") && f.has("Kustomization")) n["Kustomization"] = 1;
  return n;
}

std::string tenant_objects_yaml(const plan_options& plan, int i, const object_forms& f) {
  std::string out;
  std::string ns = tenant(i);
  std::string host = registry_host(tenant_account(plan, i));
  append(out, namespace_object(ns));
  append(out, service_account_object(plan, i));
  if (any_static(f)) {
    append(out, ci_keys(ns));
    append(out, ecr_pull(ns, f.ecr_password, host));
  }
  auto counts = objects_per_tenant(plan, f);
  if (counts["Bucket"])
    append(out, bucket("manifests", ns, bucket_name(i), f.forms.at("Bucket"), seconds(plan.bucket_interval)));
  if (counts["Kustomization"])
    append(out, kustomization("apps", i, "manifests", f.forms.at("Kustomization"), seconds(plan.kustomization_interval)));
  for (int n = 0; n < counts["OCIRepository"]; ++n)
    append(out, oci_repository(plan, "config-" + std::to_string(n), i, n, f.forms.at("OCIRepository"),
                               seconds(plan.oci_interval)));
  for (int n = 0; n < counts["ImageRepository"]; ++n)
    append(out, image_repository_object(image_name(n), ns, host + "/" + image_repository(i, n),
                                        f.forms.at("ImageRepository"), seconds(plan.image_repository_interval)));
  for (int n = 0; n < counts["ImagePolicy"]; ++n) append(out, image_policy(image_name(n), ns, image_name(n)));
  return out;
}

std::string probe_object_name(const std::string& kind, auth_form form, auth_form source_form) {
  std::string name = std::string("probe-") + (form == auth_form::aws_identity ? "aws" : "static") + "-" +
                     lower_kind(kind);
  if (kind == "ImagePolicy" || kind == "Kustomization")
    name += std::string("-via-") + (source_form == auth_form::aws_identity ? "aws" : "static");
  return name;
}

std::string probe_objects_yaml(const plan_options& plan, const std::string& ecr_password) {
  std::string out;
  std::string ns = tenant(0);
  std::string host = registry_host(tenant_account(plan, 0));
  append(out, namespace_object(ns));
  append(out, service_account_object(plan, 0));
  append(out, ci_keys(ns));
  append(out, ecr_pull(ns, ecr_password, host));
  std::string interval = "10m";
  for (auth_form form : {auth_form::aws_identity, auth_form::static_keys}) {
    append(out, bucket(probe_object_name("Bucket", form), ns, bucket_name(0), form, interval));
    append(out, oci_repository(plan, probe_object_name("OCIRepository", form), 0, 0, form, interval));
    append(out, image_repository_object(probe_object_name("ImageRepository", form), ns,
                                        host + "/" + image_repository(0, 0), form, interval));
  }
  // Dependents: ImagePolicy in its repository's form; Kustomization in each decryption
  // form over each Bucket form.
  for (auth_form source : {auth_form::aws_identity, auth_form::static_keys}) {
    append(out, image_policy(probe_object_name("ImagePolicy", source, source), ns,
                             probe_object_name("ImageRepository", source)));
    for (auth_form form : {auth_form::aws_identity, auth_form::static_keys})
      append(out, kustomization(probe_object_name("Kustomization", form, source), 0,
                                probe_object_name("Bucket", source), form, interval));
  }
  return out;
}

std::string peer_bucket_objects_yaml(const std::string& interval) {
  std::string out;
  append(out, namespace_object(peer_namespace));
  append(out, ci_keys(peer_namespace));
  append(out, bucket("peer", peer_namespace, peer_bucket, auth_form::static_keys, interval));
  return out;
}

std::string peer_image_objects_yaml(const std::string& ecr_password, const std::string& interval) {
  std::string out;
  append(out, namespace_object(peer_namespace));
  std::string host = registry_host(account_id(0));
  append(out, ecr_pull(peer_namespace, ecr_password, host));
  append(out, image_repository_object("peer", peer_namespace, host + "/" + peer_repository, auth_form::static_keys,
                                      interval));
  return out;
}

status write_objects(const plan_options& plan, const object_forms& f, const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("io", "cannot create " + dir.string() + ": " + ec.message());
  for (int i = 0; i < plan.tenants; ++i) {
    fs::path p = dir / (tenant(i) + ".yaml");
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << tenant_objects_yaml(plan, i, f);
    out.close();
    if (!out) return make_error("io", "cannot write " + p.string());
  }
  return {};
}

}  // namespace fluxaws::bench
