#include "adapters/kube/kube_event.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

namespace {

constexpr std::size_t max_message = 1024;

std::string str_at(const json::value& v, std::initializer_list<std::string_view> path) {
  const json::value* x = v.at(path);
  return x && x->is_string() ? x->as_string() : std::string();
}

const json::value* ready_condition(const json::value& obj) {
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return nullptr;
  for (const auto& c : conds->as_array())
    if (str_at(c, {"type"}) == "Ready") return &c;
  return nullptr;
}

}  // namespace

std::string event_dedup_key(const event_spec& e) {
  const json::value& o = e.involved;
  return std::string(kind_of(o)) + "\n" + std::string(namespace_of(o)) + "\n" + std::string(name_of(o)) + "\n" +
         str_at(o, {"metadata", "uid"}) + "\n" + e.type + "\n" + e.reason + "\n" + e.message;
}

std::string event_name(const json::value& involved) {
  return std::string(name_of(involved)) + "." + enc::hex(digest::random_bytes(8));
}

json::value build_event(const event_spec& e, const std::string& name, const std::string& component,
                        const std::string& instance, timefmt::sys_time now) {
  const json::value& o = e.involved;
  std::string group(api_group(api_version_of(o)));
  json::value ev = json::value::make_object();
  ev.set("apiVersion", "v1");
  ev.set("kind", "Event");
  json::value meta = json::value::make_object();
  meta.set("name", name);
  meta.set("namespace", std::string(namespace_of(o).empty() ? "default" : namespace_of(o)));
  if (!e.metadata.empty()) {
    json::value ann = json::value::make_object();
    for (const auto& [k, v] : e.metadata) ann.set(group.empty() ? k : group + "/" + k, v);
    meta.set("annotations", std::move(ann));
  }
  ev.set("metadata", std::move(meta));
  json::value inv = json::value::make_object();
  inv.set("apiVersion", std::string(api_version_of(o)));
  inv.set("kind", std::string(kind_of(o)));
  inv.set("name", std::string(name_of(o)));
  inv.set("namespace", std::string(namespace_of(o)));
  if (auto uid = str_at(o, {"metadata", "uid"}); !uid.empty()) inv.set("uid", uid);
  if (auto rv = str_at(o, {"metadata", "resourceVersion"}); !rv.empty()) inv.set("resourceVersion", rv);
  ev.set("involvedObject", std::move(inv));
  ev.set("reason", e.reason);
  std::string msg = e.message.size() > max_message ? e.message.substr(0, max_message) : e.message;
  ev.set("message", msg);
  ev.set("type", e.type);
  ev.set("count", 1);
  auto ts = timefmt::rfc3339(now);
  ev.set("firstTimestamp", ts);
  ev.set("lastTimestamp", ts);
  json::value src = json::value::make_object();
  src.set("component", component);
  ev.set("source", std::move(src));
  ev.set("reportingComponent", component);
  ev.set("reportingInstance", instance);
  return ev;
}

json::value event_repeat_patch(int64_t count, timefmt::sys_time now) {
  json::value p = json::value::make_object();
  p.set("count", count);
  p.set("lastTimestamp", timefmt::rfc3339(now));
  return p;
}

std::vector<event_spec> events_for_status(const json::value& before, const json::value& after) {
  std::vector<event_spec> out;
  const json::value* now_ready = ready_condition(after);
  if (!now_ready) return out;
  const json::value* was_ready = before.is_null() ? nullptr : ready_condition(before);
  std::string status = str_at(*now_ready, {"status"});
  std::string reason = str_at(*now_ready, {"reason"});
  std::string message = str_at(*now_ready, {"message"});
  bool changed = !was_ready || str_at(*was_ready, {"status"}) != status || str_at(*was_ready, {"reason"}) != reason ||
                 str_at(*was_ready, {"message"}) != message;
  auto kind = kind_of(after);

  // The revision this object produced or applied.
  std::string revision;
  std::string previous;
  if (kind == "Kustomization") {
    revision = str_at(after, {"status", "lastAppliedRevision"});
    previous = before.is_null() ? "" : str_at(before, {"status", "lastAppliedRevision"});
  } else if (kind == "ImagePolicy") {
    revision = str_at(after, {"status", "latestRef", "tag"});
    if (revision.empty()) revision = str_at(after, {"status", "latestImage"});
    previous = before.is_null() ? "" : str_at(before, {"status", "latestRef", "tag"});
    if (previous.empty() && !before.is_null()) previous = str_at(before, {"status", "latestImage"});
  } else {
    revision = str_at(after, {"status", "artifact", "revision"});
    previous = before.is_null() ? "" : str_at(before, {"status", "artifact", "revision"});
  }

  event_spec e;
  e.involved = after;
  if (!revision.empty()) e.metadata["revision"] = revision;
  if (status == "True") {
    bool new_revision = !revision.empty() && revision != previous;
    if (new_revision && (kind == "Bucket" || kind == "OCIRepository")) {
      e.reason = "NewArtifact";
      e.message = "stored artifact with revision '" + revision + "'";
    } else if (new_revision && kind == "Kustomization") {
      e.reason = "ReconciliationSucceeded";
      e.message = message;
    } else if (new_revision && kind == "ImagePolicy") {
      e.reason = reason.empty() ? "Succeeded" : reason;
      e.message = message;
    } else if (changed && was_ready && str_at(*was_ready, {"status"}) != "True") {
      e.reason = reason.empty() ? "Succeeded" : reason;  // recovered
      e.message = message;
    } else {
      return out;
    }
    out.push_back(std::move(e));
  } else if (status == "False" && changed) {
    e.type = "Warning";
    e.reason = reason.empty() ? "ReconciliationFailed" : reason;
    e.message = message;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace fluxaws::kube
