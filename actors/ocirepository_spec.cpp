#include "actors/ocirepository_spec.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::actors::ocirepo {

namespace {

std::string string_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

bool present(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && !v->is_null();
}

}  // namespace

spec parse_spec(const json::value& obj) {
  spec s;
  s.url = string_at(obj, {"spec", "url"});
  if (const json::value* r = obj.at({"spec", "ref"}); r && r->is_object()) {
    ref_spec ref;
    ref.digest = string_at(*r, {"digest"});
    ref.semver = string_at(*r, {"semver"});
    ref.semver_filter = string_at(*r, {"semverFilter"});
    ref.tag = string_at(*r, {"tag"});
    s.ref = ref;
  }
  s.layer = layer_selector_from(obj.at({"spec", "layerSelector"}));
  if (auto p = string_at(obj, {"spec", "provider"}); !p.empty()) s.provider = p;
  s.secret_ref = string_at(obj, {"spec", "secretRef", "name"});
  s.service_account = string_at(obj, {"spec", "serviceAccountName"});
  if (const json::value* ig = obj.at({"spec", "ignore"}); ig && ig->is_string()) s.ignore = ig->as_string();
  if (const json::value* in = obj.at({"spec", "insecure"})) s.insecure = in->as_bool();
  s.has_verify = present(obj, {"spec", "verify"});
  s.verify_provider = string_at(obj, {"spec", "verify", "provider"});
  s.has_cert_secret_ref = present(obj, {"spec", "certSecretRef"});
  s.has_proxy_secret_ref = present(obj, {"spec", "proxySecretRef"});
  return s;
}

std::optional<reconcile_error> validate(const spec& s) {
  if (s.has_verify) {
    std::string provider = s.verify_provider.empty() ? "cosign" : s.verify_provider;
    return reconcile_error::stalling(
        "VerificationError",
        "spec.verify is not supported: fluxaws does not verify OCI artifact signatures (provider '" + provider +
            "'); remove spec.verify to pull this artifact unverified, or reconcile this OCIRepository with Flux's "
            "source-controller");
  }
  if (s.provider != "aws" && s.provider != "generic")
    return reconcile_error::stalling("InvalidProviderConfiguration",
                                     "spec.provider '" + s.provider +
                                         "' is not supported by fluxaws: use 'aws' (Amazon ECR) or 'generic'");
  if (s.has_cert_secret_ref)
    return reconcile_error::stalling("InvalidSpec",
                                     "spec.certSecretRef is not supported by fluxaws: the registry's TLS certificate "
                                     "must be trusted by the controller's CA bundle (http.caFile)");
  if (s.has_proxy_secret_ref)
    return reconcile_error::stalling("InvalidSpec",
                                     "spec.proxySecretRef is not supported by fluxaws: set the proxy in the "
                                     "controller's configuration (http.proxy)");
  return std::nullopt;
}

result<oci::repository_ref> parse_url(const std::string& url) {
  constexpr std::string_view prefix = "oci://";
  if (!str::starts_with(url, prefix))
    return make_error("URLInvalid", "URL must be in format 'oci://<domain>/<org>/<repo>'");
  // parseRepository: whatever follows the registry may not carry ":<tag>".
  std::string_view rest = std::string_view(url).substr(prefix.size());
  auto slash = rest.find('/');
  if (slash != std::string_view::npos && rest.find('@') == std::string_view::npos) {
    auto image = rest.substr(slash);
    if (auto colon = image.find(':'); colon != std::string_view::npos) {
      auto tag = image.substr(colon + 1);
      if (auto end = tag.find(':'); end != std::string_view::npos) tag = tag.substr(0, end);
      return make_error("URLInvalid", "URL must not contain a tag; remove ':" + std::string(tag) + "'");
    }
  }
  auto repo = oci::parse_oci_url(url);
  if (!repo) return make_error("URLInvalid", repo.error().message);
  return repo;
}

json::value layer_selector_json(const layer_selector& l) {
  json::value v = json::value::make_object();
  if (!l.media_type.empty()) v["mediaType"] = l.media_type;
  if (!l.operation.empty()) v["operation"] = l.operation;
  return v;
}

std::optional<layer_selector> layer_selector_from(const json::value* v) {
  if (!v || !v->is_object()) return std::nullopt;
  layer_selector l;
  if (const json::value* m = v->find("mediaType")) l.media_type = m->as_string();
  if (const json::value* o = v->find("operation")) l.operation = o->as_string();
  return l;
}

bool content_config_changed(const spec& s, const json::value& status) {
  std::optional<std::string> observed_ignore;
  if (const json::value* oi = status.find("observedIgnore"); oi && oi->is_string()) observed_ignore = oi->as_string();
  if (s.ignore != observed_ignore) return true;
  return s.layer != layer_selector_from(status.find("observedLayerSelector"));
}

}  // namespace fluxaws::actors::ocirepo
