#include "adapters/archive/safe_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "adapters/archive/gzip_decompressor.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::archive {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

std::string in_quotes(std::string_view s) {
  std::string out(1, '\'');  // appended, not "lit" + string&&: GCC 12 -Wrestrict false positive
  out += s;
  out += '\'';
  return out;
}

// Splits an entry name into safe components, or explains why it is unsafe. "./a//b/"
// gives {"a","b"}; "." gives {} (the root itself).
result<std::vector<std::string>> safe_components(std::string_view name) {
  if (name.empty()) return make_error("unsafe_path", "an entry has an empty name");
  if (name.find('\\') != std::string_view::npos) {
    return make_error("unsafe_path", "entry " + in_quotes(name) + " has a backslash in its name");
  }
  if (name.front() == '/') return make_error("unsafe_path", "entry " + in_quotes(name) + " has an absolute path");
  std::vector<std::string> parts;
  for (auto part : str::split(name, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return make_error("unsafe_path", "entry " + in_quotes(name) + " escapes the target directory");
    parts.emplace_back(part);
  }
  return parts;
}

std::string join(const std::vector<std::string>& parts, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out;
}

struct archive_deleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using archive_ptr = std::unique_ptr<struct archive, archive_deleter>;

class extractor {
 public:
  extractor(const fs::path& dest, const extract_options& opts) : dest_(dest), opts_(opts) {}

  status run(struct archive* a) {
    struct archive_entry* entry = nullptr;
    for (;;) {
      int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF) return {};
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
        std::string where = last_name_.empty() ? "at the start of the archive" : "after entry " + in_quotes(last_name_);
        return make_error("corrupt", "corrupt or truncated archive " + where + ": " + error_text(a));
      }
      const char* raw = archive_entry_pathname(entry);
      std::string name = raw ? raw : "";
      last_name_ = name;
      if (++entries_ > opts_.max_entries) {
        return make_error("entry_limit", "archive has more than " + std::to_string(opts_.max_entries) +
                                             " entries (stopped at " + in_quotes(name) + ")");
      }
      std::uint64_t declared = archive_entry_size_is_set(entry) && archive_entry_size(entry) > 0
                                   ? static_cast<std::uint64_t>(archive_entry_size(entry))
                                   : 0;
      // Every entry's declared size counts, written or not (as fluxcd/pkg/tar does).
      if (over_cap(declared_total_, declared)) {
        return make_error("size_limit", "entry " + in_quotes(name) + " takes the archive over the limit of " +
                                            std::to_string(opts_.max_bytes) + " uncompressed bytes");
      }
      declared_total_ += declared;
      auto parts = safe_components(name);
      if (!parts) return parts.error();
      if (auto s = check_not_through_symlink(name, *parts); !s) return s;
      if (auto s = extract_entry(a, entry, name, *parts, declared); !s) return s;
    }
  }

  const extract_stats& stats() const { return stats_; }

 private:
  bool over_cap(std::uint64_t have, std::uint64_t more) const {
    return opts_.max_bytes != extract_options::unlimited && (more > opts_.max_bytes || have > opts_.max_bytes - more);
  }

  static std::string error_text(struct archive* a) {
    const char* e = archive_error_string(a);
    return e ? e : "unknown error";
  }

  status check_not_through_symlink(const std::string& name, const std::vector<std::string>& parts) {
    for (std::size_t n = 1; n < parts.size(); ++n) {
      auto prefix = join(parts, n);
      if (symlinks_.count(prefix)) {
        return make_error("unsafe_path", "entry " + in_quotes(name) + " goes through symlink " + in_quotes(prefix));
      }
    }
    return {};
  }

  status skip_or_refuse(entry_policy policy, const std::string& name, std::string_view what) {
    if (policy == entry_policy::refuse) {
      return make_error("unsupported_entry", "entry " + in_quotes(name) + " is a " + std::string(what) +
                                                 ", which is not allowed here");
    }
    ++stats_.skipped;
    return {};
  }

  status extract_entry(struct archive* a, struct archive_entry* entry, const std::string& name,
                       const std::vector<std::string>& parts, std::uint64_t declared) {
    auto key = join(parts, parts.size());
    if (archive_entry_hardlink(entry) != nullptr) return skip_or_refuse(opts_.special_files, name, "hard link");
    auto type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) {
      if (auto s = skip_or_refuse(opts_.symlinks, name, "symlink"); !s) return s;
      if (!parts.empty()) symlinks_.insert(key);
      return {};
    }
    if (type == AE_IFDIR) {
      symlinks_.erase(key);
      if (parts.empty()) return {};  // the root itself
      auto perm = static_cast<mode_t>((archive_entry_perm(entry) & 0777) | 0700);
      return make_dirs(name, parts, parts.size(), perm);
    }
    if (type == AE_IFREG) {
      symlinks_.erase(key);
      if (parts.empty()) return make_error("unsafe_path", "entry " + in_quotes(name) + " is a file at the archive root");
      return write_file(a, entry, name, parts, declared);
    }
    const char* what = type == AE_IFCHR    ? "character device"
                       : type == AE_IFBLK  ? "block device"
                       : type == AE_IFIFO  ? "FIFO"
                       : type == AE_IFSOCK ? "socket"
                                           : "file of unknown type";
    return skip_or_refuse(opts_.special_files, name, what);
  }

  // Creates dest/parts[0..n) one level at a time; an existing non-directory fails.
  status make_dirs(const std::string& name, const std::vector<std::string>& parts, std::size_t n, mode_t last_perm) {
    fs::path p = dest_;
    for (std::size_t i = 0; i < n; ++i) {
      p /= parts[i];
      mode_t perm = i + 1 == n ? last_perm : 0750;
      if (::mkdir(p.c_str(), perm) == 0) {
        if (i + 1 == n) ::chmod(p.c_str(), perm);  // the umask must not remove owner access
        ++stats_.dirs;
        continue;
      }
      if (errno != EEXIST) return make_error("io", "cannot create directory for entry " + in_quotes(name) + ": " + errno_text(errno));
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return make_error("conflict", "entry " + in_quotes(name) + " needs " + in_quotes(join(parts, i + 1)) +
                                          " to be a directory, but an earlier entry made it a file");
      }
    }
    return {};
  }

  status write_file(struct archive* a, struct archive_entry* entry, const std::string& name,
                    const std::vector<std::string>& parts, std::uint64_t declared) {
    if (parts.size() > 1) {
      if (auto s = make_dirs(name, parts, parts.size() - 1, 0750); !s) return s;
    }
    fs::path p = dest_;
    for (const auto& part : parts) p /= part;
    auto perm = static_cast<mode_t>((archive_entry_perm(entry) & 0777) | 0600);
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, perm);
    if (fd < 0) return make_error("io", "cannot create file for entry " + in_quotes(name) + ": " + errno_text(errno));
    struct closer {
      int fd;
      ~closer() {
        if (fd >= 0) ::close(fd);
      }
    } guard{fd};
    ::fchmod(fd, perm);  // a duplicate entry must not keep an earlier entry's mode
    std::uint64_t written = 0;
    for (;;) {
      la_ssize_t n = archive_read_data(a, buf_.data(), buf_.size());
      if (n == 0) break;
      if (n < 0) {
        return make_error("corrupt", "truncated or corrupt data in entry " + in_quotes(name) + ": " + error_text(a));
      }
      auto got = static_cast<std::uint64_t>(n);
      if (over_cap(stats_.bytes, got)) {
        return make_error("size_limit", "entry " + in_quotes(name) + " takes the archive over the limit of " +
                                            std::to_string(opts_.max_bytes) + " uncompressed bytes");
      }
      const char* data = buf_.data();
      std::size_t left = static_cast<std::size_t>(n);
      while (left > 0) {
        ssize_t w = ::write(fd, data, left);
        if (w < 0) {
          if (errno == EINTR) continue;
          return make_error("io", "cannot write entry " + in_quotes(name) + ": " + errno_text(errno));
        }
        data += w;
        left -= static_cast<std::size_t>(w);
      }
      written += got;
      stats_.bytes += got;
    }
    if (written != declared) {
      return make_error("corrupt", "entry " + in_quotes(name) + " has " + std::to_string(written) +
                                       " bytes of data but its header says " + std::to_string(declared));
    }
    if (archive_entry_mtime_is_set(entry)) {
      auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
      time_t mtime = std::min<time_t>(archive_entry_mtime(entry), now);
      struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
      ::futimens(fd, ts);  // best effort: times are informational
    }
    guard.fd = -1;
    if (::close(fd) != 0) return make_error("io", "cannot write entry " + in_quotes(name) + ": " + errno_text(errno));
    ++stats_.files;
    return {};
  }

  const fs::path& dest_;
  const extract_options& opts_;
  extract_stats stats_;
  std::uint64_t entries_ = 0;
  std::uint64_t declared_total_ = 0;
  std::string last_name_;
  std::set<std::string> symlinks_;  // skipped symlink entries; nothing may go through them
  std::string buf_ = std::string(64 * 1024, '\0');
};

