#include "actors/kustomization_build.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "adapters/common/strings.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::kustomization {

namespace fs = std::filesystem;

namespace {

constexpr const char* kArtifactFailed = "ArtifactFailed";
constexpr const char* kBuildFailed = "BuildFailed";
const char* const kKustomizationFiles[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};

std::string join_rel(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "/" + b;
}

std::string display(const std::string& rel) { return rel.empty() ? "." : rel; }

// Lexical join of `entry` onto `base` (both artifact-relative); nullopt when it
// would climb above the root.
std::optional<std::string> join_strict(const std::string& base, std::string_view entry) {
  std::vector<std::string> parts;
  for (auto p : str::split(base, '/'))
    if (!p.empty()) parts.emplace_back(p);
  for (auto p : str::split(entry, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
      continue;
    }
    parts.emplace_back(p);
  }
  std::string out;
  for (const auto& p : parts) out = join_rel(out, p);
  return out;
}

bool is_remote(std::string_view entry) {
  return entry.find("://") != std::string_view::npos || str::starts_with(entry, "github.com/") ||
         str::starts_with(entry, "git@") || str::starts_with(entry, "gitlab.com/") ||
         str::starts_with(entry, "bitbucket.org/");
}

error_info build_error(std::string message) { return make_error(kBuildFailed, "kustomize build failed: " + message); }

class builder {
 public:
  builder(fs::path root, const build_limits& limits) : root_(std::move(root)), limits_(limits) {}

  // Without a kustomization file at `dir`: Flux's generated one.
  status generate(const std::string& dir, std::vector<built_resource>& out) {
    return walk(dir, out);
  }

  // The kustomization file of `dir`: its resources, namespace applied.
  status kustomize(const std::string& dir, std::vector<built_resource>& out, int depth) {
    if (depth > limits_.max_depth)
      return build_error("kustomizations nested more than " + std::to_string(limits_.max_depth) + " deep at '" +
                         display(dir) + "'");
    if (std::find(stack_.begin(), stack_.end(), dir) != stack_.end())
      return build_error("cycle detected: '" + display(dir) + "' includes itself");
    auto kfile = kustomization_file(dir);
    if (!kfile.ok()) return kfile.error();
    if (kfile->empty())
      return build_error("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
                         "directory '" + display(dir) + "'");
    std::string text;
    if (auto st = read_file(*kfile, text); !st) return st;
    auto doc = yamljson::parse_yaml(text);
    if (!doc.ok()) return build_error("failed to read '" + *kfile + "': " + doc.error().message);
    if (doc->is_null()) *doc = json::value::make_object();
    if (!doc->is_object()) return build_error("'" + *kfile + "' is not a YAML mapping");

    std::vector<std::string> entries;
    std::string ns;
    for (const auto& [field, value] : doc->as_object()) {
      if (field == "apiVersion" || field == "metadata") continue;
      if (field == "kind") {
        if (value.is_string() && !value.as_string().empty() && value.as_string() != "Kustomization")
          return build_error("'" + *kfile + "': kind '" + value.as_string() +
                             "' is not supported by fluxaws (only Kustomization)");
        continue;
      }
      if (field == "resources" || field == "bases") {
        if (!value.is_array() && !value.is_null())
          return build_error("'" + *kfile + "': field '" + field + "' must be a list of paths");
        for (const auto& e : value.as_array()) {
          if (!e.is_string()) return build_error("'" + *kfile + "': an entry of '" + field + "' is not a string");
          entries.push_back(e.as_string());
        }
        continue;
      }
      if (field == "namespace") {
        if (!value.is_string() && !value.is_null())
          return build_error("'" + *kfile + "': field 'namespace' must be a string");
        ns = value.as_string();
        continue;
      }
      bool empty = value.is_null() || ((value.is_array() || value.is_object()) && value.size() == 0) ||
                   (value.is_string() && value.as_string().empty());
      if (empty) continue;
      return build_error("'" + *kfile + "': field '" + field +
                         "' is not supported by fluxaws (supported: resources, namespace)");
    }

    stack_.push_back(dir);
    std::vector<built_resource> mine;
    for (const auto& entry : entries) {
      if (is_remote(entry))
        return build_error("'" + *kfile + "': remote resource '" + entry + "' is not supported by fluxaws");
      if (!entry.empty() && entry.front() == '/')
        return build_error("'" + *kfile + "': resource '" + entry + "' must be a relative path");
      auto rel = join_strict(dir, entry);
      if (!rel) return build_error("'" + *kfile + "': resource '" + entry + "' points outside the artifact");
      std::error_code ec;
      auto st = fs::symlink_status(root_ / *rel, ec);
      if (ec || !fs::exists(st))
        return build_error("accumulating resources from '" + entry + "' of '" + *kfile +
                           "': no such file or directory");
      if (fs::is_directory(st)) {
        if (auto s = kustomize(*rel, mine, depth + 1); !s) return s;
      } else if (fs::is_regular_file(st)) {
        if (auto s = add_file(*rel, mine, true); !s) return s;
      } else {
        return build_error("accumulating resources from '" + entry + "' of '" + *kfile +
                           "': not a regular file or directory");
      }
    }
    stack_.pop_back();
    if (!ns.empty()) {
      std::vector<json::value> objects;
      for (const auto& r : mine) objects.push_back(r.object);
      auto cluster = cluster_scoped_kinds(objects);
      for (auto& r : mine) set_namespace(r.object, ns, cluster);
    }
    for (auto& r : mine) out.push_back(std::move(r));
    return status{};
  }

