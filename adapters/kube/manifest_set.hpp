// Local mode's object source, as plain functions: reading Kubernetes manifests
// (YAML, multi-document, or JSON; `List` objects expanded) from a directory tree
// into a set keyed by (kind, namespace, name), remembering which file each came
// from, and diffing two sets into added/modified/deleted changes. Problems are
// reported per file and path; the other objects go on.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

struct manifest_issue {
  std::string file;
  std::string path;  // path inside the document, e.g. "[1].spec.interval"; may be empty
  std::string message;
  std::string to_string() const;
};

struct loaded_object {
  json::value object;
  std::string file;
  int document = 0;  // index of the document within the file
};

struct manifest_set {
  std::map<object_key, loaded_object> objects;
  std::vector<manifest_issue> issues;
};

// Parses one file's text and adds its objects. Objects without apiVersion, kind or
// metadata.name are issues; a namespaced object without a namespace gets
// `default_namespace`. A key seen twice keeps the first and reports the second.
void load_manifest_text(std::string_view text, const std::string& file, manifest_set& into,
                        const std::string& default_namespace = "default");

// Reads every *.yaml, *.yml and *.json under dir (recursively, sorted, hidden
// entries skipped) and re-reads only the files whose size or mtime changed.
class directory_scanner {
 public:
  explicit directory_scanner(std::filesystem::path dir, std::string default_namespace = "default");
  // Rescans the tree; returns true when the merged set changed.
  bool rescan();
  const manifest_set& snapshot() const { return merged_; }

 private:
  struct file_state {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    manifest_set parsed;
  };
  std::filesystem::path dir_;
  std::string default_namespace_;
  std::map<std::string, file_state> files_;
  manifest_set merged_;
};

struct object_change {
  enum class type { added, modified, deleted };
  type kind;
  object_key key;
  json::value object;  // the new object (the old one for deleted)
};

// Changes from `before` to `after`; an object is modified when its JSON differs.
std::vector<object_change> diff(const manifest_set& before, const manifest_set& after);

}  // namespace fluxaws::kube