// Feeds libarchive the plain tar bytes: gzip is inflated (and checked) by
// gzip_decompressor, so libarchive reads only the tar format.
struct tar_input {
  gzip_decompressor plain;
  std::string error;

  static la_ssize_t read_cb(struct archive* a, void* self, const void** buf) {
    auto* in = static_cast<tar_input*>(self);
    auto chunk = in->plain.read();
    if (!chunk) {
      in->error = chunk.error().message;
      archive_set_error(a, EIO, "%s", in->error.c_str());
      return -1;
    }
    *buf = chunk->data();
    return static_cast<la_ssize_t>(chunk->size());
  }
};

// After the end-of-archive marker only padding may follow; reading it to the end
// verifies the gzip trailer (CRC-32, length) of the whole stream.
constexpr std::uint64_t max_bytes_after_end = 1 << 20;

status drain_after_end(gzip_decompressor& plain) {
  std::uint64_t extra = 0;
  for (;;) {
    auto chunk = plain.read();
    if (!chunk) return make_error(chunk.error().code, "corrupt archive after its end marker: " + chunk.error().message);
    if (chunk->empty()) return {};
    extra += chunk->size();
    if (extra > max_bytes_after_end) {
      return make_error("corrupt", "more than " + std::to_string(max_bytes_after_end) +
                                       " bytes follow the end of the archive");
    }
  }
}

