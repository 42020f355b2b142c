// Reproducible tar.gz of a directory, as source-controller's Storage.Archive builds it.
//
// Walk: depth-first, entries of each directory in byte order (Go's filepath.Walk), the
// root itself first as ".". Only regular files and directories are written; symlinks,
// devices, sockets and FIFOs are skipped (source-controller skips every non-regular,
// non-directory entry, whatever a symlink points at). The filter sees each entry's
// '/'-separated path relative to the root; an excluded directory is left out but its
// children are still offered to the filter one by one (as source-controller does, so
// "dir/" + "!dir/keep" keeps dir/keep).
//
// Headers (see tar_header.hpp): uid/gid 0, no owner names, mtime 0, and modes fixed by
// type as source-controller sets them: directories 0750, files 0600, files with any
// execute bit 0700. Same tree => same bytes, whatever the owners, times or umask.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string_view>

#include "adapters/archive/atomic_file.hpp"
#include "adapters/archive/byte_sink.hpp"
#include "adapters/archive/ignore_matcher.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::archive {

inline constexpr std::uint32_t archive_dir_mode = 0750;
inline constexpr std::uint32_t archive_file_mode = 0600;
inline constexpr std::uint32_t archive_exec_file_mode = 0700;

// Returns true to leave the entry out.
using archive_filter = std::function<bool(std::string_view rel_path, bool is_dir)>;

// A filter from an ignore matcher (which must outlive the filter).
archive_filter ignore_filter(const ignore_matcher& m);

struct archive_stats {
  std::uint64_t files = 0;
  std::uint64_t dirs = 0;           // including the root entry
  std::uint64_t content_bytes = 0;  // sum of file sizes (uncompressed)
};

// Writes the tar.gz stream of dir to out. Errors name the entry that failed.
result<archive_stats> write_tar_gz(const std::filesystem::path& dir, const archive_filter& filter,
                                   const byte_sink& out);

struct archived_file {
  std::string digest;  // "sha256:<hex>" of the tar.gz bytes
  std::uint64_t size = 0;
  archive_stats stats;
};

// write_tar_gz into dest through an atomic_file: digested while written, renamed into
// place on success, nothing left behind on failure. mtime, when given, is set on the
// file before the rename.
result<archived_file> archive_directory(const std::filesystem::path& dir, const std::filesystem::path& dest,
                                        const archive_filter& filter,
                                        std::optional<std::chrono::system_clock::time_point> mtime = std::nullopt);

}  // namespace fluxaws::archive
