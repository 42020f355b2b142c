#include "adapters/kube/watch_cache.hpp"

namespace fluxaws::kube {

std::string resource_version_of(const json::value& obj) {
  const json::value* rv = obj.at({"metadata", "resourceVersion"});
  return rv && rv->is_string() ? rv->as_string() : std::string();
}

namespace {
bool changed(const json::value& before, const json::value& after) {
  auto a = resource_version_of(before);
  auto b = resource_version_of(after);
  if (!a.empty() && !b.empty()) return a != b;
  return !(before == after);
}
}  // namespace

watch_cache::watch_cache(api_resource resource, retain_fn retain)
    : resource_(std::move(resource)), retain_(std::move(retain)) {}

void watch_cache::stamp(json::value& obj) const {
  if (!obj.is_object()) return;
  if (!obj.find("apiVersion") || !obj.find("apiVersion")->is_string()) obj.set("apiVersion", resource_.api_version());
  if (!obj.find("kind") || !obj.find("kind")->is_string()) obj.set("kind", resource_.kind);
}

const json::value* watch_cache::find(const object_key& key) const {
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<object_change> watch_cache::replace(std::vector<json::value> items, std::string list_rv) {
  std::vector<object_change> out;
  std::map<object_key, json::value> next;
  for (auto& item : items) {
    stamp(item);
    auto key = key_of(item);
    if (key.name.empty() || !keep(key)) continue;
    next.insert_or_assign(key, std::move(item));
  }
  for (auto& [key, obj] : objects_) {
    if (!next.count(key)) out.push_back({object_change::type::deleted, key, obj});
  }
  for (auto& [key, obj] : next) {
    auto it = objects_.find(key);
    if (it == objects_.end()) out.push_back({object_change::type::added, key, obj});
    else if (changed(it->second, obj)) out.push_back({object_change::type::modified, key, obj});
  }
  objects_ = std::move(next);
  resource_version_ = std::move(list_rv);
  listed_ = true;
  return out;
}

watch_cache::step watch_cache::apply(watch_event ev) {
  step s;
  if (ev.kind == watch_event::type::error) {
    s.what = action::relist;
    listed_ = false;
    return s;
  }
  auto rv = ev.resource_version();
  if (!rv.empty()) resource_version_ = rv;
  if (ev.kind == watch_event::type::bookmark) return s;
  stamp(ev.object);
  auto key = key_of(ev.object);
  auto it = objects_.find(key);
  if (ev.kind == watch_event::type::deleted) {
    if (it == objects_.end()) return s;
    s.change = object_change{object_change::type::deleted, key, std::move(ev.object)};
    objects_.erase(it);
    s.what = action::deliver;
    return s;
  }
  if (!keep(key)) return s;
  if (it == objects_.end()) {
    s.change = object_change{object_change::type::added, key, ev.object};
    objects_.emplace(key, std::move(ev.object));
  } else {
    if (!changed(it->second, ev.object)) return s;
    s.change = object_change{object_change::type::modified, key, ev.object};
    it->second = std::move(ev.object);
  }
  s.what = action::deliver;
  return s;
}

std::optional<object_change> watch_cache::put(json::value obj) {
  stamp(obj);
  auto key = key_of(obj);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    objects_.emplace(key, obj);
    return object_change{object_change::type::added, key, std::move(obj)};
  }
  if (!changed(it->second, obj)) return std::nullopt;
  it->second = obj;
  return object_change{object_change::type::modified, key, std::move(obj)};
}

std::optional<object_change> watch_cache::forget(const object_key& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  object_change ch{object_change::type::deleted, key, std::move(it->second)};
  objects_.erase(it);
  return ch;
}

}  // namespace fluxaws::kube
