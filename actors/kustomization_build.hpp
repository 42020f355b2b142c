// Building a Kustomization's manifests from an unpacked artifact, the subset of
// kustomize that Flux users rely on for plain manifests:
//   - spec.path is joined to the artifact root the way securejoin does it ("..", "."
//     and leading "/" cannot leave the root); a missing path is ArtifactFailed
//     ("kustomization path not found").
//   - With a kustomization file there (kustomization.yaml, kustomization.yml or
//     Kustomization; more than one is an error), its `resources` (and the deprecated
//     `bases`) list files and folders, relative to it; a folder must hold a
//     kustomization file of its own; `namespace` sets the namespace of what it lists.
//     Any other kustomize field that is set (patches, generators, images, components,
//     remote bases, ...) is a BuildFailed naming the field and the file.
//   - Without one, Flux's generator: every *.yaml / *.yml file below the path (in
//     lexical walk order), and every sub-folder that holds a kustomization file (built
//     as above, not descended into).
//   - Each file is a stream of YAML documents; empty documents are skipped, v1 `List`
//     objects expanded; every object needs apiVersion, kind and metadata.name.
//   - targetNamespace is kustomize's namespace transformer: metadata.namespace of
//     every namespaced object, subjects named "default" of (Cluster)RoleBindings, and
//     the service references of APIServices, webhook configurations and CRD conversion
//     webhooks. Cluster-scoped kinds are kustomize's built-in list plus the kinds of
//     CustomResourceDefinitions with scope Cluster in the same build.
//   - Two objects with the same inventory id are an error, as kustomize refuses them.
// Errors carry the Flux reason as code ("ArtifactFailed" or "BuildFailed") and name
// files relative to the artifact root; they never quote file contents (manifests may
// hold secrets). Symlinks are never followed (the artifact was unpacked without them).
#pragma once

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors::kustomization {

struct built_resource {
  json::value object;
  std::string origin;  // the file it came from, relative to the artifact root
};

struct build_limits {
  std::uintmax_t max_file_bytes = std::uintmax_t{64} << 20;
  std::size_t max_resources = 100000;
  int max_depth = 64;  // nested kustomizations
};

result<std::vector<built_resource>> build_manifests(const std::filesystem::path& root, std::string_view path,
                                                    const std::string& target_namespace,
                                                    const build_limits& limits = {});

// The artifact-relative folder spec.path designates ("" for the root), securejoin-style.
std::string clean_relative_path(std::string_view path);

// kustomize's built-in cluster-scoped kinds.
bool is_builtin_cluster_scoped(std::string_view kind);
// Built-in cluster-scoped kinds plus the kinds of Cluster-scoped CRDs among objects.
std::set<std::string> cluster_scoped_kinds(const std::vector<json::value>& objects);

// kustomize's namespace transformer on one object.
void set_namespace(json::value& object, const std::string& ns, const std::set<std::string>& cluster_kinds);

}  // namespace fluxaws::actors::kustomization
