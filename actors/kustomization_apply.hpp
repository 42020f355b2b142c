// Applying a Kustomization's objects. Local mode's "apply": the final objects written to
// <state-dir>/applied/<namespace>/<name>/, one file per object named after its
// inventory id ("<namespace>_<name>_<group>_<kind>.yaml"), and the inventory
// kustomize-controller would record for them.
//
// Contract:
//   - prepare_apply checks and normalizes first, writing nothing: objects need a
//     namespace unless their kind is cluster-scoped ("<Kind>/<name> namespace not
//     specified", as server-side apply refuses them); names and namespaces cannot be
//     path tricks; a Secret's stringData is merged into data (base64), as the API
//     server stores it (non-string values are refused, naming the key only). Errors
//     carry code "ReconciliationFailed" and never a value.
//   - write_applied is atomic: a fresh sibling directory (0700) gets every file (0600,
//     fsynced), then is swapped with the old directory in one rename (renameat2
//     RENAME_EXCHANGE; two renames where the file system cannot exchange) and the old
//     one removed. Readers see the old set or the new one, never a mix. On failure the
//     old directory is untouched and the temporary one removed. keep_stale (prune:
//     false) carries over the old set's files that are not in the new one, as Flux
//     leaves unpruned objects in the cluster.
//   - Decrypted Secrets are written here and nowhere else (in cluster mode they go to
//     the API server only, through the engine's server-side applier).
// Blocking file I/O: call from the blocking pool.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/inventory.hpp"

namespace fluxaws::actors::kustomization {

struct applied_object {
  kube::inventory_entry entry;  // id and version
  std::string file;             // file name inside the applied directory
  std::string yaml;             // the object as written
};

// The checks and normalization above, in place (cluster mode hands the objects to
// server-side apply afterwards).
struct normalize_options {
  // Local mode: a kind neither built-in cluster-scoped nor defined by a CRD of the same
  // build is namespaced, so it needs a namespace here. Cluster mode passes false: the
  // API server's discovery decides, and the applier refuses a namespaced object without
  // one in the same words.
  bool require_namespaces = true;
};
status check_and_normalize(std::vector<json::value>& objects, const normalize_options& opts = {});
result<std::vector<applied_object>> prepare_apply(std::vector<json::value> objects);

// The sorted, unique inventory of a prepared set.
std::vector<kube::inventory_entry> inventory_of(const std::vector<applied_object>& objects);

std::filesystem::path applied_dir(const std::filesystem::path& state_dir, const std::string& ns,
                                  const std::string& name);

status write_applied(const std::filesystem::path& target, const std::vector<applied_object>& objects,
                     bool keep_stale);

// Removes a Kustomization's applied directory (it was deleted with prune or Delete).
status remove_applied(const std::filesystem::path& target);

}  // namespace fluxaws::actors::kustomization
