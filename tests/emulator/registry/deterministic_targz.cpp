#include "tests/emulator/registry/deterministic_targz.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/common/strings.hpp"

namespace emu::registry {
namespace {

la_ssize_t append_to_string(struct archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

bool safe_relative(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  for (auto seg : fluxaws::str::split(path, '/'))
    if (seg.empty() || seg == "." || seg == "..") return false;
  return true;
}

}  // namespace

fluxaws::result<std::string> tar_of(std::vector<tar_file> files) {
  std::sort(files.begin(), files.end(), [](const tar_file& a, const tar_file& b) { return a.path < b.path; });
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!safe_relative(files[i].path))
      return fluxaws::make_error("invalid_path", "tar entry path '" + files[i].path + "' is not a plain relative path");
    if (i > 0 && files[i].path == files[i - 1].path)
      return fluxaws::make_error("invalid_path", "tar entry path '" + files[i].path + "' appears twice");
  }
  std::string out;
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  if (!a || !entry) return fluxaws::make_error("archive", "libarchive could not allocate a writer");
  auto fail = [&](std::string_view what) {
    return fluxaws::make_error("archive", std::string(what) + ": " + (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown libarchive error"));
  };
  // pax_restricted writes plain ustar headers unless a field does not fit.
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK) return fail("tar format");
  // One 512-byte block per write: no padding to 10 KiB records beyond what tar needs.
  archive_write_set_bytes_per_block(a.get(), 512);
  if (archive_write_open2(a.get(), &out, nullptr, append_to_string, nullptr, nullptr) != ARCHIVE_OK)
    return fail("tar open");
  for (const auto& f : files) {
    archive_entry_clear(entry.get());
    archive_entry_set_pathname(entry.get(), f.path.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), f.executable ? 0755 : 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(f.data.size()));
    archive_entry_set_mtime(entry.get(), 0, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return fail("tar header for '" + f.path + "'");
    if (!f.data.empty() &&
        archive_write_data(a.get(), f.data.data(), f.data.size()) != static_cast<la_ssize_t>(f.data.size()))
      return fail("tar data for '" + f.path + "'");
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) return fail("tar close");
  return out;
}

fluxaws::result<std::string> gzip_of(std::string_view data) {
  // libarchive's raw format with its gzip filter (libarchive brings zlib along).
  std::string out;
  std::unique_ptr<struct archive, decltype(&archive_write_free)> a(archive_write_new(), archive_write_free);
  std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
  if (!a || !entry) return fluxaws::make_error("gzip", "libarchive could not allocate a writer");
  auto fail = [&](std::string_view what) {
    return fluxaws::make_error("gzip", std::string(what) + ": " + (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown libarchive error"));
  };
  if (archive_write_set_format_raw(a.get()) != ARCHIVE_OK || archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK)
    return fail("gzip format");
  // "!timestamp": mtime 0 in the gzip header instead of the current time.
  if (archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr) != ARCHIVE_OK ||
      archive_write_set_filter_option(a.get(), "gzip", "compression-level", "6") != ARCHIVE_OK)
    return fail("gzip options");
  archive_write_set_bytes_per_block(a.get(), 0);  // no padding of the compressed stream
  if (archive_write_open2(a.get(), &out, nullptr, append_to_string, nullptr, nullptr) != ARCHIVE_OK)
    return fail("gzip open");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) return fail("gzip header");
  if (!data.empty() && archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
    return fail("gzip data");
  if (archive_write_close(a.get()) != ARCHIVE_OK) return fail("gzip close");
  return out;
}

fluxaws::result<std::string> targz_of(std::vector<tar_file> files) {
  auto tar = tar_of(std::move(files));
  if (!tar) return tar.error();
  return gzip_of(*tar);
}

fluxaws::result<std::vector<tar_file>> files_of_directory(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return fluxaws::make_error("not_found", "artifact directory '" + dir.string() + "' does not exist or is not a directory");
  std::vector<tar_file> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec), end;
  if (ec) return fluxaws::make_error("io", "cannot read directory '" + dir.string() + "': " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return fluxaws::make_error("io", "cannot read directory '" + dir.string() + "': " + ec.message());
    const auto status = it->symlink_status(ec);
    if (ec) return fluxaws::make_error("io", "cannot stat '" + it->path().string() + "': " + ec.message());
    if (fs::is_directory(status)) continue;
    if (!fs::is_regular_file(status))
      return fluxaws::make_error("invalid_file", "'" + it->path().string() + "' is not a regular file (links and special files are not archived)");
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    if (!in.good() && !in.eof())
      return fluxaws::make_error("io", "cannot read '" + it->path().string() + "'");
    tar_file f;
    f.path = fs::relative(it->path(), dir).generic_string();
    f.data = std::move(buf).str();
    f.executable = (status.permissions() & fs::perms::owner_exec) != fs::perms::none;
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace emu::registry
