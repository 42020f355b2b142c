#include "actors/imagerepository_spec.hpp"

#include "adapters/common/time.hpp"

namespace fluxaws::actors::imagerepository {

namespace {

// A Go duration field ("1m", "30s"); fallback when absent, invalid or not positive.
// (kind_reconciler's duration_field, without depending on the actor core: this file is
// pure logic, also built into the image policy benchmark.)
std::chrono::milliseconds go_duration_field(const json::value& obj, std::initializer_list<std::string_view> path,
                                         std::chrono::milliseconds fallback) {
  const json::value* v = obj.at(path);
  if (!v || !v->is_string()) return fallback;
  auto d = timefmt::parse_go_duration(v->as_string());
  if (!d || *d <= std::chrono::nanoseconds{0}) return fallback;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::string string_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

error_info url_invalid(std::string message) { return make_error(reason_image_url_invalid, std::move(message)); }

}  // namespace

spec parse_spec(const json::value& obj) {
  spec s;
  s.image = string_at(obj, {"spec", "image"});
  s.interval = go_duration_field(obj, {"spec", "interval"}, std::chrono::minutes(1));
  if (const json::value* t = obj.at({"spec", "timeout"}); t && t->is_string()) {
    auto d = go_duration_field(obj, {"spec", "timeout"}, std::chrono::milliseconds(0));
    if (d > std::chrono::milliseconds(0)) s.timeout = d;
  }
  auto provider = string_at(obj, {"spec", "provider"});
  if (!provider.empty()) s.provider = provider;
  s.secret_ref = string_at(obj, {"spec", "secretRef", "name"});
  s.service_account = string_at(obj, {"spec", "serviceAccountName"});
  if (const json::value* list = obj.at({"spec", "exclusionList"}); list && list->is_array())
    for (const auto& p : list->as_array())
      if (p.is_string()) s.exclusion_list.push_back(p.as_string());
  if (s.exclusion_list.empty()) s.exclusion_list.emplace_back(default_exclusion);
  if (const json::value* v = obj.at({"spec", "insecure"})) s.insecure = v->as_bool();
  if (const json::value* v = obj.at({"spec", "suspend"})) s.suspend = v->as_bool();
  s.cert_secret_ref = obj.at({"spec", "certSecretRef"}) != nullptr;
  s.proxy_secret_ref = obj.at({"spec", "proxySecretRef"}) != nullptr;
  return s;
}

std::chrono::milliseconds timeout_of(const spec& s) {
  auto d = s.timeout ? *s.timeout : s.interval;
  return d < std::chrono::seconds(1) ? std::chrono::milliseconds(std::chrono::seconds(1)) : d;
}

result<oci::repository_ref> parse_image(std::string_view image) {
  std::string text(image);
  if (auto scheme = text.find("://"); scheme != std::string::npos)
    return url_invalid("image '" + text + "' should not include URL scheme; remove '" + text.substr(0, scheme) +
                       "://'");
  auto parsed = oci::parse_image_reference(image);
  if (!parsed) return url_invalid(parsed.error().message);
  if (!parsed->digest.empty())
    return url_invalid("image '" + text + "' should not include a digest; remove '@" + parsed->digest + "'");
  if (!parsed->tag.empty())
    return url_invalid("image '" + text + "' should not include a tag; remove ':" + parsed->tag + "'");
  return parsed->repo;
}

std::string canonical_name(const oci::repository_ref& repo) {
  // go-containerregistry names Docker Hub by its registry host, not its alias.
  if (repo.registry == oci::docker_hub) return "index.docker.io/" + repo.repository;
  return repo.name();
}

std::optional<reconcile_error> validate(const spec& s) {
  if (s.provider != "generic" && s.provider != "aws")
    return reconcile_error::stalling("InvalidSpec", "provider '" + s.provider +
                                                        "' is not reconciled by fluxaws (supported: aws, generic)");
  if (s.cert_secret_ref)
    return reconcile_error::stalling("InvalidSpec", "spec.certSecretRef is not supported by fluxaws");
  if (s.proxy_secret_ref)
    return reconcile_error::stalling("InvalidSpec", "spec.proxySecretRef is not supported by fluxaws");
  if (auto ref = parse_image(s.image); !ref)
    return reconcile_error::stalling(reason_image_url_invalid, ref.error().message);
  return std::nullopt;
}

}  // namespace fluxaws::actors::imagerepository
