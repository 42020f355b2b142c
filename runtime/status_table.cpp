#include "runtime/status_table.hpp"

#include <algorithm>

#include "adapters/common/strings.hpp"

namespace fluxaws::runtime {

namespace {

const json::value* ready_condition(const json::value& obj) {
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return nullptr;
  for (const auto& c : conds->as_array())
    if (c.find("type") && c.find("type")->as_string() == "Ready") return &c;
  return nullptr;
}

std::string string_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

// Newlines would break the table; keep messages on one line.
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

}  // namespace

std::optional<std::string> kind_for_get_argument(std::string_view arg) {
  auto a = str::to_lower(arg);
  if (a.empty() || a == "all") return std::string();
  struct alias {
    const char* kind;
    std::vector<const char*> names;
  };
  static const std::vector<alias> aliases = {
      {"Bucket", {"bucket", "buckets", "source bucket", "sources"}},
      {"OCIRepository", {"ocirepository", "ocirepositories", "ocirepo", "oci"}},
      {"ImageRepository", {"imagerepository", "imagerepositories", "imagerepo", "image-repository"}},
      {"ImagePolicy", {"imagepolicy", "imagepolicies", "image-policy"}},
      {"Kustomization", {"kustomization", "kustomizations", "ks"}},
  };
  for (const auto& al : aliases)
    for (const auto* n : al.names)
      if (a == n) return std::string(al.kind);
  return std::nullopt;
}

std::string revision_of(const json::value& obj) {
  auto kind = string_at(obj, {"kind"});
  if (kind == "Kustomization") {
    auto r = string_at(obj, {"status", "lastAppliedRevision"});
    return r.empty() ? string_at(obj, {"status", "lastAttemptedRevision"}) : r;
  }
  if (kind == "ImageRepository") return string_at(obj, {"status", "lastScanResult", "revision"});
  if (kind == "ImagePolicy") {
    auto name = string_at(obj, {"status", "latestRef", "name"});
    auto tag = string_at(obj, {"status", "latestRef", "tag"});
    if (tag.empty()) return "";
    auto digest = string_at(obj, {"status", "latestRef", "digest"});
    return name + ":" + tag + (digest.empty() ? "" : "@" + digest);
  }
  return string_at(obj, {"status", "artifact", "revision"});
}

std::string render_table(const std::vector<json::value>& objects, bool with_kind) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"NAMESPACE", "NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"});
  for (const auto& obj : objects) {
    std::string name = string_at(obj, {"metadata", "name"});
    if (with_kind) name = str::to_lower(string_at(obj, {"kind"})) + "/" + name;
    const json::value* suspend = obj.at({"spec", "suspend"});
    const json::value* ready = ready_condition(obj);
    rows.push_back({string_at(obj, {"metadata", "namespace"}), name, revision_of(obj),
                    suspend && suspend->as_bool() ? "True" : "False",
                    ready && ready->find("status") ? ready->find("status")->as_string() : "Unknown",
                    ready && ready->find("message") ? one_line(ready->find("message")->as_string()) : ""});
  }
  std::vector<std::size_t> width(6, 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < 5; ++i) width[i] = std::max(width[i], r[i].size());
  std::string out;
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < 6; ++i) {
      out += r[i];
      if (i < 5) out += std::string(width[i] - r[i].size() + 1, ' ') + "\t";
    }
    out += "\n";
  }
  return out;
}

std::string render_list_json(const std::vector<json::value>& objects) {
  json::value list;
  list["apiVersion"] = "v1";
  list["kind"] = "List";
  list["items"] = json::value(json::array(objects.begin(), objects.end()));
  return json::dump(list, 2) + "\n";
}

}  // namespace fluxaws::runtime
