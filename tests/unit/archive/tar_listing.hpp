// Lists a tar(.gz) with libarchive, an independent reader, for the writer's tests.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fluxaws::testing {

struct listed_entry {
  std::string name;
  char type = '?';  // 'f' file, 'd' dir, 'l' symlink, 'o' other
  unsigned mode = 0;
  std::int64_t uid = -1, gid = -1, mtime = -1;
  std::string uname, gname;
  std::string content;
};

inline std::vector<listed_entry> list_tar(const std::string& bytes) {
  std::vector<listed_entry> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK) {
    archive_read_free(a);
    throw std::runtime_error("not a tar archive");
  }
  struct archive_entry* e = nullptr;
  int r;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {  // WARN: charset
    listed_entry le;
    le.name = archive_entry_pathname(e);
    auto t = archive_entry_filetype(e);
    le.type = t == AE_IFREG ? 'f' : t == AE_IFDIR ? 'd' : t == AE_IFLNK ? 'l' : 'o';
    le.mode = archive_entry_perm(e);
    le.uid = archive_entry_uid(e);
    le.gid = archive_entry_gid(e);
    le.mtime = archive_entry_mtime(e);
    le.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    le.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) le.content.append(buf, static_cast<std::size_t>(n));
    out.push_back(std::move(le));
  }
  bool ok = r == ARCHIVE_EOF;
  archive_read_free(a);
  if (!ok) throw std::runtime_error("tar read error");
  return out;
}

}  // namespace fluxaws::testing
