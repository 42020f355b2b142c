#include "runtime/artifact_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <system_error>
#include <unordered_map>

#include "adapters/archive/atomic_file.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::runtime {

namespace fs = std::filesystem;

namespace {

std::string errno_text(int err) { return std::generic_category().message(err); }

// A single path component we are willing to create: no separators, no NUL, no
// hidden/dot names (those are our temp files), not empty.
bool safe_component(std::string_view s) {
  return !s.empty() && s.front() != '.' && s.find('/') == std::string_view::npos &&
         s.find('\0') == std::string_view::npos && s.size() <= 255;
}

std::string describe(const object_ref& obj) { return obj.kind + " " + obj.ns + "/" + obj.name; }

std::string key_of(const object_ref& obj) { return str::to_lower(obj.kind) + "/" + obj.ns + "/" + obj.name; }

timefmt::sys_time file_mtime(const struct stat& st) {
  using namespace std::chrono;
  return timefmt::sys_time(duration_cast<timefmt::sys_time::duration>(seconds(st.st_mtim.tv_sec) +
                                                                      nanoseconds(st.st_mtim.tv_nsec)));
}

result<std::string> hex_of_digest(std::string_view d) {
  if (!str::starts_with(d, "sha256:")) return make_error("invalid", "unsupported digest '" + std::string(d) + "' (want sha256:<hex>)");
  auto hex = d.substr(7);
  if (hex.size() != 64 || !enc::unhex(hex)) return make_error("invalid", "malformed digest '" + std::string(d) + "'");
  return str::to_lower(hex);
}

}  // namespace

// ---- naming ---------------------------------------------------------------------

result<std::string> artifact_dir(const object_ref& obj) {
  auto kind = str::to_lower(obj.kind);
  for (auto part : {std::string_view(kind), std::string_view(obj.ns), std::string_view(obj.name)}) {
    if (!safe_component(part)) {
      return make_error("invalid", "cannot store artifacts for " + describe(obj) + ": '" + std::string(part) +
                                       "' is not a valid path component");
    }
  }
  return kind + "/" + obj.ns + "/" + obj.name;
}

result<std::string> artifact_file_name(std::string_view kind, std::string_view revision) {
  std::string_view base = revision;
  if (str::iequals(kind, "bucket")) {
    // revision.Encoded(): the hex after the algorithm.
    if (auto colon = base.rfind(':'); colon != std::string_view::npos) base = base.substr(colon + 1);
  } else {
    // digestFromRevision: the part after the last '@'.
    if (auto at = base.rfind('@'); at != std::string_view::npos) base = base.substr(at + 1);
  }
  std::string file = std::string(base) + ".tar.gz";
  if (base.empty() || !safe_component(file) || file == latest_link_name) {
    return make_error("invalid", "revision '" + std::string(revision) + "' does not give a valid artifact file name");
  }
  return file;
}

result<std::string> advertised_address(std::string_view storage_addr, std::string_view adv_addr) {
  if (!adv_addr.empty()) return std::string(adv_addr);
  std::string_view host, port;
  if (str::starts_with(storage_addr, "[")) {
    auto close = storage_addr.find(']');
    if (close == std::string_view::npos || close + 1 >= storage_addr.size() || storage_addr[close + 1] != ':') {
      return make_error("invalid", "invalid storage address '" + std::string(storage_addr) + "'");
    }
    host = storage_addr.substr(1, close - 1);
    port = storage_addr.substr(close + 2);
  } else {
    auto colon = storage_addr.rfind(':');
    if (colon == std::string_view::npos || storage_addr.find(':') != colon) {
      return make_error("invalid", "invalid storage address '" + std::string(storage_addr) + "' (want host:port)");
    }
    host = storage_addr.substr(0, colon);
    port = storage_addr.substr(colon + 1);
  }
  std::string h(host);
  if (h.empty()) {
    h = "localhost";
  } else if (h == "0.0.0.0") {
    const char* env = std::getenv("HOSTNAME");
    if (env && *env) {
      h = env;
    } else {
      char buf[256] = {};
      if (::gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) {
        return make_error("invalid", "0.0.0.0 given as storage address but the host name is unknown");
      }
      h = buf;
    }
  }
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return h + ":" + std::string(port);
}

