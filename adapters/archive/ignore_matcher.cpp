#include "adapters/archive/ignore_matcher.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::archive {

bool ignore_matcher::match(std::span<const std::string_view> path, bool is_dir) const {
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    auto r = it->match(path, is_dir);
    if (r != match_result::no_match) return r == match_result::exclude;
  }
  return false;
}

bool ignore_matcher::match_path(std::string_view slash_path, bool is_dir) const {
  auto parts = str::split(slash_path, '/');
  return match(parts, is_dir);
}

}  // namespace fluxaws::archive
