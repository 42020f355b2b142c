// ignore_matcher: gitignore patterns in increasing priority (Flux's gitignore.Matcher).
// The last pattern that matches decides: an ordinary pattern excludes, a "!" pattern
// re-includes. No pattern matching means included.
//
// Usable on file-system paths and on object keys alike: match_path("a/b/c.yaml") splits
// on '/' exactly as Flux splits S3 keys (strings.Split, so "a//b" has an empty component).
// Immutable after construction apart from add(); share it read-only across threads.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "adapters/archive/ignore_pattern.hpp"

namespace fluxaws::archive {

class ignore_matcher {
 public:
  ignore_matcher() = default;
  explicit ignore_matcher(std::vector<ignore_pattern> patterns) : patterns_(std::move(patterns)) {}

  // Appends patterns with a higher priority than those already present.
  void add(ignore_pattern p) { patterns_.push_back(std::move(p)); }
  void add(const std::vector<ignore_pattern>& ps) { patterns_.insert(patterns_.end(), ps.begin(), ps.end()); }

  // True when the path is excluded.
  bool match(std::span<const std::string_view> path, bool is_dir) const;
  bool match_path(std::string_view slash_path, bool is_dir) const;

  const std::vector<ignore_pattern>& patterns() const { return patterns_; }
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<ignore_pattern> patterns_;
};

}  // namespace fluxaws::archive