  // "" when `dir` has no kustomization file, its relative path when it has one.
  result<std::string> kustomization_file(const std::string& dir) {
    std::string found;
    for (const char* name : kKustomizationFiles) {
      std::error_code ec;
      auto st = fs::symlink_status(root_ / join_rel(dir, name), ec);
      if (ec || !fs::exists(st) || fs::is_directory(st)) continue;
      if (!fs::is_regular_file(st))
        return build_error("expected '" + join_rel(dir, name) + "' to be a regular file");
      if (!found.empty()) return build_error("found multiple kustomization files under: '" + display(dir) + "'");
      found = join_rel(dir, name);
    }
    return found;
  }

 private:
  status walk(const std::string& dir, std::vector<built_resource>& out) {
    std::vector<std::pair<std::string, bool>> entries;  // name, is_dir
    std::error_code ec;
    for (fs::directory_iterator it(root_ / dir, ec), end; !ec && it != end; it.increment(ec)) {
      auto st = it->symlink_status(ec);
      if (ec) break;
      if (fs::is_directory(st))
        entries.emplace_back(it->path().filename().string(), true);
      else if (fs::is_regular_file(st))
        entries.emplace_back(it->path().filename().string(), false);
    }
    if (ec) return make_error(kBuildFailed, "failed to read directory '" + display(dir) + "': " + ec.message());
    std::sort(entries.begin(), entries.end());
    for (const auto& [name, is_dir] : entries) {
      std::string rel = join_rel(dir, name);
      if (is_dir) {
        auto kfile = kustomization_file(rel);
        if (!kfile.ok()) return kfile.error();
        if (!kfile->empty()) {
          if (auto st = kustomize(rel, out, 1); !st) return st;
          continue;
        }
        if (auto st = walk(rel, out); !st) return st;
        continue;
      }
      if (!str::ends_with(name, ".yaml") && !str::ends_with(name, ".yml")) continue;
      if (auto st = add_file(rel, out, false); !st) return st;
    }
    return status{};
  }

