#include "adapters/kube/finalizers.hpp"

namespace fluxaws::kube {

bool being_deleted(const json::value& obj) {
  const json::value* ts = obj.at({"metadata", "deletionTimestamp"});
  return ts && ts->is_string() && !ts->as_string().empty();
}

bool has_finalizer(const json::value& obj, std::string_view finalizer) {
  const json::value* list = obj.at({"metadata", "finalizers"});
  if (!list) return false;
  for (const auto& f : list->as_array())
    if (f.is_string() && f.as_string() == finalizer) return true;
  return false;
}

std::optional<json::value> finalizer_removal_patch(const json::value& obj, std::string_view finalizer) {
  if (!has_finalizer(obj, finalizer)) return std::nullopt;
  json::value rest = json::value::make_array();
  for (const auto& f : obj.at({"metadata", "finalizers"})->as_array())
    if (!(f.is_string() && f.as_string() == finalizer)) rest.push_back(f);
  json::value patch = json::value::make_object();
  json::value& meta = patch["metadata"];
  if (const json::value* rv = obj.at({"metadata", "resourceVersion"}); rv && rv->is_string())
    meta.set("resourceVersion", rv->as_string());
  meta.set("finalizers", std::move(rest));
  return patch;
}

}  // namespace fluxaws::kube
