// object_store.hpp — the stand-in's etcd: every object by resource, namespace and name,
// one global resourceVersion counter, and a bounded history of change events from
// which watches resume.
//
// Contract:
//   - Objects are immutable snapshots (shared_ptr<const json::value>); a write
//     replaces the snapshot, stamps metadata.resourceVersion with the next counter
//     value and records an event. Listing order is namespace then name.
//   - events_since(rv) returns every retained event after rv, or nullopt when rv is
//     older than the history kept (the caller answers 410 Gone / Expired). History is
//     bounded by count; compact() drops it all (what an etcd compaction does to
//     watchers), so any rv older than the current one then expires.
//   - Subscribers are called synchronously, in write order, for every event of their
//     resource; they must not write to the store from the callback.
//   - Not thread-safe: the stand-in runs on one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"

namespace kstand {

using object_ptr = std::shared_ptr<const fluxaws::json::value>;

enum class event_type { added, modified, deleted };
const char* event_type_name(event_type t);  // "ADDED", "MODIFIED", "DELETED"

struct store_event {
  uint64_t rv = 0;
  event_type type = event_type::added;
  std::string resource;  // the resource key "<group>/<plural>"
  object_ptr object;     // the object after the change (for DELETED: as deleted, with the new rv)
  object_ptr previous;   // the object before the change (null for ADDED)
};

class object_store {
 public:
  explicit object_store(std::size_t history_limit = 10000);

  uint64_t current_rv() const { return rv_; }
  // Watching from any rv >= this is possible without a 410.
  uint64_t oldest_watchable_rv() const { return floor_; }

  object_ptr get(std::string_view resource, std::string_view ns, std::string_view name) const;
  // ns empty: every namespace. Objects whose position ("ns/name") is > after, at most
  // limit of them (0: no limit); *more is set when objects remain.
  std::vector<object_ptr> list(std::string_view resource, std::string_view ns, std::string_view after = {},
                               std::size_t limit = 0, bool* more = nullptr) const;
  static std::string position(std::string_view ns, std::string_view name);

  // Stores obj (its metadata.namespace/name say where) as ADDED or MODIFIED.
  object_ptr put(std::string_view resource, fluxaws::json::value obj, event_type type);
  // Removes and records DELETED; nullptr when absent.
  object_ptr remove(std::string_view resource, std::string_view ns, std::string_view name);

  std::optional<std::vector<const store_event*>> events_since(uint64_t rv, std::string_view resource) const;
  void compact();

  using callback = std::function<void(const store_event&)>;
  uint64_t subscribe(std::string resource, callback cb);
  void unsubscribe(uint64_t id);
  std::size_t subscribers() const { return subs_.size(); }

  // Loading saved state: objects keep their resourceVersion; no events are recorded.
  void load(std::string_view resource, fluxaws::json::value obj);
  void set_rv(uint64_t rv);  // also resets history: nothing older is watchable
  std::vector<std::string> resources() const;

 private:
  void record(store_event ev);

  std::size_t history_limit_;
  uint64_t rv_ = 1, floor_ = 1, next_sub_ = 1;
  std::map<std::string, std::map<std::string, object_ptr>, std::less<>> objects_;
  std::deque<store_event> history_;
  struct subscriber {
    std::string resource;
    std::shared_ptr<callback> cb;
  };
  std::map<uint64_t, subscriber> subs_;
};

}  // namespace kstand