  status read_file(const std::string& rel, std::string& text) {
    std::error_code ec;
    auto size = fs::file_size(root_ / rel, ec);
    if (ec) return make_error(kBuildFailed, "failed to read '" + rel + "': " + ec.message());
    if (size > limits_.max_file_bytes)
      return make_error(kBuildFailed, "'" + rel + "' is " + std::to_string(size) + " bytes, over the limit of " +
                                          std::to_string(limits_.max_file_bytes));
    std::ifstream in(root_ / rel, std::ios::binary);
    if (!in) return make_error(kBuildFailed, "failed to read '" + rel + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    text = std::move(ss).str();
    return status{};
  }

  status add_file(const std::string& rel, std::vector<built_resource>& out, bool listed) {
    std::string text;
    if (auto st = read_file(rel, text); !st) return st;
    auto docs = yamljson::parse_yaml_all(text);
    auto decode_error = [&](const std::string& why) {
      return listed ? build_error("accumulating resources from '" + rel + "': " + why)
                    : make_error(kBuildFailed, "failed to decode Kubernetes YAML from " + rel + ": " + why);
    };
    if (!docs.ok()) return decode_error(docs.error().message);
    std::size_t index = 0;
    for (auto& doc : *docs) {
      ++index;
      if (doc.is_null()) continue;
      if (!doc.is_object()) return decode_error("document " + std::to_string(index) + " is not a mapping");
      std::vector<json::value> objects;
      if (kube::kind_of(doc) == "List" && doc.find("items")) {
        for (auto& item : doc["items"].as_array()) objects.push_back(std::move(item));
      } else {
        objects.push_back(std::move(doc));
      }
      for (auto& obj : objects) {
        if (!obj.is_object() || kube::api_version_of(obj).empty() || kube::kind_of(obj).empty() ||
            kube::name_of(obj).empty())
          return make_error(kBuildFailed, "failed to decode Kubernetes apiVersion, kind and name from document " +
                                              std::to_string(index) + " of '" + rel + "'");
        if (++count_ > limits_.max_resources)
          return build_error("more than " + std::to_string(limits_.max_resources) + " resources");
        out.push_back(built_resource{std::move(obj), rel});
      }
    }
    return status{};
  }

  fs::path root_;
  build_limits limits_;
  std::vector<std::string> stack_;
  std::size_t count_ = 0;
};

}  // namespace

std::string clean_relative_path(std::string_view path) {
  // securejoin: ".." is clamped at the root, a leading "/" means the root.
  std::vector<std::string> parts;
  for (auto p : str::split(path, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(p);
  }
  std::string out;
  for (const auto& p : parts) out = join_rel(out, p);
  return out;
}

result<std::vector<built_resource>> build_manifests(const fs::path& root, std::string_view path,
                                                    const std::string& target_namespace, const build_limits& limits) {
  std::string dir = clean_relative_path(path);
  std::error_code ec;
  auto st = fs::symlink_status(root / dir, ec);
  if (ec || !fs::exists(st))
    return make_error(kArtifactFailed, "kustomization path not found: stat " + display(dir) +
                                           ": no such file or directory");
  if (!fs::is_directory(st))
    return make_error(kArtifactFailed, "kustomization path '" + display(dir) + "' is not a directory");

  builder b(root, limits);
  std::vector<built_resource> out;
  auto kfile = b.kustomization_file(dir);
  if (!kfile.ok()) return kfile.error();
  status built = kfile->empty() ? b.generate(dir, out) : b.kustomize(dir, out, 0);
  if (!built) return built.error();

  if (!target_namespace.empty()) {
    std::vector<json::value> objects;
    for (const auto& r : out) objects.push_back(r.object);
    auto cluster = cluster_scoped_kinds(objects);
    for (auto& r : out) set_namespace(r.object, target_namespace, cluster);
  }

  std::map<std::string, std::string> seen;  // id -> origin
  for (const auto& r : out) {
    auto id = kube::entry_for(r.object).id;
    auto [it, fresh] = seen.emplace(id, r.origin);
    if (!fresh)
      return build_error("may not add resource with an already registered id: " + id + " (from '" + it->second +
                         "' and '" + r.origin + "')");
  }
  return out;
}

bool is_builtin_cluster_scoped(std::string_view kind) {
  static const std::set<std::string, std::less<>> kinds = {
      "APIService",
      "CSIDriver",
      "CSINode",
      "CertificateSigningRequest",
      "ClusterRole",
      "ClusterRoleBinding",
      "ClusterTrustBundle",
      "ComponentStatus",
      "CustomResourceDefinition",
      "FlowSchema",
      "IPAddress",
      "IngressClass",
      "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding",
      "MutatingWebhookConfiguration",
      "Namespace",
      "Node",
      "PersistentVolume",
      "PodSecurityPolicy",
      "PriorityClass",
      "PriorityLevelConfiguration",
      "RuntimeClass",
      "SelfSubjectAccessReview",
      "SelfSubjectReview",
      "SelfSubjectRulesReview",
      "ServiceCIDR",
      "StorageClass",
      "SubjectAccessReview",
      "TokenReview",
      "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding",
      "ValidatingWebhookConfiguration",
      "VolumeAttachment",
  };
  return kinds.count(kind) > 0;
}

std::set<std::string> cluster_scoped_kinds(const std::vector<json::value>& objects) {
  std::set<std::string> out;
  for (const auto& o : objects) {
    if (kube::kind_of(o) != "CustomResourceDefinition") continue;
    const json::value* scope = o.at({"spec", "scope"});
    const json::value* kind = o.at({"spec", "names", "kind"});
    if (scope && kind && scope->as_string() == "Cluster" && !kind->as_string().empty()) out.insert(kind->as_string());
  }
  return out;
}

void set_namespace(json::value& object, const std::string& ns, const std::set<std::string>& cluster_kinds) {
  std::string kind(kube::kind_of(object));
  bool cluster = is_builtin_cluster_scoped(kind) || cluster_kinds.count(kind) > 0;
  if (!cluster) object["metadata"]["namespace"] = ns;
  if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
    if (json::value* subjects = object.find("subjects")) {
      for (auto& s : subjects->as_array()) {
        const json::value* name = s.find("name");
        if (s.is_object() && name && name->as_string() == "default") s["namespace"] = ns;
      }
    }
  }
  auto set_if_present = [&](json::value* service) {
    if (service && service->is_object() && service->find("namespace")) (*service)["namespace"] = ns;
  };
  if (kind == "APIService") {
    if (json::value* spec = object.find("spec")) set_if_present(spec->find("service"));
  } else if (kind == "MutatingWebhookConfiguration" || kind == "ValidatingWebhookConfiguration") {
    if (json::value* hooks = object.find("webhooks"))
      for (auto& h : hooks->as_array())
        if (json::value* cc = h.find("clientConfig")) set_if_present(cc->find("service"));
  } else if (kind == "CustomResourceDefinition") {
    if (json::value* spec = object.find("spec"))
      if (json::value* conv = spec->find("conversion"))
        if (json::value* wh = conv->find("webhook"))
          if (json::value* cc = wh->find("clientConfig")) set_if_present(cc->find("service"));
  }
}

}  // namespace fluxaws::actors::kustomization
