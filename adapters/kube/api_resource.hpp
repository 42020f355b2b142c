// The Kubernetes resources fluxaws talks to and the REST paths and query strings
// built for them: collections, single objects, subresources (status, token), list
// pages and watches.
//
// Contract: names and selectors are percent-encoded where they go into a query; a
// namespace-scoped resource with an empty namespace means "all namespaces".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fluxaws::kube {

struct api_resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string kind;     // "Bucket"
  std::string plural;   // "buckets"
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

// The Flux kinds fluxaws reconciles, then ServiceAccount and Secret.
const std::vector<api_resource>& flux_resources();
const api_resource& service_account_resource();
const api_resource& secret_resource();
const api_resource& event_resource();
const api_resource& lease_resource();
const api_resource& namespace_resource();  // cluster-scoped
// Looks a kind up among the resources above.
std::optional<api_resource> known_resource(std::string_view kind);

// "/api/v1" or "/apis/<group>/<version>"
std::string group_version_path(const api_resource& r);
// .../namespaces/<ns>/<plural> (or .../<plural> for all namespaces / cluster scope)
std::string collection_path(const api_resource& r, std::string_view ns);
// .../<plural>/<name>[/<subresource>]
std::string object_path(const api_resource& r, std::string_view ns, std::string_view name,
                        std::string_view subresource = "");

struct list_options {
  std::string label_selector;
  std::string field_selector;
  int limit = 500;
  std::string continue_token;
};
struct watch_options {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;
  int timeout_seconds = 300;
  bool allow_bookmarks = true;
};

std::string list_query(const list_options& o);    // "?limit=500&labelSelector=..."
std::string watch_query(const watch_options& o);  // "?watch=1&resourceVersion=...&allowWatchBookmarks=true..."

}  // namespace fluxaws::kube
