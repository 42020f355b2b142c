#include "adapters/archive/source_ignore.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <system_error>

#include "adapters/common/strings.hpp"

namespace fluxaws::archive::sourceignore {

namespace fs = std::filesystem;

namespace {

std::vector<ignore_pattern> parse_list(std::string_view csv, const domain_t& domain) {
  std::vector<ignore_pattern> out;
  for (auto p : str::split(csv, ',')) out.push_back(ignore_pattern::parse(p, domain));
  return out;
}

}  // namespace

std::vector<ignore_pattern> read_patterns(std::string_view text, const domain_t& domain) {
  std::vector<ignore_pattern> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    bool last = end == std::string_view::npos;
    auto line = text.substr(start, last ? std::string_view::npos : end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!str::starts_with(line, "#") && !str::trim(line).empty()) {
      out.push_back(ignore_pattern::parse(line, domain));
    }
    if (last) break;
    start = end + 1;
  }
  return out;
}

result<std::vector<ignore_pattern>> read_ignore_file(const fs::path& file, const domain_t& domain) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::vector<ignore_pattern>{};
    return make_error("io", "cannot read ignore file '" + file.string() + "': " + std::generic_category().message(errno));
  }
  if (!S_ISREG(st.st_mode)) return std::vector<ignore_pattern>{};
  if (static_cast<std::size_t>(st.st_size) > max_ignore_file_bytes) {
    return make_error("invalid", "ignore file '" + file.string() + "' is larger than " +
                                     std::to_string(max_ignore_file_bytes) + " bytes");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return make_error("io", "cannot open ignore file '" + file.string() + "'");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return make_error("io", "cannot read ignore file '" + file.string() + "'");
  return read_patterns(text, domain);
}

result<std::vector<ignore_pattern>> load_ignore_patterns(const fs::path& dir, const domain_t& domain) {
  auto ps = read_ignore_file(dir / ignore_file, domain);
  if (!ps) return ps.error();
  std::error_code ec;
  std::vector<std::string> subdirs;
  fs::directory_iterator it(dir, ec);
  if (ec) return make_error("io", "cannot list '" + dir.string() + "': " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    // symlink_status: a symlink to a directory is not descended into (os.ReadDir's IsDir).
    auto st = it->symlink_status(ec);
    if (ec) return make_error("io", "cannot stat '" + it->path().string() + "': " + ec.message());
    auto name = it->path().filename().string();
    if (fs::is_directory(st) && name != ".git") subdirs.push_back(std::move(name));
  }
  if (ec) return make_error("io", "cannot list '" + dir.string() + "': " + ec.message());
  std::sort(subdirs.begin(), subdirs.end());
  for (const auto& name : subdirs) {
    domain_t sub = domain;
    sub.push_back(name);
    auto nested = load_ignore_patterns(dir / name, sub);
    if (!nested) return nested.error();
    ps->insert(ps->end(), nested->begin(), nested->end());
  }
  return ps;
}

std::vector<ignore_pattern> vcs_patterns(const domain_t& domain) { return parse_list(exclude_vcs, domain); }

std::vector<ignore_pattern> default_patterns(const domain_t& domain) {
  auto out = parse_list(exclude_ext, domain);
  for (auto list : {exclude_ci, exclude_extra}) {
    auto more = parse_list(list, domain);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

ignore_matcher default_matcher(const std::vector<ignore_pattern>& ps, const domain_t& domain) {
  ignore_matcher m(vcs_patterns(domain));
  m.add(default_patterns(domain));
  m.add(ps);
  return m;
}

ignore_matcher directory_filter_matcher(const std::vector<ignore_pattern>& ps, const domain_t& domain) {
  if (ps.empty()) return default_matcher(ps, domain);
  ignore_matcher m(vcs_patterns(domain));
  m.add(ps);
  return m;
}

result<ignore_matcher> directory_matcher(const fs::path& dir, std::optional<std::string_view> spec_ignore) {
  auto ps = load_ignore_patterns(dir);
  if (!ps) return ps.error();
  if (spec_ignore) {
    auto spec = read_patterns(*spec_ignore);
    ps->insert(ps->end(), spec.begin(), spec.end());
  }
  return directory_filter_matcher(*ps);
}

ignore_matcher bucket_matcher(std::optional<std::string_view> sourceignore_content,
                              std::optional<std::string_view> spec_ignore) {
  ignore_matcher m;
  if (sourceignore_content) m.add(read_patterns(*sourceignore_content));
  if (spec_ignore) m.add(read_patterns(*spec_ignore));
  return m;
}

bool bucket_key_excluded(const ignore_matcher& m, std::string_view key) {
  if (str::ends_with(key, "/") || key == ignore_file) return true;
  return m.match_path(key, false);
}

}  // namespace fluxaws::archive::sourceignore
