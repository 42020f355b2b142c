// Local mode's status store: one file per object at
// <state-dir>/status/<kind>/<namespace>/<name>.json (kind lower-cased, as
// source-controller names its storage folders), holding the whole object in
// Kubernetes JSON with its .status. Writes are atomic (temp file + rename) so a
// reader never sees half a file. Plain functions; callers run them off the scheduler.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

std::filesystem::path status_path(const std::filesystem::path& state_dir, const kube::object_key& key);

status write_status(const std::filesystem::path& state_dir, const kube::object_key& key, const json::value& object);
status remove_status(const std::filesystem::path& state_dir, const kube::object_key& key);

// Every stored object of a kind (all kinds when kind is empty), sorted by kind,
// namespace, name. Unreadable files are skipped.
std::vector<json::value> read_statuses(const std::filesystem::path& state_dir, const std::string& kind = "");

// Writes bytes to path atomically (temp file in the same folder, fsync-free
// rename). mode applies to the new file (e.g. 0600 for decrypted manifests).
status write_file_atomic(const std::filesystem::path& path, std::string_view bytes, unsigned mode = 0644);

}  // namespace fluxaws::actors
