#include "adapters/kube/manifest_set.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/common/yaml_json.hpp"

namespace fluxaws::kube {

namespace fs = std::filesystem;

namespace {

// Kinds without a namespace; everything else is namespaced.
bool cluster_scoped(std::string_view kind) {
  return kind == "Namespace" || kind == "CustomResourceDefinition" || kind == "ClusterRole" ||
         kind == "ClusterRoleBinding" || kind == "Node" || kind == "PersistentVolume" || kind == "StorageClass";
}

// "<where>.<leaf>" without a leading dot; built by appending (GCC 12 warns
// spuriously on chained operator+ here).
std::string join_path(const std::string& where, std::string_view leaf) {
  std::string out = where;
  if (!out.empty()) out.push_back('.');
  out.append(leaf);
  return out;
}

void add_object(json::value obj, const std::string& file, int doc, const std::string& where, manifest_set& into,
                const std::string& default_namespace) {
  if (!obj.is_object()) {
    into.issues.push_back({file, where, "document is not a mapping"});
    return;
  }
  auto kind = kind_of(obj);
  if (api_version_of(obj).empty()) {
    into.issues.push_back({file, join_path(where, "apiVersion"), "Required value"});
    return;
  }
  if (kind.empty()) {
    into.issues.push_back({file, join_path(where, "kind"), "Required value"});
    return;
  }
  if (name_of(obj).empty()) {
    into.issues.push_back({file, join_path(where, "metadata.name"), "Required value"});
    return;
  }
  if (!cluster_scoped(kind) && namespace_of(obj).empty()) obj["metadata"]["namespace"] = default_namespace;
  object_key key = key_of(obj);
  auto existing = into.objects.find(key);
  if (existing != into.objects.end()) {
    into.issues.push_back({file, where,
                           key.to_string() + " is also defined in " + existing->second.file + "; keeping that one"});
    return;
  }
  into.objects.emplace(std::move(key), loaded_object{std::move(obj), file, doc});
}

}  // namespace

std::string manifest_issue::to_string() const {
  std::string out = file;
  if (!path.empty()) out += ": " + path;
  out += ": " + message;
  return out;
}

void load_manifest_text(std::string_view text, const std::string& file, manifest_set& into,
                        const std::string& default_namespace) {
  auto docs = yamljson::parse_yaml_all(text);
  if (!docs.ok()) {
    into.issues.push_back({file, "", docs.error().message});
    return;
  }
  int index = 0;
  for (auto& doc : *docs) {
    std::string where = docs->size() > 1 ? "[" + std::to_string(index) + "]" : "";
    std::string_view kind = kind_of(doc);
    if (kind.size() >= 4 && kind.substr(kind.size() - 4) == "List" && doc.find("items")) {
      int item = 0;
      for (auto& entry : doc.find("items")->as_array()) {
        add_object(std::move(entry), file, index, join_path(where, "items[" + std::to_string(item) + "]"), into,
                   default_namespace);
        ++item;
      }
    } else {
      add_object(std::move(doc), file, index, where, into, default_namespace);
    }
    ++index;
  }
}

directory_scanner::directory_scanner(fs::path dir, std::string default_namespace)
    : dir_(std::move(dir)), default_namespace_(std::move(default_namespace)) {}

bool directory_scanner::rescan() {
  std::vector<fs::path> paths;
  std::error_code ec;
  if (fs::is_directory(dir_, ec)) {
    fs::recursive_directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file(ec)) continue;
      auto ext = it->path().extension().string();
      if (ext == ".yaml" || ext == ".yml" || ext == ".json") paths.push_back(it->path());
    }
  }
  std::sort(paths.begin(), paths.end());

  bool changed = false;
  std::map<std::string, file_state> next;
  for (const auto& p : paths) {
    std::string key = p.string();
    auto mtime = fs::last_write_time(p, ec);
    auto size = fs::file_size(p, ec);
    auto old = files_.find(key);
    if (old != files_.end() && old->second.mtime == mtime && old->second.size == size) {
      next.emplace(key, std::move(old->second));
      continue;
    }
    changed = true;
    file_state st{mtime, size, {}};
    std::ifstream in(p, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto rel = fs::relative(p, dir_, ec).string();
    load_manifest_text(buf.str(), rel.empty() ? key : rel, st.parsed, default_namespace_);
    next.emplace(key, std::move(st));
  }
  if (next.size() != files_.size()) changed = true;
  files_ = std::move(next);
  if (!changed) return false;

  manifest_set merged;
  for (const auto& [path, st] : files_) {
    for (const auto& [key, obj] : st.parsed.objects) {
      auto existing = merged.objects.find(key);
      if (existing != merged.objects.end()) {
        merged.issues.push_back(
            {obj.file, "", key.to_string() + " is also defined in " + existing->second.file + "; keeping that one"});
        continue;
      }
      merged.objects.emplace(key, obj);
    }
    merged.issues.insert(merged.issues.end(), st.parsed.issues.begin(), st.parsed.issues.end());
  }
  bool differs = merged.issues.size() != merged_.issues.size() || !diff(merged_, merged).empty();
  merged_ = std::move(merged);
  return differs;
}

namespace {
// What objects refer to comes first, so a Bucket never starts before the
// ServiceAccount or Secret it names has been delivered.
bool is_referenced_kind(const std::string& kind) {
  return kind == "Namespace" || kind == "ServiceAccount" || kind == "Secret" || kind == "ConfigMap";
}
}  // namespace

std::vector<object_change> diff(const manifest_set& before, const manifest_set& after) {
  std::vector<object_change> out;
  for (const auto& [key, obj] : after.objects) {
    auto it = before.objects.find(key);
    if (it == before.objects.end())
      out.push_back({object_change::type::added, key, obj.object});
    else if (!(it->second.object == obj.object))
      out.push_back({object_change::type::modified, key, obj.object});
  }
  for (const auto& [key, obj] : before.objects)
    if (!after.objects.count(key)) out.push_back({object_change::type::deleted, key, obj.object});
  // Additions and modifications of referenced kinds first, deletions of them last.
  std::stable_sort(out.begin(), out.end(), [](const object_change& a, const object_change& b) {
    auto rank = [](const object_change& c) {
      bool ref = is_referenced_kind(c.key.kind);
      if (c.kind == object_change::type::deleted) return ref ? 3 : 2;
      return ref ? 0 : 1;
    };
    return rank(a) < rank(b);
  });
  return out;
}

}  // namespace fluxaws::kube
