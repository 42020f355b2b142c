#include "actors/kustomization_spec.hpp"

#include "adapters/common/time.hpp"

namespace fluxaws::actors::kustomization {

namespace {

std::string str_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::optional<std::chrono::milliseconds> duration_at(const json::value& obj,
                                                     std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  if (!v || !v->is_string()) return std::nullopt;
  auto d = timefmt::parse_go_duration(v->as_string());
  if (!d || *d <= std::chrono::nanoseconds{0}) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

// A field counts as set when present and not null, empty list or empty object (the
// API server drops those anyway).
bool is_set(const json::value* v) {
  if (!v || v->is_null()) return false;
  if (v->is_array() || v->is_object()) return v->size() > 0;
  if (v->is_string()) return !v->as_string().empty();
  return true;
}

}  // namespace

spec parse_spec(const json::value& obj) {
  spec s;
  const std::string self_ns(kube::namespace_of(obj));
  s.source.api_version = str_at(obj, {"spec", "sourceRef", "apiVersion"});
  s.source.kind = str_at(obj, {"spec", "sourceRef", "kind"});
  s.source.name = str_at(obj, {"spec", "sourceRef", "name"});
  s.source.ns = str_at(obj, {"spec", "sourceRef", "namespace"});
  if (s.source.ns.empty()) s.source.ns = self_ns;
  s.path = str_at(obj, {"spec", "path"});
  if (auto d = duration_at(obj, {"spec", "interval"})) s.interval = *d;
  s.retry_interval = duration_at(obj, {"spec", "retryInterval"});
  if (auto d = duration_at(obj, {"spec", "timeout"})) s.timeout = *d;
  if (const json::value* v = obj.at({"spec", "suspend"})) s.suspend = v->as_bool();
  if (const json::value* v = obj.at({"spec", "prune"})) s.prune = v->as_bool();
  s.deletion_policy = str_at(obj, {"spec", "deletionPolicy"});
  if (const json::value* d = obj.at({"spec", "decryption"}); d && d->is_object()) {
    decryption_spec ds;
    ds.provider = str_at(*d, {"provider"});
    ds.secret_ref = str_at(*d, {"secretRef", "name"});
    ds.service_account = str_at(*d, {"serviceAccountName"});
    s.decryption = std::move(ds);
  }
  s.target_namespace = str_at(obj, {"spec", "targetNamespace"});
  s.service_account = str_at(obj, {"spec", "serviceAccountName"});
  if (const json::value* deps = obj.at({"spec", "dependsOn"})) {
    for (const auto& d : deps->as_array()) {
      dependency dep;
      dep.name = str_at(d, {"name"});
      dep.ns = str_at(d, {"namespace"});
      if (dep.ns.empty()) dep.ns = self_ns;
      if (!dep.name.empty()) s.depends_on.push_back(std::move(dep));
    }
  }
  static const char* const kUnsupported[] = {"patches",  "images",         "namePrefix", "nameSuffix",
                                             "components", "postBuild",    "commonMetadata",
                                             "kubeConfig", "healthCheckExprs", "patchesStrategicMerge",
                                             "patchesJson6902"};
  for (const char* f : kUnsupported)
    if (is_set(obj.at({"spec", f}))) s.unsupported.push_back(std::string("spec.") + f);
  return s;
}

std::optional<reconcile_error> validate(const spec& s, const kube::object_key& self, const engine_options& opts) {
  if (s.decryption && !s.decryption->service_account.empty() && !opts.object_level_identity)
    return reconcile_error::stalling("FeatureGateDisabled",
                                     "to use spec.decryption.serviceAccountName for decryption authentication please "
                                     "enable the ObjectLevelWorkloadIdentity feature gate in the controller");
  if (opts.no_cross_namespace_refs && s.source.ns != self.ns)
    return reconcile_error::stalling("AccessDenied", "can't access '" + source_display(s) +
                                                         "', cross-namespace references have been blocked");
  if (s.source.kind != "Bucket" && s.source.kind != "OCIRepository")
    return reconcile_error::stalling(
        "ArtifactFailed", "source `" + s.source.name + "` kind '" + s.source.kind +
                              "' not supported by fluxaws (it reconciles Bucket and OCIRepository sources)");
  if (!s.unsupported.empty()) {
    std::string fields;
    for (const auto& f : s.unsupported) fields += (fields.empty() ? "" : ", ") + f;
    return reconcile_error::stalling("BuildFailed", fields + (s.unsupported.size() == 1 ? " is" : " are") +
                                                        " not supported by fluxaws: it builds plain manifests and "
                                                        "kustomization.yaml resources, with targetNamespace");
  }
  if (s.decryption && s.decryption->provider != "sops")
    return reconcile_error::stalling("BuildFailed",
                                     "decryption provider '" + s.decryption->provider + "' is not supported (only sops)");
  return std::nullopt;
}

kube::object_key source_key(const spec& s) { return kube::object_key{s.source.kind, s.source.ns, s.source.name}; }

std::string source_display(const spec& s) { return s.source.kind + "/" + s.source.ns + "/" + s.source.name; }

std::chrono::milliseconds effective_timeout(const spec& s) {
  return s.timeout.count() > 0 ? s.timeout : s.interval;
}

std::chrono::milliseconds effective_retry_interval(const spec& s) {
  return s.retry_interval ? *s.retry_interval : s.interval;
}

bool delete_on_removal(const spec& s) {
  if (s.deletion_policy == "Orphan") return false;
  if (s.deletion_policy == "Delete" || s.deletion_policy == "WaitForTermination") return true;
  return s.prune;
}

std::string impersonated_user(const spec& s, const std::string& ns, const engine_options& opts) {
  // fluxcd/pkg runtime/client Impersonator: the object's ServiceAccount wins over the default.
  const std::string& name = !s.service_account.empty() ? s.service_account : opts.default_service_account;
  if (name.empty()) return {};
  return "system:serviceaccount:" + ns + ":" + name;
}

}  // namespace fluxaws::actors::kustomization
