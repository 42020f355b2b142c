// deterministic_targz.hpp — tar+gzip archives whose bytes depend only on the files'
// relative paths, contents and executable bit, so seeded digests are stable across
// runs and machines.
//
// Contract: entries sorted by path (byte order, '/' separators); regular files only;
// mode 0644 (0755 when executable); uid/gid 0, no user or group names; mtime 0; pax
// headers only where ustar cannot hold a field (long paths). gzip has mtime 0, no
// name and a fixed compression level. Paths must be relative and must not contain
// "." or ".." segments. libarchive writes both the tar and the gzip stream.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"

namespace emu::registry {

struct tar_file {
  std::string path;  // relative, '/'-separated
  std::string data;
  bool executable = false;
};

// The tar stream (uncompressed) of the files, in sorted order.
fluxaws::result<std::string> tar_of(std::vector<tar_file> files);
// gzip (RFC 1952) of data with a fixed header.
fluxaws::result<std::string> gzip_of(std::string_view data);
// tar_of then gzip_of.
fluxaws::result<std::string> targz_of(std::vector<tar_file> files);

// Every regular file under dir (recursively). Symlinks and other special files are an
// error naming them: a seeded artifact must not depend on what a link points at.
fluxaws::result<std::vector<tar_file>> files_of_directory(const std::filesystem::path& dir);

}  // namespace emu::registry
