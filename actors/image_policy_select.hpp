// ImagePolicy tag selection, as Flux's image-reflector-controller does it (internal/policy:
// semver.go, alphabetical.go, numerical.go, filter.go, and applyPolicy in the controller).
// Plain functions: the ImagePolicy actor compiles a filter and a selector once per spec and
// calls select_latest() with the scanned tags.
//
// Contract:
// - tag_filter: spec.filterTags. `pattern` is a Go regexp (RE2 has Go's syntax; "(?<n>…)" is
//   accepted as Go 1.22+ does). A tag passes when the pattern matches anywhere in it. With a
//   non-empty `extract` the value the policy orders is the template expanded as Go's
//   Regexp.ExpandString does ("$name", "${name}", "$1", "$$"); otherwise it is the tag. Two
//   tags with the same value are one candidate, reported as the later tag (Flux keeps a map
//   from value to tag). Unlike Go, an extract naming a group the pattern does not have is an
//   error, not a silent empty string.
// - selector: spec.policy.
//   semver: the highest version (Masterminds order) that satisfies the range, among the
//     values that parse as Flux's version.ParseVersion (two dots, optional "v", ...); values
//     that do not parse are skipped. Of equal versions the first one wins.
//   alphabetical: byte order (Go's sort.Strings); asc picks the greatest, desc the least.
//   numerical: every value must parse as Go's strconv.ParseFloat or selection fails; asc
//     picks the largest, desc the smallest; of equal numbers the later one wins (Flux's loop).
//   Order strings are "asc"/"desc" in any case, empty meaning asc.
// - select_latest() returns the original tag and the value it was judged by. Candidates are
//   visited in tag order (Flux visits filtered values in Go map order, i.e. randomly; only
//   ties and NaN can tell the difference).
// - Errors (error_info.code; the message is Flux's wording, which names the culprit):
//     InvalidRange    "invalid policy: improper constraint: \">=1.0 <\""
//     InvalidOrder    "invalid policy: invalid order argument provided: 'UP', must be one of: ASC, DESC"
//     InvalidPolicy   "invalid policy: given ImagePolicyChoice object is invalid" (no policy)
//     InvalidPattern  "failed to filter tags: invalid regular expression pattern '(x': error parsing regexp: …"
//     InvalidExtract  "failed to filter tags: extract '$tag' refers to capture group 'tag', which pattern '…' does not define"
//     NonNumericTag   "failed to parse invalid numeric value 'abc'"
//     NoCandidates    "version list argument cannot be empty" (no tag passed the filter)
//     NoMatchingVersion "unable to determine latest version from provided list"
//   is_invalid_policy() is true for the first five: Flux marks the ImagePolicy Stalled with
//   reason InvalidPolicy for those. The last three are ordinary failures that Flux retries
//   (Ready=False), as the tags may change.
// - Compiled filters and selectors are immutable, cheap to copy (shared), and safe to use from
//   several threads at once. select_latest allocates per call, not per tag (the semver loop
//   reuses two version buffers; extracted values share one arena).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/oci/semver_constraints.hpp"

namespace fluxaws::policy {

class selector;
struct selection;

class tag_filter {
 public:
  static result<tag_filter> compile(std::string_view pattern, std::string_view extract);

  // True when the tag passes; then `value` is set to the value to order by.
  bool apply(std::string_view tag, std::string& value) const;

  const std::string& pattern() const;
  const std::string& extract() const;
  bool extracts() const;

  struct compiled;

 private:
  friend result<selection> select_latest(const std::vector<std::string>&, const tag_filter*, const selector&);
  explicit tag_filter(std::shared_ptr<const compiled> c) : impl_(std::move(c)) {}
  std::shared_ptr<const compiled> impl_;
};

enum class policy_kind { semver, alphabetical, numerical };
enum class sort_order { ascending, descending };

class selector {
 public:
  static result<selector> semver(std::string_view range);
  static result<selector> alphabetical(std::string_view order);
  static result<selector> numerical(std::string_view order);

  policy_kind kind() const { return kind_; }
  sort_order order() const { return order_; }
  // The compiled range; null unless kind() is semver.
  const oci::semver::constraint* range() const { return range_.get(); }

 private:
  selector(policy_kind k, sort_order o, std::shared_ptr<const oci::semver::constraint> r)
      : kind_(k), order_(o), range_(std::move(r)) {}
  policy_kind kind_;
  sort_order order_;
  std::shared_ptr<const oci::semver::constraint> range_;
};

// spec.policy as written: the first one present wins, in Flux's order semver, alphabetical,
// numerical; none present is an InvalidPolicy error.
struct policy_choice {
  std::optional<std::string> semver_range;
  std::optional<std::string> alphabetical_order;
  std::optional<std::string> numerical_order;
};
result<selector> make_selector(const policy_choice& choice);

struct selection {
  std::string tag;    // the tag as listed by the registry
  std::string value;  // what the policy judged: the extracted value, or the tag
};

// filter may be null (no spec.filterTags).
result<selection> select_latest(const std::vector<std::string>& tags, const tag_filter* filter,
                                const selector& policy);

bool is_invalid_policy(const error_info& e);

}  // namespace fluxaws::policy
