// ignore_pattern: one gitignore line, parsed and matched as Flux does it
// (fluxcd/pkg/sourceignore/gitignore, a copy of go-git v5.16's plumbing/format/gitignore).
//
// A path is a list of components ("a/b/c" -> {"a","b","c"}); is_dir says whether the
// last one is a directory. A pattern read from a nested .sourceignore carries that
// file's directory as its domain and only matches paths below it.
//
//   "!x"       negation: a match re-includes (match_result::include)
//   "x/"       directory only, at the last component (its contents still match)
//   "x"        no '/': matches any component at any depth
//   "a/x"      contains '/': anchored at the domain root, one component per segment;
//              a leading '/' anchors the same way
//   "**"       a whole segment: zero or more components (leading, middle, trailing)
//   "a**b"     '**' inside a segment never matches
//   *, ?, [..], '\' escapes: Go's filepath.Match per component (see glob_match.hpp)
//   trailing spaces are dropped unless the last one is escaped ("x\ ")
//
// Deliberately the same as go-git v5, including where it differs from git: a pattern
// with a '/' also matches everything below the matched path, and a directory-only
// pattern matches files inside that directory.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fluxaws::archive {

enum class match_result { no_match, exclude, include };

class ignore_pattern {
 public:
  // line is one pattern (no comment or blank line: callers skip those).
  static ignore_pattern parse(std::string_view line, std::vector<std::string> domain = {});

  match_result match(std::span<const std::string_view> path, bool is_dir) const;

  const std::vector<std::string>& domain() const { return domain_; }
  bool inclusion() const { return inclusion_; }
  bool dir_only() const { return dir_only_; }

  friend bool operator==(const ignore_pattern&, const ignore_pattern&) = default;

 private:
  bool simple_name_match(std::span<const std::string_view> path, bool is_dir) const;
  bool glob_path_match(std::span<const std::string_view> path, bool is_dir) const;

  std::vector<std::string> domain_;
  std::vector<std::string> segments_;
  bool inclusion_ = false;
  bool dir_only_ = false;
  bool is_glob_ = false;  // the pattern has a '/': matched segment by segment
};

}  // namespace fluxaws::archive
