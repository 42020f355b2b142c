#include "actors/kustomization_apply.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "actors/kustomization_build.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::kustomization {

namespace fs = std::filesystem;

namespace {

constexpr const char* kFailed = "ReconciliationFailed";
constexpr std::size_t kMaxFileName = 200;

std::string who(const json::value& o) {
  std::string out = std::string(kube::kind_of(o)) + "/";
  if (!kube::namespace_of(o).empty()) out += std::string(kube::namespace_of(o)) + "/";
  return out + std::string(kube::name_of(o));
}

bool unsafe_name(std::string_view s) {
  return s.empty() || s.front() == '.' || s.find('/') != std::string_view::npos ||
         s.find('\\') != std::string_view::npos || s.find('\0') != std::string_view::npos;
}

// The file of an inventory id: the id itself, or a readable prefix plus a digest when
// it would be too long for a file name.
std::string file_name_for(const std::string& id) {
  if (id.size() <= kMaxFileName) return id + ".yaml";
  return id.substr(0, 120) + "-" + digest::sha256_hex(id).substr(0, 16) + ".yaml";
}

status errno_error(const std::string& what, int err) { return make_error("io", what + ": " + std::strerror(err)); }

status write_file(const fs::path& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("cannot create " + path.filename().string(), errno);
  (void)::fchmod(fd, 0600);
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return errno_error("cannot write " + path.filename().string(), e);
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return errno_error("cannot sync " + path.filename().string(), e);
  }
  if (::close(fd) != 0) return errno_error("cannot close " + path.filename().string(), errno);
  return status{};
}

void sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

status make_private_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("io", "cannot create " + dir.string() + ": " + ec.message());
  return status{};
}

// Overwrites a decrypted string value before it is freed (json::value gives only
// const access to its text, but the value itself is ours and not const).
void wipe_plain(json::value& v) {
  if (!v.is_string()) return;
  auto& s = const_cast<std::string&>(v.as_string());
  if (!s.empty()) std::memset(s.data(), 0, s.size());
}

// Secret stringData merged into data, as the API server stores a Secret.
status normalize_secret(json::value& o) {
  if (kube::kind_of(o) != "Secret" || kube::api_version_of(o) != "v1") return status{};
  json::value* sd = o.find("stringData");
  if (!sd) return status{};
  if (!sd->is_object() && !sd->is_null())
    return make_error(kFailed, who(o) + ": stringData must be a map of strings");
  json::value merged = sd->is_null() ? json::value::make_object() : std::move(*sd);
  o.erase("stringData");
  json::value& data = o["data"];
  if (data.is_null()) data = json::value::make_object();
  for (auto& [k, v] : merged.as_object()) {
    if (!v.is_string()) return make_error(kFailed, who(o) + ": stringData." + k + " is not a string");
    data[k] = enc::base64(v.as_string());
    wipe_plain(v);
  }
  return status{};
}

}  // namespace

status check_and_normalize(std::vector<json::value>& objects, const normalize_options& opts) {
  auto cluster = cluster_scoped_kinds(objects);
  std::set<std::string> ids;
  for (auto& o : objects) {
    std::string kind(kube::kind_of(o));
    std::string ns(kube::namespace_of(o));
    std::string name(kube::name_of(o));
    bool cluster_scoped = is_builtin_cluster_scoped(kind) || cluster.count(kind) > 0;
    if (unsafe_name(name) || (!ns.empty() && unsafe_name(ns)) || unsafe_name(kind))
      return make_error(kFailed, who(o) + ": invalid name or namespace");
    if (!cluster_scoped && ns.empty() && opts.require_namespaces)
      return make_error(kFailed, kind + "/" + name + " namespace not specified");
    if (cluster_scoped && !ns.empty()) {
      // The API server ignores it; the inventory of a cluster-scoped object has none.
      o["metadata"].erase("namespace");
    }
    if (auto st = normalize_secret(o); !st) return st;
    if (!ids.insert(kube::entry_for(o).id).second)
      return make_error(kFailed, who(o) + ": the same object appears twice in the build");
  }
  return status{};
}

result<std::vector<applied_object>> prepare_apply(std::vector<json::value> objects) {
  if (auto st = check_and_normalize(objects); !st) return st.error();
  std::vector<applied_object> out;
  for (const auto& o : objects) {
    applied_object a;
    a.entry = kube::entry_for(o);
    a.file = file_name_for(a.entry.id);
    a.yaml = yamljson::to_yaml(o);
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<kube::inventory_entry> inventory_of(const std::vector<applied_object>& objects) {
  std::vector<kube::inventory_entry> entries;
  for (const auto& o : objects) entries.push_back(o.entry);
  return kube::normalize(std::move(entries));
}

fs::path applied_dir(const fs::path& state_dir, const std::string& ns, const std::string& name) {
  return state_dir / "applied" / ns / name;
}

status write_applied(const fs::path& target, const std::vector<applied_object>& objects, bool keep_stale) {
  fs::path parent = target.parent_path();
  if (auto st = make_private_dirs(parent); !st) return st;
  std::string tmpl = (parent / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) return errno_error("cannot create a directory beside " + target.string(), errno);
  fs::path tmp = buf.data();
  auto discard = [&](status st) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return st;
  };

  std::set<std::string> names;
  for (const auto& o : objects) {
    names.insert(o.file);
    if (auto st = write_file(tmp / o.file, o.yaml); !st) return discard(st);
  }
  std::error_code ec;
  bool had_old = fs::is_directory(fs::symlink_status(target, ec));
  if (keep_stale && had_old) {
    for (fs::directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
      auto fname = it->path().filename().string();
      if (names.count(fname) || !fname.size() || fname.front() == '.' || !it->is_regular_file(ec)) continue;
      fs::copy_file(it->path(), tmp / fname, ec);
      if (ec) return discard(make_error("io", "cannot keep " + fname + ": " + ec.message()));
      fs::permissions(tmp / fname, fs::perms::owner_read | fs::perms::owner_write, ec);
    }
    if (ec) return discard(make_error("io", "cannot read " + target.string() + ": " + ec.message()));
  }
  sync_dir(tmp);

  if (!had_old) {
    if (::rename(tmp.c_str(), target.c_str()) != 0) return discard(errno_error("cannot rename into " + target.string(), errno));
    sync_dir(parent);
    return status{};
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
      return discard(errno_error("cannot swap " + target.string(), errno));
    // No exchange on this file system: move the old one aside, then the new one in.
    fs::path old = tmp.string() + ".old";
    if (::rename(target.c_str(), old.c_str()) != 0)
      return discard(errno_error("cannot move " + target.string() + " aside", errno));
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
      int e = errno;
      (void)::rename(old.c_str(), target.c_str());
      return discard(errno_error("cannot rename into " + target.string(), e));
    }
    sync_dir(parent);
    fs::remove_all(old, ec);
    return status{};
  }
  sync_dir(parent);
  fs::remove_all(tmp, ec);  // now the old set
  return status{};
}

status remove_applied(const fs::path& target) {
  std::error_code ec;
  fs::remove_all(target, ec);
  if (ec) return make_error("io", "cannot remove " + target.string() + ": " + ec.message());
  return status{};
}

}  // namespace fluxaws::actors::kustomization