// Creates the temp dir next to target, extracts from pull, and renames or removes.
result<extract_stats> extract_with(const fs::path& target, const extract_options& opts,
                                   gzip_decompressor::pull_fn pull) {
  if (target.empty() || !target.has_filename()) {
    return make_error("invalid", "invalid extraction target '" + target.string() + "'");
  }
  struct stat st {};
  if (::lstat(target.c_str(), &st) == 0) {
    std::error_code ec;
    if (!S_ISDIR(st.st_mode) || !fs::is_empty(target, ec) || ec) {
      return make_error("invalid", "extraction target '" + target.string() + "' already exists and is not an empty directory");
    }
  }
  auto parent = target.parent_path();
  std::string base(1, '.');
  base += target.filename().string();
  base += ".extract-XXXXXX";
  std::string templ = ((parent.empty() ? fs::path(".") : parent) / base).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) {
    return make_error("io", "cannot create a temp directory next to '" + target.string() + "': " + errno_text(errno));
  }
  fs::path temp(buf.data());
  auto fail = [&temp](error_info e) -> result<extract_stats> {
    std::error_code ec;
    fs::remove_all(temp, ec);
    return e;
  };

  tar_input input{gzip_decompressor(std::move(pull)), {}};
  archive_ptr a(archive_read_new());
  if (!a) return fail(make_error("io", "cannot allocate an archive reader"));
  archive_read_support_format_tar(a.get());
  if (archive_read_open(a.get(), &input, nullptr, &tar_input::read_cb, nullptr) != ARCHIVE_OK) {
    const char* why = archive_error_string(a.get());
    return fail(make_error("corrupt", std::string("not a readable tar archive: ") + (why ? why : "unknown error")));
  }
  extractor x(temp, opts);
  if (auto s = x.run(a.get()); !s) return fail(s.error());
  if (auto s = drain_after_end(input.plain); !s) return fail(s.error());
  a.reset();
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    int err = errno;
    return fail(make_error("io", "cannot move the extracted tree to '" + target.string() + "': " + errno_text(err)));
  }
  return x.stats();
}

}  // namespace

result<extract_stats> extract_tar_file(const fs::path& archive, const fs::path& target, const extract_options& opts) {
  int fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("io", "cannot open archive '" + archive.string() + "': " + errno_text(errno));
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  auto buf = std::make_shared<std::string>(64 * 1024, '\0');
  return extract_with(target, opts, [fd, buf, name = archive.string()]() -> result<std::string_view> {
    for (;;) {
      ssize_t n = ::read(fd, buf->data(), buf->size());
      if (n >= 0) return std::string_view(buf->data(), static_cast<std::size_t>(n));
      if (errno != EINTR) return make_error("io", "cannot read archive '" + name + "': " + errno_text(errno));
    }
  });
}

result<extract_stats> extract_tar_bytes(std::string_view data, const fs::path& target, const extract_options& opts) {
  return extract_with(target, opts, [data]() mutable -> result<std::string_view> {
    auto chunk = data;
    data = {};
    return chunk;
  });
}

}  // namespace fluxaws::archive
