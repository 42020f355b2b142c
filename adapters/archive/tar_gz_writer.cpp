#include "adapters/archive/tar_gz_writer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/archive/gzip_compressor.hpp"
#include "adapters/archive/tar_header.hpp"

namespace fluxaws::archive {

namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

// Closes a file descriptor or DIR* on scope exit.
struct fd_guard {
  int fd;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
};
struct dir_guard {
  DIR* d;
  ~dir_guard() {
    if (d) ::closedir(d);
  }
};

class tree_writer {
 public:
  tree_writer(const std::filesystem::path& root, const archive_filter& filter, gzip_compressor& gz)
      : root_(root), filter_(filter), gz_(gz) {}

  status write_root() {
    struct stat st {};
    if (::stat(root_.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return make_error("invalid", "invalid dir path: '" + root_.string() + "' is not a directory");
    }
    if (auto s = put_entry(".", '5', archive_dir_mode, 0); !s) return s;
    ++stats_.dirs;
    return walk_dir(root_, "");
  }

  const archive_stats& stats() const { return stats_; }

 private:
  status put(std::string_view bytes) { return gz_.write(bytes); }

  status put_entry(const std::string& name, char type, std::uint32_t mode, std::uint64_t size) {
    return put(encode_tar_header(tar_entry{name, type, mode, size}));
  }

  status walk_dir(const std::filesystem::path& abs, const std::string& rel) {
    std::vector<std::string> names;
    {
      dir_guard d{::opendir(abs.c_str())};
      if (!d.d) return make_error("io", "cannot open directory '" + display(rel) + "': " + errno_text(errno));
      errno = 0;
      while (auto* e = ::readdir(d.d)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
        errno = 0;
      }
      if (errno != 0) return make_error("io", "cannot list directory '" + display(rel) + "': " + errno_text(errno));
    }
    std::sort(names.begin(), names.end());  // byte order, as Go sorts names
    for (const auto& name : names) {
      std::string child_rel = rel.empty() ? name : rel + "/" + name;
      auto child_abs = abs / name;
      struct stat st {};
      if (::lstat(child_abs.c_str(), &st) != 0) {
        return make_error("io", "cannot stat '" + child_rel + "': " + errno_text(errno));
      }
      if (S_ISDIR(st.st_mode)) {
        if (!filter_ || !filter_(child_rel, true)) {
          if (auto s = put_entry(child_rel, '5', archive_dir_mode, 0); !s) return s;
          ++stats_.dirs;
        }
        // Descend even when the directory itself is filtered out (source-controller
        // does not prune the walk); each child is filtered on its own.
        if (auto s = walk_dir(child_abs, child_rel); !s) return s;
      } else if (S_ISREG(st.st_mode)) {
        if (filter_ && filter_(child_rel, false)) continue;
        if (auto s = put_file(child_abs, child_rel); !s) return s;
      }
      // Anything else (symlink, device, socket, FIFO) is not part of an artifact.
    }
    return {};
  }

  status put_file(const std::filesystem::path& abs, const std::string& rel) {
    fd_guard fd{::open(abs.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)};
    if (fd.fd < 0) return make_error("io", "cannot open '" + rel + "': " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd.fd, &st) != 0) return make_error("io", "cannot stat '" + rel + "': " + errno_text(errno));
    if (!S_ISREG(st.st_mode)) return make_error("io", "'" + rel + "' changed type while being archived");
    auto size = static_cast<std::uint64_t>(st.st_size);
    std::uint32_t mode = (st.st_mode & 0111) ? archive_exec_file_mode : archive_file_mode;
    if (auto s = put_entry(rel, '0', mode, size); !s) return s;
    std::uint64_t copied = 0;
    for (;;) {
      ssize_t n = ::read(fd.fd, buf_.data(), buf_.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error("io", "cannot read '" + rel + "': " + errno_text(errno));
      }
      if (n == 0) break;
      copied += static_cast<std::uint64_t>(n);
      if (copied > size) return make_error("io", "'" + rel + "' grew while being archived");
      if (auto s = put(std::string_view(buf_.data(), static_cast<std::size_t>(n))); !s) return s;
    }
    if (copied != size) return make_error("io", "'" + rel + "' shrank while being archived");
    if (auto pad = tar_padding(size); pad > 0) {
      if (auto s = put(std::string_view(zeros_, pad)); !s) return s;
    }
    ++stats_.files;
    stats_.content_bytes += size;
    return {};
  }

  static std::string display(const std::string& rel) { return rel.empty() ? "." : rel; }

  const std::filesystem::path& root_;
  const archive_filter& filter_;
  gzip_compressor& gz_;
  archive_stats stats_;
  std::string buf_ = std::string(64 * 1024, '\0');
  char zeros_[tar_block_size] = {};
};

}  // namespace

archive_filter ignore_filter(const ignore_matcher& m) {
  return [&m](std::string_view rel_path, bool is_dir) { return m.match_path(rel_path, is_dir); };
}

result<archive_stats> write_tar_gz(const std::filesystem::path& dir, const archive_filter& filter,
                                   const byte_sink& out) {
  gzip_compressor gz(out);
  tree_writer w(dir, filter, gz);
  if (auto s = w.write_root(); !s) return s.error();
  if (auto s = gz.write(tar_trailer()); !s) return s.error();
  if (auto s = gz.finish(); !s) return s.error();
  return w.stats();
}

result<archived_file> archive_directory(const std::filesystem::path& dir, const std::filesystem::path& dest,
                                        const archive_filter& filter,
                                        std::optional<std::chrono::system_clock::time_point> mtime) {
  auto file = atomic_file::create(dest);
  if (!file) return file.error();
  auto& f = **file;
  auto stats = write_tar_gz(dir, filter, [&f](std::string_view bytes) { return f.write(bytes); });
  if (!stats) return stats.error();  // f's destructor removes the temp file
  auto done = f.commit(mtime);
  if (!done) return done.error();
  return archived_file{done->digest, done->size, *stats};
}

}  // namespace fluxaws::archive
