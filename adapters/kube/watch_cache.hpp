// What a list+watch of one resource has seen, as plain logic (client-go's reflector
// and store): a full listing replaces the cache and yields the differences — so a
// relist after 410 Gone or a reconnect delivers every deletion missed meanwhile —
// and each watch event updates it. The resourceVersion to resume from advances with
// every event and bookmark.
//
// Contract:
//  - Objects get apiVersion and kind filled in (list items of built-in types lack them).
//  - An object is "modified" when its resourceVersion (or, without one, its JSON) changed;
//    re-listing unchanged objects yields nothing.
//  - retain(key) decides which objects are kept at all (Secrets and ServiceAccounts:
//    only referenced ones). Events for others only advance the resourceVersion.
//  - An ERROR event answers relist (410 Gone, or any other error: the stream's position
//    is unknown), a bookmark or a duplicate answers nothing.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/manifest_set.hpp"
#include "adapters/kube/watch_event.hpp"

namespace fluxaws::kube {

class watch_cache {
 public:
  using retain_fn = std::function<bool(const object_key&)>;

  explicit watch_cache(api_resource resource, retain_fn retain = {});

  std::vector<object_change> replace(std::vector<json::value> items, std::string list_resource_version);

  enum class action { none, deliver, relist };
  struct step {
    action what = action::none;
    std::optional<object_change> change;
  };
  step apply(watch_event ev);

  // Stores or forgets one object outside the watch (a GET of a newly referenced
  // Secret, a reference dropped); returns the change to deliver, if any.
  std::optional<object_change> put(json::value obj);
  std::optional<object_change> forget(const object_key& key);

  const std::string& resource_version() const { return resource_version_; }
  bool listed() const { return listed_; }
  void mark_stale() { listed_ = false; }
  const std::map<object_key, json::value>& objects() const { return objects_; }
  const json::value* find(const object_key& key) const;
  const api_resource& resource() const { return resource_; }

 private:
  void stamp(json::value& obj) const;
  bool keep(const object_key& key) const { return !retain_ || retain_(key); }

  api_resource resource_;
  retain_fn retain_;
  std::map<object_key, json::value> objects_;
  std::string resource_version_;
  bool listed_ = false;
};

// metadata.resourceVersion of an object, empty when absent.
std::string resource_version_of(const json::value& obj);

}  // namespace fluxaws::kube