// ---- per-object locks -------------------------------------------------------------

class artifact_storage::object_locks {
 public:
  class guard {
   public:
    guard(object_locks& owner, std::string key) : owner_(owner), key_(std::move(key)) { owner_.acquire(key_); }
    ~guard() { owner_.release(key_); }
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;

   private:
    object_locks& owner_;
    std::string key_;
  };

 private:
  struct entry {
    bool held = false;
    int waiters = 0;
  };

  void acquire(const std::string& key) {
    std::unique_lock lk(mu_);
    auto& e = entries_[key];
    ++e.waiters;
    cv_.wait(lk, [&] { return !entries_[key].held; });
    auto& held = entries_[key];
    held.held = true;
    --held.waiters;
  }

  void release(const std::string& key) {
    {
      std::lock_guard lk(mu_);
      auto it = entries_.find(key);
      it->second.held = false;
      if (it->second.waiters == 0) entries_.erase(it);  // no entry per idle object
    }
    cv_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<std::string, entry> entries_;
};

// ---- storage ------------------------------------------------------------------------

struct artifact_storage::target {
  std::string rel_dir;    // kind/ns/name
  std::string file_name;  // <revision>.tar.gz
  fs::path dir;           // absolute
  fs::path file;          // absolute
};

artifact_storage::artifact_storage(storage_options opts)
    : opts_(std::move(opts)), locks_(std::make_unique<object_locks>()) {}

artifact_storage::~artifact_storage() = default;

result<std::unique_ptr<artifact_storage>> artifact_storage::open(storage_options opts) {
  if (opts.root.empty()) return make_error("invalid", "no storage path given");
  if (opts.retention_records < 0) return make_error("invalid", "artifact retention records must not be negative");
  std::error_code ec;
  fs::create_directories(opts.root, ec);
  if (ec || !fs::is_directory(opts.root)) {
    return make_error("invalid", "invalid storage path '" + opts.root.string() + "': " +
                                     (ec ? ec.message() : std::string("not a directory")));
  }
  opts.root = fs::canonical(opts.root, ec);
  if (ec) return make_error("invalid", "invalid storage path: " + ec.message());
  std::unique_ptr<artifact_storage> s(new artifact_storage(std::move(opts)));
  s->sweep();
  return s;
}

timefmt::sys_time artifact_storage::now() const {
  return opts_.clock ? opts_.clock() : std::chrono::system_clock::now();
}

// Removes temp files left by a crash and counts the bytes of everything else.
void artifact_storage::sweep() {
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(opts_.root, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    auto name = it->path().filename().string();
    auto st = it->symlink_status(ec);
    if (ec) break;
    if (archive::atomic_file::is_temp_name(name) && !fs::is_directory(st)) {
      if (fs::remove(it->path(), ec)) ++swept_;
      ec.clear();
      continue;
    }
    if (fs::is_regular_file(st)) total += it->file_size(ec);
    ec.clear();
  }
  bytes_ = total;
}

result<artifact_storage::target> artifact_storage::prepare(const object_ref& obj, std::string_view revision) {
  auto rel_dir = artifact_dir(obj);
  if (!rel_dir) return rel_dir.error();
  auto file = artifact_file_name(obj.kind, revision);
  if (!file) return make_error(file.error().code, "cannot store artifact for " + describe(obj) + ": " + file.error().message);
  target t{*rel_dir, *file, opts_.root / *rel_dir, {}};
  t.file = t.dir / t.file_name;
  std::error_code ec;
  fs::create_directories(t.dir, ec);
  if (ec) return make_error("io", "cannot create the artifact directory for " + describe(obj) + ": " + ec.message());
  return t;
}

status artifact_storage::update_latest_link(const fs::path& dir, const std::string& file_name) {
  // A relative link to a sibling, swapped in by rename: readers see the old or the new.
  std::string tmp_name(1, '.');
  tmp_name += latest_link_name;
  tmp_name += ".tmp-";
  tmp_name += enc::hex(digest::random_bytes(3));
  auto tmp = dir / tmp_name;
  if (::symlink(file_name.c_str(), tmp.c_str()) != 0) {
    return make_error("io", "cannot create the latest link in '" + dir.string() + "': " + errno_text(errno));
  }
  auto link = dir / latest_link_name;
  if (::rename(tmp.c_str(), link.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error("io", "cannot replace the latest link in '" + dir.string() + "': " + errno_text(err));
  }
  return {};
}

template <class Write>
result<artifact> artifact_storage::store(const object_ref& obj, std::string_view revision,
                                         std::string_view expected_digest, Write&& write) {
  std::string want_hex;
  if (!expected_digest.empty()) {
    auto hex = hex_of_digest(expected_digest);
    if (!hex) return make_error(hex.error().code, "cannot store artifact for " + describe(obj) + ": " + hex.error().message);
    want_hex = *hex;
  }
  auto t = prepare(obj, revision);
  if (!t) return t.error();
  object_locks::guard lock(*locks_, key_of(obj));

  auto file = archive::atomic_file::create(t->file);
  if (!file) return file.error();
  if (auto s = write(**file); !s) {
    return make_error(s.error().code, "cannot store artifact for " + describe(obj) + ": " + s.error().message);
  }
  struct stat old {};
  bool replacing = ::lstat(t->file.c_str(), &old) == 0 && S_ISREG(old.st_mode);
  auto stamp = now();
  // A mismatching blob is checked before the rename, so it never becomes visible.
  auto done = (*file)->commit(stamp, want_hex.empty() ? std::string() : "sha256:" + want_hex);
  if (!done) return make_error(done.error().code, "cannot store artifact for " + describe(obj) + ": " + done.error().message);
  if (replacing) bytes_ -= std::min<std::uint64_t>(bytes_.load(), static_cast<std::uint64_t>(old.st_size));
  bytes_ += done->size;
  if (auto s = update_latest_link(t->dir, t->file_name); !s) return s.error();

  artifact a;
  a.path = t->rel_dir + "/" + t->file_name;
  a.url = url_for(a.path);
  a.revision = std::string(revision);
  a.digest = done->digest;
  a.last_update_time = stamp;
  a.size = static_cast<std::int64_t>(done->size);
  return a;
}

result<artifact> artifact_storage::store_directory(const object_ref& obj, std::string_view revision, const fs::path& dir,
                                                   const archive::archive_filter& filter) {
  return store(obj, revision, {}, [&](archive::atomic_file& f) -> status {
    auto stats = archive::write_tar_gz(dir, filter, [&f](std::string_view b) { return f.write(b); });
    if (!stats) return stats.error();
    return {};
  });
}

result<artifact> artifact_storage::store_file(const object_ref& obj, std::string_view revision, const fs::path& file,
                                              std::string_view expected_digest) {
  return store(obj, revision, expected_digest, [&](archive::atomic_file& f) -> status {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return make_error("io", "cannot open '" + file.string() + "': " + errno_text(errno));
    struct closer {
      int fd;
      ~closer() { ::close(fd); }
    } guard{fd};
    std::string buf(64 * 1024, '\0');
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return make_error("io", "cannot read '" + file.string() + "': " + errno_text(errno));
      }
      if (n == 0) return {};
      if (auto s = f.write(std::string_view(buf.data(), static_cast<std::size_t>(n))); !s) return s;
    }
  });
}

