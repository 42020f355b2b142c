#include "actors/kustomization_source.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::kustomization {

namespace {

std::string str_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

const json::value* condition_of(const json::value& object, std::string_view type) {
  const json::value* conds = object.at({"status", "conditions"});
  if (!conds) return nullptr;
  for (const auto& c : conds->as_array()) {
    const json::value* t = c.find("type");
    if (t && t->as_string() == type) return &c;
  }
  return nullptr;
}

std::string condition_status(const json::value& object, std::string_view type) {
  const json::value* c = condition_of(object, type);
  return c ? str_at(*c, {"status"}) : std::string();
}

}  // namespace

std::optional<source_artifact> artifact_of(const json::value& status) {
  const json::value* a = status.find("artifact");
  if (!a || !a->is_object()) return std::nullopt;
  source_artifact out;
  out.url = str_at(*a, {"url"});
  out.revision = str_at(*a, {"revision"});
  out.digest = str_at(*a, {"digest"});
  out.origin_revision = str_at(*a, {"metadata", "org.opencontainers.image.revision"});
  if (out.url.empty() || out.revision.empty()) return std::nullopt;
  return out;
}

std::string artifact_token(const json::value& status) {
  auto a = artifact_of(status);
  return a ? a->revision + "\n" + a->digest + "\n" + a->url : std::string();
}

bool settled_not_ready(const json::value& object) {
  if (condition_status(object, "Ready") != "False") return false;
  if (condition_status(object, "Reconciling") != "True") return true;
  // A failed reconcile keeps Reconciling=True with reason ProgressingWithRetry until its
  // retry: it has finished (for --once, for good).
  const json::value* conds = object.at({"status", "conditions"});
  if (conds)
    for (const auto& c : conds->as_array())
      if (c.find("type") && c.find("type")->as_string() == "Reconciling")
        return c.find("reason") && c.find("reason")->as_string() == "ProgressingWithRetry";
  return false;
}

std::optional<std::string> dependency_not_ready(const dependency& d, const json::value& dep, const spec& self,
                                                const source_artifact& artifact) {
  const std::string name = d.ns + "/" + d.name;
  const std::string not_ready = "dependency '" + name + "' is not ready";
  const json::value* conds = dep.at({"status", "conditions"});
  const json::value* observed = dep.at({"status", "observedGeneration"});
  if (!conds || conds->size() == 0 || !observed || observed->as_int(-1) != kube::generation_of(dep))
    return not_ready;
  if (condition_status(dep, "Ready") != "True") return not_ready;
  // Same source: the dependency must have applied the revision we are about to.
  std::string dep_src_ns = str_at(dep, {"spec", "sourceRef", "namespace"});
  if (dep_src_ns.empty()) dep_src_ns = std::string(kube::namespace_of(dep));
  if (str_at(dep, {"spec", "sourceRef", "name"}) == self.source.name && dep_src_ns == self.source.ns &&
      str_at(dep, {"spec", "sourceRef", "kind"}) == self.source.kind &&
      str_at(dep, {"status", "lastAppliedRevision"}) != artifact.revision)
    return "dependency '" + name + "' revision is not up to date";
  return std::nullopt;
}

status verify_artifact_digest(std::string_view expected, std::string_view got_sha256_hex) {
  if (expected.empty()) return status{};
  if (!str::starts_with(expected, "sha256:"))
    return make_error("ArtifactFailed", "failed to verify artifact: unsupported digest algorithm in '" +
                                            std::string(expected) + "'");
  if (str::to_lower(expected.substr(7)) != str::to_lower(got_sha256_hex))
    return make_error("ArtifactFailed",
                      "failed to verify artifact: computed digest doesn't match '" + std::string(expected) + "'");
  return status{};
}

}  // namespace fluxaws::actors::kustomization
