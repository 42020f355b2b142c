// Tar header blocks for reproducible archives, laid out as Go's archive/tar writes them
// for source-controller: USTAR when the name and size fit (a long ASCII name is split
// into prefix + name), otherwise a PAX extended header ("<dir>/PaxHeaders.0/<file>",
// records sorted by key) carrying "path" and/or "size" before the USTAR block.
// Every environment-specific field is fixed: uid/gid 0, no user/group names, mtime 0,
// devmajor/devminor 0. The same entry always encodes to the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fluxaws::archive {

inline constexpr std::size_t tar_block_size = 512;

struct tar_entry {
  std::string name;        // '/'-separated, relative; no trailing '/' for directories
  char typeflag = '0';     // '0' regular file, '5' directory
  std::uint32_t mode = 0;  // permission bits only
  std::uint64_t size = 0;  // content bytes (0 for directories)
};

// The header block(s) for one entry: a multiple of 512 bytes.
std::string encode_tar_header(const tar_entry& e);
// Zero bytes that pad an entry's content of `size` bytes to a block boundary.
std::size_t tar_padding(std::uint64_t size);
// The end-of-archive marker: two zero blocks.
std::string tar_trailer();
// One PAX record: "<len> <key>=<value>\n", len counting the whole record.
std::string pax_record(std::string_view key, std::string_view value);

}  // namespace fluxaws::archive