result<artifact> artifact_storage::store_bytes(const object_ref& obj, std::string_view revision, std::string_view data,
                                               std::string_view expected_digest) {
  return store(obj, revision, expected_digest, [&](archive::atomic_file& f) { return f.write(data); });
}

result<std::vector<std::string>> artifact_storage::garbage_collect(const object_ref& obj, const artifact& current) {
  auto rel_dir = artifact_dir(obj);
  if (!rel_dir) return rel_dir.error();
  object_locks::guard lock(*locks_, key_of(obj));
  auto dir = opts_.root / *rel_dir;
  auto current_name = fs::path(current.path).filename().string();

  struct candidate {
    std::string name;
    timefmt::sys_time mtime;
    std::uint64_t size;
  };
  std::vector<candidate> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return std::vector<std::string>{};
    return make_error("io", "cannot list the artifacts of " + describe(obj) + ": " + ec.message());
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    auto name = it->path().filename().string();
    if (name.empty() || name.front() == '.' || str::ends_with(name, ".lock")) continue;  // temp files, locks
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // latest link, dirs
    files.push_back({name, file_mtime(st), static_cast<std::uint64_t>(st.st_size)});
  }
  if (ec) return make_error("io", "cannot list the artifacts of " + describe(obj) + ": " + ec.message());

  auto t = now();
  std::vector<const candidate*> garbage, kept;
  for (const auto& f : files) {
    bool expired = t - f.mtime > opts_.retention_ttl;
    (f.name != current_name && expired ? garbage : kept).push_back(&f);
  }
  // Oldest first; ties by name so the choice is stable.
  std::sort(kept.begin(), kept.end(), [](const candidate* a, const candidate* b) {
    return a->mtime != b->mtime ? a->mtime < b->mtime : a->name < b->name;
  });
  std::size_t remaining = kept.size();
  for (const auto* f : kept) {
    if (remaining <= static_cast<std::size_t>(opts_.retention_records)) break;
    if (f->name == current_name) continue;
    garbage.push_back(f);
    --remaining;
  }

  std::vector<std::string> removed;
  std::string failures;
  for (const auto* f : garbage) {
    auto p = dir / f->name;
    if (::unlink(p.c_str()) == 0) {
      bytes_ -= std::min<std::uint64_t>(bytes_.load(), f->size);
      removed.push_back(*rel_dir + "/" + f->name);
    } else if (errno != ENOENT) {
      failures += (failures.empty() ? "" : ", ") + f->name + " (" + errno_text(errno) + ")";
    }
  }
  if (!failures.empty()) {
    return make_error("io", "garbage collection of " + describe(obj) + " could not remove " + failures);
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

status artifact_storage::remove_object(const object_ref& obj) {
  auto rel_dir = artifact_dir(obj);
  if (!rel_dir) return rel_dir.error();
  object_locks::guard lock(*locks_, key_of(obj));
  auto dir = opts_.root / *rel_dir;
  std::uint64_t freed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) freed += static_cast<std::uint64_t>(st.st_size);
  }
  ec.clear();
  fs::remove_all(dir, ec);
  if (ec) return make_error("io", "cannot remove the artifacts of " + describe(obj) + ": " + ec.message());
  bytes_ -= std::min<std::uint64_t>(bytes_.load(), freed);
  return {};
}

