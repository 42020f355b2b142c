// Semantic version constraints ("ranges") as Masterminds/semver v3 parses and checks them;
// this is the language of an ImagePolicy's `spec.policy.semver.range`.
//
// Contract:
// - Syntax: comparisons joined by spaces or commas (AND), groups joined by "||" (OR).
//   A comparison is an optional operator (=, !=, >, <, >=, =>, <=, =<, ~, ~>, ^) and a version
//   that may be partial ("1.2") or wildcarded ("1.x", "1.2.*", "*", "X"). Hyphen ranges
//   "A - B" (spaces required) mean ">= A, <= B". No operator or "=" with a wildcard means
//   tilde. The same regular expressions as Masterminds decide what is accepted, so the odd
//   corners match too (e.g. "1.2-1.4.5" is the single version 1.2.0 with pre-release 1.4.5).
// - Semantics: Masterminds' check functions, including its pre-release rule: a version with a
//   pre-release satisfies an AND group only when some comparison in that group carries a
//   pre-release itself (">=2.0.0-0" admits 2.0.0-rc.1, ">=1.0.0" does not), or when
//   include_prerelease is set. Partial versions follow Masterminds: ">11" means >=12,
//   "<=2.x" means <3, "^0.2" means >=0.2.0 <0.3.0, "^0" means <1.0.0, "~1" means >=1 <2.
// - parse_constraint() errors have code "InvalidRange" and quote the culprit:
//   `improper constraint: ">= 1.2 foo"`. An empty range is an error (as NewConstraint).
// - A constraint is immutable after parsing; matches() allocates nothing and is safe to call
//   from several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/oci/semver.hpp"

namespace fluxaws::oci::semver {

// Which of Masterminds' check functions a comparison uses.
enum class comparison_kind {
  tilde_or_equal,  // "" and "="
  not_equal,       // "!="
  greater,         // ">"
  less,            // "<"
  greater_equal,   // ">=" and "=>"
  less_equal,      // "<=" and "=<"
  tilde,           // "~" and "~>"
  caret,           // "^"
};

// One comparison of a range, e.g. ">=1.2.x".
struct comparison {
  comparison_kind kind = comparison_kind::tilde_or_equal;
  std::string op;       // the operator as written ("" when none)
  std::string written;  // the version as written, e.g. "1.2.x" or "v2"
  version bound;        // the written version with wildcards and missing parts as 0
  bool dirty = false;        // some part was a wildcard or missing
  bool minor_dirty = false;  // the minor part (and so the patch) was a wildcard or missing
  bool patch_dirty = false;  // only the patch part was a wildcard or missing
};

class constraint {
 public:
  // True when v satisfies at least one OR group.
  bool matches(const version& v) const;

  // Masterminds' String(): AND groups space-separated, OR groups joined by " || ",
  // each comparison as operator + version as written, e.g. ">=1.2.3 <2 || 3.x".
  std::string to_string() const;

  // The text that was parsed.
  const std::string& source() const { return source_; }

  // Masterminds' Constraints.IncludePrerelease: admit pre-releases everywhere.
  void set_include_prerelease(bool on) { include_prerelease_ = on; }
  bool include_prerelease() const { return include_prerelease_; }

  // OR groups of AND-ed comparisons, for inspection.
  const std::vector<std::vector<comparison>>& groups() const { return groups_; }

 private:
  friend result<constraint> parse_constraint(std::string_view text);
  std::string source_;
  std::vector<std::vector<comparison>> groups_;
  std::vector<char> group_has_prerelease_;  // per OR group
  bool include_prerelease_ = false;
};

result<constraint> parse_constraint(std::string_view text);

namespace detail {
// Masterminds' rewriteRange: "A - B" becomes ">= A, <= B ". Exposed for its unit test.
std::string rewrite_range(std::string_view text);
// One comparison against a version, pre-releases admitted or not (Masterminds' check).
bool check(const comparison& c, const version& v, bool include_prerelease);
}  // namespace detail

}  // namespace fluxaws::oci::semver
