// artifact_storage: the artifacts fluxaws serves, laid out as source-controller lays
// them out (fluxcd/pkg/artifact/storage), so URLs and status look the same.
//
// Layout, under the root (--storage-path):
//   <kind lower-cased>/<namespace>/<name>/<file>      one file per revision
//   <kind lower-cased>/<namespace>/<name>/latest.tar.gz  symlink to the newest (relative)
// File names come from the revision, as source-controller names them:
//   Bucket         revision "sha256:<hex>"        -> "<hex>.tar.gz"
//   OCIRepository  revision "<tag>@sha256:<hex>"  -> "sha256:<hex>.tar.gz" (the part
//                  after the last '@', colon included), "sha256:<hex>" likewise
// URL: "http://<advertised address>/<path>" (or "<address>/<path>" when the address
// already has an http:// or https:// scheme).
//
// Writes go through a temp file in the object's directory (".<file>.tmp-XXXXXX"),
// digested while written, fsynced, renamed into place: a reader or the HTTP server
// never sees half a file. open() sweeps temp files a crash left behind.
//
// Garbage collection per object (source-controller's GarbageCollect semantics): every
// file but the current one that is older than the TTL goes; then, oldest first, files
// other than the current one go until at most `records` remain. Age is the file's
// mtime, which is set from the injected clock when the file is stored. (source-
// controller's loop keeps one file too many when some had already expired, and
// collapses files with equal mtimes; we keep exactly `records`.)
//
// Thread-safe: one mutex per object (held while writing, collecting or deleting that
// object); different objects proceed in parallel. No lock file: one process owns a root.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/artifact_store.hpp"
#include "adapters/archive/tar_gz_writer.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::runtime {

using object_ref = actors::artifact_owner;
using artifact = actors::artifact;

inline constexpr std::string_view latest_link_name = "latest.tar.gz";

// "<kind lower>/<ns>/<name>"; errors when a part is empty, has a '/', or starts with '.'.
result<std::string> artifact_dir(const object_ref& obj);
// The file name source-controller gives the revision's artifact (see above).
result<std::string> artifact_file_name(std::string_view kind, std::string_view revision);
// source-controller's GetAdvertisedAddress: adv_addr when set; otherwise storage_addr
// with an empty host as "localhost" and 0.0.0.0 as $HOSTNAME (or the host name).
result<std::string> advertised_address(std::string_view storage_addr, std::string_view adv_addr = {});

struct storage_options {
  std::filesystem::path root;                                   // --storage-path
  std::string advertised_address = "localhost:9090";            // host:port or URL prefix
  std::chrono::nanoseconds retention_ttl = std::chrono::minutes(1);  // --artifact-retention-ttl
  int retention_records = 2;                                    // --artifact-retention-records
  std::function<timefmt::sys_time()> clock;                     // default: system_clock::now
};

class artifact_storage final : public actors::artifact_store {
 public:
  // Creates the root when missing, removes leftover temp files, counts bytes stored.
  static result<std::unique_ptr<artifact_storage>> open(storage_options opts);
  ~artifact_storage() override;

  // Archives dir (reproducibly; filter leaves entries out) as the revision's artifact,
  // then points latest.tar.gz at it.
  result<artifact> store_directory(const object_ref& obj, std::string_view revision, const std::filesystem::path& dir,
                                   const archive::archive_filter& filter = {}) override;
  // Stores an already-built file byte for byte (OCIRepository "copy"). With
  // expected_digest ("sha256:<hex>"), a mismatch stores nothing and is an error.
  result<artifact> store_file(const object_ref& obj, std::string_view revision, const std::filesystem::path& file,
                              std::string_view expected_digest = {}) override;
  result<artifact> store_bytes(const object_ref& obj, std::string_view revision, std::string_view data,
                               std::string_view expected_digest = {}) override;

  // Removes the object's old artifacts (see above), never `current`. Returns the
  // removed paths, relative to the root.
  result<std::vector<std::string>> garbage_collect(const object_ref& obj, const artifact& current) override;
  // Removes the object's whole directory (the object was deleted).
  status remove_object(const object_ref& obj) override;

  // A regular file exists at the artifact's path (not through a symlink).
  bool exists(const artifact& a) const override;
  // Re-reads the file and compares its SHA-256 with a.digest.
  status verify(const artifact& a) const override;
  std::filesystem::path local_path(const artifact& a) const override;  // empty when a.path is unsafe
  std::string url_for(std::string_view rel_path) const override;
  // URL of the object's latest.tar.gz.
  result<std::string> latest_url(const object_ref& obj) const override;

  std::uint64_t bytes_stored() const override { return bytes_.load(); }
  std::size_t temp_files_swept() const { return swept_; }
  const std::filesystem::path& root() const { return opts_.root; }

 private:
  explicit artifact_storage(storage_options opts);
  class object_locks;
  struct target;  // resolved paths for one store

  result<target> prepare(const object_ref& obj, std::string_view revision);
  template <class Write>
  result<artifact> store(const object_ref& obj, std::string_view revision, std::string_view expected_digest,
                         Write&& write);
  status update_latest_link(const std::filesystem::path& dir, const std::string& file_name);
  void sweep();
  timefmt::sys_time now() const;

  storage_options opts_;
  std::unique_ptr<object_locks> locks_;
  std::atomic<std::uint64_t> bytes_{0};
  std::size_t swept_ = 0;
};

}  // namespace fluxaws::runtime
