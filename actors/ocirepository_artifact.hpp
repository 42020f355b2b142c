// The disk side of an OCIRepository reconcile, as plain blocking functions for the
// blocking pool (never call them on a scheduler thread): the private work directory,
// "extract" (safe extraction of the layer, then Flux's ignore rules and a reproducible
// tar.gz in storage), "copy" (the layer stored byte for byte), and the NewArtifact
// event's message.
//
// Contract:
//  - Everything a reconcile writes before storage goes into its work directory
//    (make_work_dir: "<base>/ocirepository-<ns>-<name>-XXXXXX", mode 0700, base = the
//    system temp dir when empty); the caller removes it whatever happens.
//  - extract_layer(): safe_extract.hpp's rules — entries escaping the directory are
//    refused, symlinks and devices skipped, and the uncompressed size and entry count
//    capped, so a decompression bomb fails without filling the disk. The layer file is
//    removed once extracted. Errors carry code "extract".
//  - archive_extracted(): .sourceignore files of the tree plus spec.ignore
//    (sourceignore::directory_matcher), then artifact_store::store_directory. Errors
//    carry code "ignore" (the rules could not be read) or "archive".
//  - store_copied_layer(): artifact_store::store_file with the layer's digest as the
//    expected digest, so bytes that changed on disk store nothing. Errors: "archive".
//  - A failure leaves storage as it was (the store writes atomically); a success also
//    garbage-collects the object's older artifacts and reports the latest.tar.gz URL.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/artifact_store.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors::ocirepo {

struct layer_limits {
  // The compressed layer as downloaded.
  std::uint64_t max_layer_bytes = std::uint64_t{256} << 20;
  // The sum of the sizes of the extracted files, and their number ("extract" only).
  std::uint64_t max_extracted_bytes = std::uint64_t{256} << 20;
  std::uint64_t max_extracted_entries = 100000;
};

result<std::filesystem::path> make_work_dir(const std::filesystem::path& base, const std::string& ns,
                                            const std::string& name);
void remove_work_dir(const std::filesystem::path& dir);

// Extracts layer_file into `target` (which must not exist yet).
status extract_layer(const std::filesystem::path& layer_file, const std::filesystem::path& target,
                     const layer_limits& limits);

struct stored_artifact {
  artifact stored;
  std::string latest_url;
};

result<stored_artifact> archive_extracted(artifact_store& store, const artifact_owner& owner,
                                          const std::string& revision, const std::filesystem::path& dir,
                                          const std::optional<std::string>& ignore);

result<stored_artifact> store_copied_layer(artifact_store& store, const artifact_owner& owner,
                                           const std::string& revision, const std::filesystem::path& layer_file,
                                           const std::string& layer_digest);

// "stored artifact with revision '<rev>' from '<url>'", with ", origin source '<s>',
// origin revision '<r>'" when the manifest's annotations name both.
std::string new_artifact_message(const std::string& revision, const std::string& url,
                                 const std::map<std::string, std::string>& metadata);

}  // namespace fluxaws::actors::ocirepo
