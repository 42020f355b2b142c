#include "actors/ocirepository_artifact.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "adapters/archive/safe_extract.hpp"
#include "adapters/archive/source_ignore.hpp"
#include "adapters/archive/tar_gz_writer.hpp"

namespace fluxaws::actors::ocirepo {

namespace fs = std::filesystem;

namespace {

// Object names are DNS labels; keep the directory name tame whatever they hold.
std::string path_safe(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "_" : out;
}

result<stored_artifact> finish_store(artifact_store& store, const artifact_owner& owner, result<artifact> a) {
  if (!a) return make_error("archive", a.error().message);
  (void)store.garbage_collect(owner, *a);
  auto url = store.latest_url(owner);
  return stored_artifact{std::move(a).value(), url ? *url : std::string()};
}

}  // namespace

result<fs::path> make_work_dir(const fs::path& base, const std::string& ns, const std::string& name) {
  std::error_code ec;
  fs::path root = base.empty() ? fs::temp_directory_path(ec) : base;
  if (ec) return make_error("workdir", "failed to create temporary working directory: " + ec.message());
  std::string tmpl = (root / ("ocirepository-" + path_safe(ns) + "-" + path_safe(name) + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    return make_error("workdir", "failed to create temporary working directory: " + std::string(std::strerror(errno)));
  return fs::path(buf.data());
}

void remove_work_dir(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::remove_all(dir, ec);
}

status extract_layer(const fs::path& layer_file, const fs::path& target, const layer_limits& limits) {
  archive::extract_options o;
  o.max_bytes = limits.max_extracted_bytes;
  o.max_entries = limits.max_extracted_entries;
  o.symlinks = archive::entry_policy::skip;       // tar.WithSkipSymlinks
  o.special_files = archive::entry_policy::skip;  // devices, FIFOs, hard links
  auto r = archive::extract_tar_file(layer_file, target, o);
  std::error_code ec;
  fs::remove(layer_file, ec);
  if (!r) return make_error("extract", r.error().message);
  return {};
}

result<stored_artifact> archive_extracted(artifact_store& store, const artifact_owner& owner,
                                          const std::string& revision, const fs::path& dir,
                                          const std::optional<std::string>& ignore) {
  std::optional<std::string_view> spec_ignore;
  if (ignore) spec_ignore = *ignore;
  auto matcher = archive::sourceignore::directory_matcher(dir, spec_ignore);
  if (!matcher)
    return make_error("ignore", "failed to load source ignore patterns from repository: " + matcher.error().message);
  auto filter = archive::ignore_filter(*matcher);
  return finish_store(store, owner, store.store_directory(owner, revision, dir, filter));
}

result<stored_artifact> store_copied_layer(artifact_store& store, const artifact_owner& owner,
                                           const std::string& revision, const fs::path& layer_file,
                                           const std::string& layer_digest) {
  return finish_store(store, owner, store.store_file(owner, revision, layer_file, layer_digest));
}

std::string new_artifact_message(const std::string& revision, const std::string& url,
                                 const std::map<std::string, std::string>& metadata) {
  std::string msg = "stored artifact with revision '" + revision + "' from '" + url + "'";
  auto src = metadata.find("org.opencontainers.image.source");
  auto rev = metadata.find("org.opencontainers.image.revision");
  if (src != metadata.end() && rev != metadata.end() && !src->second.empty() && !rev->second.empty())
    msg += ", origin source '" + src->second + "', origin revision '" + rev->second + "'";
  return msg;
}

}  // namespace fluxaws::actors::ocirepo