fs::path artifact_storage::local_path(const artifact& a) const {
  if (a.path.empty()) return {};
  for (auto part : str::split(a.path, '/')) {
    if (!safe_component(part)) return {};
  }
  return opts_.root / a.path;
}

bool artifact_storage::exists(const artifact& a) const {
  auto p = local_path(a);
  struct stat st {};
  return !p.empty() && ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

status artifact_storage::verify(const artifact& a) const {
  if (a.digest.empty()) return make_error("invalid", "artifact has no digest");
  auto want = hex_of_digest(a.digest);
  if (!want) return want.error();
  auto p = local_path(a);
  if (p.empty()) return make_error("invalid", "artifact path '" + a.path + "' is not valid");
  int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return make_error("io", "cannot open artifact '" + a.path + "': " + errno_text(errno));
  struct closer {
    int fd;
    ~closer() { ::close(fd); }
  } guard{fd};
  digest::sha256_stream h;
  std::string buf(64 * 1024, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error("io", "cannot read artifact '" + a.path + "': " + errno_text(errno));
    }
    if (n == 0) break;
    h.update(buf.data(), static_cast<std::size_t>(n));
  }
  if (h.finish_hex() != *want) return make_error("digest_mismatch", "computed digest of '" + a.path + "' doesn't match '" + a.digest + "'");
  return {};
}

std::string artifact_storage::url_for(std::string_view rel_path) const {
  while (str::starts_with(rel_path, "/")) rel_path.remove_prefix(1);
  const auto& host = opts_.advertised_address;
  if (str::starts_with(host, "http://") || str::starts_with(host, "https://")) return host + "/" + std::string(rel_path);
  return "http://" + host + "/" + std::string(rel_path);
}

result<std::string> artifact_storage::latest_url(const object_ref& obj) const {
  auto rel_dir = artifact_dir(obj);
  if (!rel_dir) return rel_dir.error();
  return url_for(*rel_dir + "/" + std::string(latest_link_name));
}

}  // namespace fluxaws::runtime
