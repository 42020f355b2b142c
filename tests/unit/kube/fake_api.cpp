#include "fake_api.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace fluxaws::test {

using kube::api_request;
using kube::api_response;

namespace {
std::string strip_query(const std::string& p) { return p.substr(0, p.find('?')); }
std::string parent_of(const std::string& p) { return p.substr(0, p.rfind('/')); }
api_response answer(int status, const json::value& body) { return api_response{status, json::dump(body), {}}; }
api_response status_answer(int code, const std::string& reason, const std::string& msg) {
  json::value s = json::value::make_object();
  s.set("kind", "Status");
  s.set("status", "Failure");
  s.set("reason", reason);
  s.set("message", msg);
  s.set("code", code);
  return answer(code, s);
}
void merge_into(json::value& target, const json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target = json::value::make_object();
  for (const auto& [k, v] : patch.as_object()) {
    if (v.is_null()) target.erase(k);
    else merge_into(target[k], v);
  }
}
}  // namespace

void fake_store::put(const std::string& path, json::value obj) {
  std::lock_guard<std::mutex> lock(mu);
  obj["metadata"]["resourceVersion"] = std::to_string(++rv);
  objects[path] = std::move(obj);
}

std::optional<json::value> fake_store::get(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu);
  auto it = objects.find(path);
  if (it == objects.end()) return std::nullopt;
  return it->second;
}

std::vector<api_request> fake_store::requests(const std::string& method, const std::string& prefix) {
  std::lock_guard<std::mutex> lock(mu);
  std::vector<api_request> out;
  for (const auto& r : log)
    if (r.method == method && r.path.rfind(prefix, 0) == 0) out.push_back(r);
  return out;
}

api_response fake_store::handle(const api_request& req) {
  {
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(req);
  }
  if (intercept)
    if (auto a = intercept(req)) return *a;
  std::lock_guard<std::mutex> lock(mu);
  auto path = strip_query(req.path);
  auto body = json::parse(req.body);
  if (req.method == "GET") {
    if (auto it = objects.find(path); it != objects.end()) return answer(200, it->second);
    if (collections.count(path)) {
      json::value list = json::value::make_object();
      list["metadata"]["resourceVersion"] = std::to_string(rv);
      json::value items = json::value::make_array();
      for (const auto& [p, o] : objects)
        if (parent_of(p) == path) items.push_back(o);
      list.set("items", std::move(items));
      return answer(200, list);
    }
    return status_answer(404, "NotFound", path + " not found");
  }
  if (req.method == "POST") {
    if (!body) return status_answer(400, "BadRequest", "not JSON");
    auto name = body->at({"metadata", "name"});
    auto target = path + "/" + (name ? name->as_string() : "");
    if (objects.count(target)) return status_answer(409, "AlreadyExists", target + " already exists");
    (*body)["metadata"]["resourceVersion"] = std::to_string(++rv);
    objects[target] = *body;
    return answer(201, *body);
  }
  if (req.method == "PUT") {
    auto it = objects.find(path);
    if (it == objects.end()) return status_answer(404, "NotFound", path + " not found");
    if (!body) return status_answer(400, "BadRequest", "not JSON");
    auto want = body->at({"metadata", "resourceVersion"});
    auto have = it->second.at({"metadata", "resourceVersion"});
    if (want && have && want->as_string() != have->as_string())
      return status_answer(409, "Conflict", "the object has been modified; please apply your changes to the latest version");
    (*body)["metadata"]["resourceVersion"] = std::to_string(++rv);
    it->second = *body;
    return answer(200, *body);
  }
  if (req.method == "PATCH") {
    if (!body) return status_answer(400, "BadRequest", "not JSON");
    if (path.size() > 7 && path.substr(path.size() - 7) == "/status") {
      auto it = objects.find(path.substr(0, path.size() - 7));
      if (it == objects.end()) return status_answer(404, "NotFound", path + " not found");
      merge_into(it->second, *body);
      it->second["metadata"]["resourceVersion"] = std::to_string(++rv);
      return answer(200, it->second);
    }
    auto it = objects.find(path);
    if (req.content_type == "application/merge-patch+json") {
      if (it == objects.end()) return status_answer(404, "NotFound", path + " not found");
      merge_into(it->second, *body);
      return answer(200, it->second);
    }
    (*body)["metadata"]["resourceVersion"] = std::to_string(++rv);
    objects[path] = *body;  // apply: the whole intent
    return answer(200, *body);
  }
  if (req.method == "DELETE") {
    if (!objects.erase(path)) return status_answer(404, "NotFound", path + " not found");
    return answer(200, json::value::make_object());
  }
  return status_answer(405, "MethodNotAllowed", req.method);
}

