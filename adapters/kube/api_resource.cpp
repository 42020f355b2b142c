#include "adapters/kube/api_resource.hpp"

#include "adapters/common/encoding.hpp"

namespace fluxaws::kube {

const std::vector<api_resource>& flux_resources() {
  static const std::vector<api_resource> list = {
      {"source.toolkit.fluxcd.io", "v1", "Bucket", "buckets", true},
      {"source.toolkit.fluxcd.io", "v1", "OCIRepository", "ocirepositories", true},
      {"image.toolkit.fluxcd.io", "v1", "ImageRepository", "imagerepositories", true},
      {"image.toolkit.fluxcd.io", "v1", "ImagePolicy", "imagepolicies", true},
      {"kustomize.toolkit.fluxcd.io", "v1", "Kustomization", "kustomizations", true},
  };
  return list;
}

const api_resource& service_account_resource() {
  static const api_resource r{"", "v1", "ServiceAccount", "serviceaccounts", true};
  return r;
}
const api_resource& secret_resource() {
  static const api_resource r{"", "v1", "Secret", "secrets", true};
  return r;
}
const api_resource& event_resource() {
  static const api_resource r{"", "v1", "Event", "events", true};
  return r;
}
const api_resource& lease_resource() {
  static const api_resource r{"coordination.k8s.io", "v1", "Lease", "leases", true};
  return r;
}

const api_resource& namespace_resource() {
  static const api_resource r{"", "v1", "Namespace", "namespaces", false};
  return r;
}

std::optional<api_resource> known_resource(std::string_view kind) {
  for (const auto& r : flux_resources())
    if (r.kind == kind) return r;
  for (const api_resource* r : {&service_account_resource(), &secret_resource(), &event_resource(), &lease_resource(),
                                &namespace_resource()})
    if (r->kind == kind) return *r;
  return std::nullopt;
}

std::string group_version_path(const api_resource& r) {
  return r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
}

std::string collection_path(const api_resource& r, std::string_view ns) {
  std::string p = group_version_path(r);
  if (r.namespaced && !ns.empty()) p += "/namespaces/" + enc::uri_encode(ns);
  return p + "/" + r.plural;
}

std::string object_path(const api_resource& r, std::string_view ns, std::string_view name,
                        std::string_view subresource) {
  std::string p = collection_path(r, r.namespaced ? ns : std::string_view{}) + "/" + enc::uri_encode(name);
  if (!subresource.empty()) p += "/" + std::string(subresource);
  return p;
}

namespace {
void add_param(std::string& q, std::string_view key, std::string_view value) {
  q += q.empty() ? '?' : '&';
  q += key;
  q += '=';
  q += enc::uri_encode(value);
}
}  // namespace

std::string list_query(const list_options& o) {
  std::string q;
  if (o.limit > 0) add_param(q, "limit", std::to_string(o.limit));
  if (!o.continue_token.empty()) add_param(q, "continue", o.continue_token);
  if (!o.label_selector.empty()) add_param(q, "labelSelector", o.label_selector);
  if (!o.field_selector.empty()) add_param(q, "fieldSelector", o.field_selector);
  return q;
}

std::string watch_query(const watch_options& o) {
  std::string q;
  add_param(q, "watch", "1");
  if (!o.resource_version.empty()) add_param(q, "resourceVersion", o.resource_version);
  if (o.allow_bookmarks) add_param(q, "allowWatchBookmarks", "true");
  if (o.timeout_seconds > 0) add_param(q, "timeoutSeconds", std::to_string(o.timeout_seconds));
  if (!o.label_selector.empty()) add_param(q, "labelSelector", o.label_selector);
  if (!o.field_selector.empty()) add_param(q, "fieldSelector", o.field_selector);
  return q;
}

}  // namespace fluxaws::kube
