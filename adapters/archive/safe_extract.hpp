// Safe extraction of a tar stream (gzip-compressed or plain; detected from the bytes)
// into a new directory — for OCI layers ("extract") and fetched artifacts.
//
// Contract:
//   - target must not exist (or be an empty directory); its parent must exist. Entries
//     are written into a fresh sibling temp dir ".<target>.extract-XXXXXX" that is
//     renamed to target on success and removed on any failure: target never holds a
//     partial tree, and nothing is left behind.
//   - Refused (error naming the entry): absolute names, any ".." component, a '\' in a
//     name, and any entry whose path goes through an earlier symlink entry.
//   - Symlinks are never created: skipped by default (as source-controller's
//     tar.WithSkipSymlinks), or refused. Hard links, devices, FIFOs and sockets are
//     never created either: skipped by default, or refused.
//   - Caps: total uncompressed bytes (the sum of every entry's declared size, checked
//     before writing, and the bytes actually written) and the number of entries. Going
//     over fails the whole extraction — a decompression bomb cannot fill the disk.
//   - Truncated or corrupt input (bad gzip data or CRC, bad header checksum, short data)
//     fails with the name of the entry being read (or the last good one). The stream is
//     read to its end, so the gzip trailer is always checked; at most 1 MiB of padding
//     may follow the end-of-archive marker.
//   - Files get their header's permission bits plus owner read/write (0600), directories
//     plus 0700, so the tree can always be read and removed; no setuid/setgid/sticky;
//     no ownership changes; file mtimes from the header, clamped to now.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::archive {

enum class entry_policy { skip, refuse };

struct extract_options {
  static constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_bytes = 100ull << 20;  // fluxcd/pkg/tar's DefaultMaxUntarSize (100 MiB)
  std::uint64_t max_entries = 100000;
  entry_policy symlinks = entry_policy::skip;
  entry_policy special_files = entry_policy::skip;  // hard links, devices, FIFOs, sockets
};

struct extract_stats {
  std::uint64_t files = 0;
  std::uint64_t dirs = 0;
  std::uint64_t bytes = 0;    // content written
  std::uint64_t skipped = 0;  // symlinks and special files left out
};

result<extract_stats> extract_tar_file(const std::filesystem::path& archive, const std::filesystem::path& target,
                                       const extract_options& opts = {});
result<extract_stats> extract_tar_bytes(std::string_view data, const std::filesystem::path& target,
                                        const extract_options& opts = {});

}  // namespace fluxaws::archive
