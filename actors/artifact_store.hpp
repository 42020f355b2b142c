// Artifacts as object actors see them: Flux's status.artifact record and the store
// that writes, verifies, serves and garbage-collects them. The runtime implements
// the store (runtime/artifact_storage: source-controller's layout, atomic writes,
// retention); object actors call it from the blocking pool, never on a scheduler
// thread, since every call touches the disk.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/archive/tar_gz_writer.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::actors {

// The object an artifact belongs to.
struct artifact_owner {
  std::string kind;  // "Bucket", "OCIRepository"; lower-cased in paths
  std::string ns;
  std::string name;
};

// Flux's status.artifact (meta.Artifact).
struct artifact {
  std::string path;      // relative to the storage root
  std::string url;
  std::string revision;
  std::string digest;    // "sha256:<hex>" of the stored file
  timefmt::sys_time last_update_time{};
  std::int64_t size = 0;
  std::map<std::string, std::string> metadata;  // e.g. OCI annotations; omitted when empty

  // {"path","url","revision","digest","lastUpdateTime","size"[,"metadata"]}, Flux's order.
  json::value to_json() const {
    json::value v = json::value::make_object();
    v["path"] = path;
    v["url"] = url;
    v["revision"] = revision;
    if (!digest.empty()) v["digest"] = digest;
    v["lastUpdateTime"] = timefmt::rfc3339(last_update_time);
    v["size"] = static_cast<int64_t>(size);
    if (!metadata.empty()) {
      json::value m = json::value::make_object();
      for (const auto& [k, val] : metadata) m[k] = val;
      v["metadata"] = std::move(m);
    }
    return v;
  }

  static std::optional<artifact> from_json(const json::value& v) {
    if (!v.is_object() || !v.find("path") || !v.find("revision")) return std::nullopt;
    artifact a;
    a.path = v.find("path")->as_string();
    a.revision = v.find("revision")->as_string();
    if (auto* u = v.find("url")) a.url = u->as_string();
    if (auto* d = v.find("digest")) a.digest = d->as_string();
    if (auto* s = v.find("size")) a.size = s->as_int();
    if (auto* t = v.find("lastUpdateTime")) {
      auto parsed = timefmt::parse_rfc3339(t->as_string());
      if (!parsed) return std::nullopt;
      a.last_update_time = *parsed;
    }
    if (auto* m = v.find("metadata"))
      for (const auto& [k, val] : m->as_object()) a.metadata[k] = val.as_string();
    return a;
  }
};

class artifact_store {
 public:
  virtual ~artifact_store() = default;

  // Archives dir reproducibly (filter leaves entries out) as the revision's artifact.
  virtual result<artifact> store_directory(const artifact_owner& obj, std::string_view revision,
                                           const std::filesystem::path& dir,
                                           const archive::archive_filter& filter = {}) = 0;
  // Stores a built file byte for byte; a mismatch with expected_digest stores nothing.
  virtual result<artifact> store_file(const artifact_owner& obj, std::string_view revision,
                                      const std::filesystem::path& file, std::string_view expected_digest = {}) = 0;
  virtual result<artifact> store_bytes(const artifact_owner& obj, std::string_view revision, std::string_view data,
                                       std::string_view expected_digest = {}) = 0;
  // Removes the object's superseded artifacts by TTL and count, never `current`.
  virtual result<std::vector<std::string>> garbage_collect(const artifact_owner& obj, const artifact& current) = 0;
  // Removes everything the object stored (it was deleted).
  virtual status remove_object(const artifact_owner& obj) = 0;

  virtual bool exists(const artifact& a) const = 0;
  virtual status verify(const artifact& a) const = 0;
  virtual std::filesystem::path local_path(const artifact& a) const = 0;
  virtual std::string url_for(std::string_view rel_path) const = 0;
  virtual result<std::string> latest_url(const artifact_owner& obj) const = 0;
  virtual std::uint64_t bytes_stored() const = 0;
};

}  // namespace fluxaws::actors