namespace {
struct fake_client_state {
  static inline const char* name = "fluxaws.test.fake_kube_client";
  fake_client_state() = default;
};
kube::client_actor::behavior_type fake_client(kube::client_actor::stateful_pointer<fake_client_state>,
                                              std::shared_ptr<fake_store> store) {
  return {
      [store](kube::api_atom, kube::api_request& req) { return store->handle(req); },
      [](kube::stream_atom) {
        kube::stream_grant g;
        g.server = "https://fake.invalid";
        g.headers.emplace_back("Authorization", "Bearer test-token");
        return g;
      },
  };
}

struct sink_state {
  static inline const char* name = "fluxaws.test.recording_sink";
  sink_state() = default;
};
kube::change_sink_actor::behavior_type recording_sink(kube::change_sink_actor::stateful_pointer<sink_state>,
                                                      std::shared_ptr<recorded_changes> rec) {
  return {
      [rec](kube::change_atom, kube::object_change& ch) {
        std::lock_guard<std::mutex> lock(rec->mu);
        rec->changes.push_back(std::move(ch));
      },
      [rec](kube::sync_atom) {
        std::lock_guard<std::mutex> lock(rec->mu);
        ++rec->synced;
      },
      [](kube::issue_atom, std::string&) {},
  };
}
}  // namespace

kube::client_actor spawn_fake_client(caf::actor_system& sys, std::shared_ptr<fake_store> store) {
  return sys.spawn(fake_client, std::move(store));
}

kube::change_sink_actor spawn_recording_sink(caf::actor_system& sys, std::shared_ptr<recorded_changes> rec) {
  return sys.spawn(recording_sink, std::move(rec));
}

std::vector<kube::object_change> recorded_changes::snapshot() {
  std::lock_guard<std::mutex> lock(mu);
  return changes;
}

namespace {
class fake_handle : public kube::stream_handle {
 public:
  explicit fake_handle(std::shared_ptr<std::atomic<bool>> alive) : alive_(std::move(alive)) {}
  ~fake_handle() override { *alive_ = false; }

 private:
  std::shared_ptr<std::atomic<bool>> alive_;
};
}  // namespace

kube::stream_opener fake_streams::opener() {
  return [this](kube::stream_request req, kube::stream_callbacks cb) -> std::unique_ptr<kube::stream_handle> {
    auto alive = std::make_shared<std::atomic<bool>>(true);
    std::lock_guard<std::mutex> lock(mu);
    streams.push_back(opened{std::move(req), std::move(cb), alive});
    return std::make_unique<fake_handle>(alive);
  };
}

std::size_t fake_streams::count() {
  std::lock_guard<std::mutex> lock(mu);
  return streams.size();
}

fake_streams::opened fake_streams::at(std::size_t i) {
  std::lock_guard<std::mutex> lock(mu);
  return streams.at(i);
}

std::optional<fake_streams::opened> fake_streams::latest(const std::string& needle) {
  std::lock_guard<std::mutex> lock(mu);
  for (auto it = streams.rbegin(); it != streams.rend(); ++it)
    if (it->req.url.find(needle) != std::string::npos) return *it;
  return std::nullopt;
}

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace fluxaws::test
