#include "tests/kube-standin/object_store.hpp"

namespace kstand {

using fluxaws::json::value;

const char* event_type_name(event_type t) {
  switch (t) {
    case event_type::added: return "ADDED";
    case event_type::modified: return "MODIFIED";
    case event_type::deleted: return "DELETED";
  }
  return "ERROR";
}

object_store::object_store(std::size_t history_limit) : history_limit_(history_limit ? history_limit : 1) {}

std::string object_store::position(std::string_view ns, std::string_view name) {
  std::string p(ns);
  p += '/';
  p += name;
  return p;
}

namespace {

std::string meta_string(const value& obj, std::string_view field) {
  const value* v = obj.at({"metadata", field});
  return v ? v->as_string() : std::string();
}

}  // namespace

object_ptr object_store::get(std::string_view resource, std::string_view ns, std::string_view name) const {
  auto r = objects_.find(resource);
  if (r == objects_.end()) return nullptr;
  auto o = r->second.find(position(ns, name));
  return o == r->second.end() ? nullptr : o->second;
}

std::vector<object_ptr> object_store::list(std::string_view resource, std::string_view ns, std::string_view after,
                                           std::size_t limit, bool* more) const {
  std::vector<object_ptr> out;
  if (more) *more = false;
  auto r = objects_.find(resource);
  if (r == objects_.end()) return out;
  const auto& m = r->second;
  std::string prefix = ns.empty() ? std::string() : std::string(ns) + "/";
  auto it = after.empty() ? (prefix.empty() ? m.begin() : m.lower_bound(prefix)) : m.upper_bound(std::string(after));
  for (; it != m.end(); ++it) {
    if (!prefix.empty() && it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (limit && out.size() == limit) {
      if (more) *more = true;
      break;
    }
    out.push_back(it->second);
  }
  return out;
}

object_ptr object_store::put(std::string_view resource, value obj, event_type type) {
  ++rv_;
  obj["metadata"].set("resourceVersion", std::to_string(rv_));
  auto ptr = std::make_shared<const value>(std::move(obj));
  object_ptr& slot = objects_[std::string(resource)][position(meta_string(*ptr, "namespace"), meta_string(*ptr, "name"))];
  object_ptr previous = std::move(slot);
  slot = ptr;
  record({rv_, type, std::string(resource), ptr, std::move(previous)});
  return ptr;
}

object_ptr object_store::remove(std::string_view resource, std::string_view ns, std::string_view name) {
  auto r = objects_.find(resource);
  if (r == objects_.end()) return nullptr;
  auto o = r->second.find(position(ns, name));
  if (o == r->second.end()) return nullptr;
  ++rv_;
  object_ptr previous = o->second;
  value gone = *previous;
  gone["metadata"].set("resourceVersion", std::to_string(rv_));
  r->second.erase(o);
  auto ptr = std::make_shared<const value>(std::move(gone));
  record({rv_, event_type::deleted, std::string(resource), ptr, std::move(previous)});
  return ptr;
}

void object_store::record(store_event ev) {
  history_.push_back(ev);
  while (history_.size() > history_limit_) {
    floor_ = history_.front().rv;
    history_.pop_front();
  }
  // Copy the callbacks first: a callback may (indirectly) unsubscribe.
  std::vector<std::shared_ptr<callback>> targets;
  for (const auto& [id, s] : subs_)
    if (s.resource == ev.resource) targets.push_back(s.cb);
  for (const auto& cb : targets) (*cb)(ev);
}

std::optional<std::vector<const store_event*>> object_store::events_since(uint64_t rv,
                                                                         std::string_view resource) const {
  if (rv < floor_) return std::nullopt;
  std::vector<const store_event*> out;
  for (const auto& ev : history_)
    if (ev.rv > rv && ev.resource == resource) out.push_back(&ev);
  return out;
}

void object_store::compact() {
  history_.clear();
  floor_ = rv_;
}

uint64_t object_store::subscribe(std::string resource, callback cb) {
  auto id = next_sub_++;
  subs_[id] = subscriber{std::move(resource), std::make_shared<callback>(std::move(cb))};
  return id;
}

void object_store::unsubscribe(uint64_t id) { subs_.erase(id); }

void object_store::load(std::string_view resource, value obj) {
  auto ptr = std::make_shared<const value>(std::move(obj));
  objects_[std::string(resource)][position(meta_string(*ptr, "namespace"), meta_string(*ptr, "name"))] = ptr;
}

void object_store::set_rv(uint64_t rv) {
  rv_ = rv;
  history_.clear();
  floor_ = rv;
}

std::vector<std::string> object_store::resources() const {
  std::vector<std::string> out;
  for (const auto& [k, m] : objects_)
    if (!m.empty()) out.push_back(k);
  return out;
}

}  // namespace kstand
