#include "benchmarks/tenant_scale/src/status_store_reader.hpp"

#include <fstream>
#include <sstream>

namespace fluxaws::bench {

namespace fs = std::filesystem;

namespace {

const json::value* ready_condition(const json::value& object) {
  const json::value* conds = object.at({"status", "conditions"});
  if (!conds) return nullptr;
  for (const auto& c : conds->as_array()) {
    const json::value* type = c.find("type");
    if (type && type->as_string() == "Ready") return &c;
  }
  return nullptr;
}

}  // namespace

bool is_ready(const json::value& object) {
  const json::value* c = ready_condition(object);
  return c && c->find("status") && c->find("status")->as_string() == "True";
}

bool is_refreshing(const json::value& object) {
  const json::value* c = ready_condition(object);
  if (!c || !c->find("status") || c->find("status")->as_string() != "Unknown") return false;
  if (!c->find("reason") || c->find("reason")->as_string() != "Progressing") return false;
  for (const char* earlier : {"lastAppliedRevision", "artifact", "lastScanResult", "latestRef"}) {
    const json::value* v = object.at({"status", earlier});
    if (v && !(v->is_string() && v->as_string().empty()) && !v->is_null()) return true;
  }
  return false;
}

std::string ready_reason(const json::value& object) {
  const json::value* c = ready_condition(object);
  if (!c) return "no Ready condition";
  std::string reason = c->find("reason") ? c->find("reason")->as_string() : "";
  std::string message = c->find("message") ? c->find("message")->as_string() : "";
  return reason + ": " + message;
}

status_summary read_status_store(const fs::path& state_dir, std::size_t max_listed, bool keep_all) {
  status_summary s;
  std::error_code ec;
  fs::path root = state_dir / "status";
  if (!fs::is_directory(root, ec)) return s;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    std::ifstream in(it->path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto obj = json::parse(ss.str());
    ++s.objects;
    if (!obj) {
      if (++s.not_ready_by_reason["? unreadable"] == 1 && s.not_ready.size() < max_listed)
        s.not_ready.push_back(it->path().string() + ": unreadable status file");
      continue;
    }
    std::string kind = obj->find("kind") ? obj->find("kind")->as_string() : "?";
    const json::value* ns = obj->at({"metadata", "namespace"});
    const json::value* name = obj->at({"metadata", "name"});
    std::string id = (ns ? ns->as_string() : "") + "/" + (name ? name->as_string() : "");
    ++s.objects_by_kind[kind];
    if (is_ready(*obj)) {
      ++s.ready;
      ++s.ready_or_refreshing;
      ++s.ready_by_kind[kind];
    } else {
      if (is_refreshing(*obj)) ++s.ready_or_refreshing;
      std::string why = ready_reason(*obj);
      std::string reason = kind + " " + why.substr(0, why.find(':'));
      if (++s.not_ready_by_reason[reason] == 1 && s.not_ready.size() < max_listed)
        s.not_ready.push_back(kind + " " + id + ": " + why);
    }
    if (keep_all) s.by_name[kind + "/" + id] = std::move(*obj);
  }
  return s;
}

}  // namespace fluxaws::bench
