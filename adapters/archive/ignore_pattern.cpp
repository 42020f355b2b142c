#include "adapters/archive/ignore_pattern.hpp"

#include "adapters/archive/glob_match.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::archive {

ignore_pattern ignore_pattern::parse(std::string_view line, std::vector<std::string> domain) {
  ignore_pattern p;
  p.domain_ = std::move(domain);
  if (str::starts_with(line, "!")) {
    p.inclusion_ = true;
    line.remove_prefix(1);
  }
  if (!str::ends_with(line, "\\ ")) {
    while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
  }
  if (str::ends_with(line, "/")) {
    p.dir_only_ = true;
    line.remove_suffix(1);
  }
  p.is_glob_ = line.find('/') != std::string_view::npos;
  for (auto seg : str::split(line, '/')) p.segments_.emplace_back(seg);
  return p;
}

match_result ignore_pattern::match(std::span<const std::string_view> path, bool is_dir) const {
  if (path.size() <= domain_.size()) return match_result::no_match;
  for (std::size_t i = 0; i < domain_.size(); ++i) {
    if (path[i] != domain_[i]) return match_result::no_match;
  }
  path = path.subspan(domain_.size());
  bool matched = is_glob_ ? glob_path_match(path, is_dir) : simple_name_match(path, is_dir);
  if (!matched) return match_result::no_match;
  return inclusion_ ? match_result::include : match_result::exclude;
}

// A pattern without '/' matches the first component it fits, at any depth; a
// directory-only pattern cannot match a file at the last position.
bool ignore_pattern::simple_name_match(std::span<const std::string_view> path, bool is_dir) const {
  for (std::size_t i = 0; i < path.size(); ++i) {
    auto r = glob_match(segments_[0], path[i]);
    if (r == glob_result::bad_pattern) return false;
    if (r == glob_result::no_match) continue;
    if (dir_only_ && !is_dir && i == path.size() - 1) return false;
    return true;
  }
  return false;
}

// Segment by segment from the domain root. An empty segment (leading '/') anchors;
// "**" lets the next segment match at any later depth; a trailing "**" ends the match
// (everything below matches). What is left of the path after the last segment is
// below the matched entry, so it matches too.
bool ignore_pattern::glob_path_match(std::span<const std::string_view> path, bool is_dir) const {
  bool matched = false;
  bool can_traverse = false;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const std::string& seg = segments_[i];
    if (seg.empty()) {
      can_traverse = false;
      continue;
    }
    if (seg == "**") {
      if (i == segments_.size() - 1) break;
      can_traverse = true;
      continue;
    }
    if (seg.find("**") != std::string::npos) return false;
    if (path.empty()) return false;
    if (can_traverse) {
      can_traverse = false;
      while (!path.empty()) {
        auto component = path[0];
        path = path.subspan(1);
        auto r = glob_match(seg, component);
        if (r == glob_result::bad_pattern) return false;
        if (r == glob_result::match) {
          matched = true;
          break;
        }
        if (path.empty()) matched = false;  // nothing left to try
      }
    } else {
      if (glob_match(seg, path[0]) != glob_result::match) return false;
      matched = true;
      path = path.subspan(1);
    }
  }
  if (matched && dir_only_ && !is_dir && path.empty()) matched = false;
  return matched;
}

}  // namespace fluxaws::archive
