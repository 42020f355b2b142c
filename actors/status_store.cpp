#include "actors/status_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::actors {

namespace fs = std::filesystem;

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Object names and namespaces are DNS labels/subdomains; refuse anything that could
// walk out of the store.
bool safe_segment(const std::string& s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos && s.find('\0') == std::string::npos;
}
}  // namespace

fs::path status_path(const fs::path& state_dir, const kube::object_key& key) {
  return state_dir / "status" / lower(key.kind) / key.ns / (key.name + ".json");
}

status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return make_error("io", "cannot create " + path.parent_path().string() + ": " + ec.message());
  fs::path tmp = path;
  tmp += ".tmp-" + enc::hex(digest::random_bytes(6));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return make_error("io", "cannot create " + tmp.string() + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("io", "cannot write " + tmp.string() + ": " + std::strerror(e));
    }
    off += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error("io", "cannot write " + tmp.string() + ": " + std::strerror(e));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error("io", "cannot rename into " + path.string() + ": " + std::strerror(e));
  }
  return {};
}

status write_status(const fs::path& state_dir, const kube::object_key& key, const json::value& object) {
  if (!safe_segment(key.ns) || !safe_segment(key.name) || !safe_segment(key.kind))
    return make_error("invalid", "refusing to store status of " + key.to_string());
  return write_file_atomic(status_path(state_dir, key), json::dump(object, 2) + "\n");
}

status remove_status(const fs::path& state_dir, const kube::object_key& key) {
  if (!safe_segment(key.ns) || !safe_segment(key.name) || !safe_segment(key.kind)) return {};
  std::error_code ec;
  fs::remove(status_path(state_dir, key), ec);
  if (ec) return make_error("io", ec.message());
  return {};
}

std::vector<json::value> read_statuses(const fs::path& state_dir, const std::string& kind) {
  std::vector<std::pair<std::string, json::value>> found;
  fs::path root = state_dir / "status";
  if (!kind.empty()) root /= lower(kind);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return {};
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec) || it->path().extension() != ".json") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    auto v = json::parse(buf.str());
    if (!v || !v->is_object()) continue;
    found.emplace_back(fs::relative(it->path(), state_dir / "status", ec).string(), std::move(*v));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<json::value> out;
  out.reserve(found.size());
  for (auto& [p, v] : found) out.push_back(std::move(v));
  return out;
}

}  // namespace fluxaws::actors
