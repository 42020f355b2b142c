// Semantic versions as Masterminds/semver v3 (the library Flux uses) parses and orders them.
//
// Contract:
// - parse_version() accepts exactly what Masterminds' NewVersion accepts with its default
//   CoerceNewVersion=true: an optional lowercase "v", a major number, optional ".minor" and
//   ".patch" (missing ones are 0; leading zeros allowed, e.g. "2025.02.03"), an optional
//   "-prerelease" and "+metadata". Numbers must fit in 64 bits. Pre-release identifiers are
//   non-empty [0-9A-Za-z-], numeric ones without leading zeros; metadata identifiers are
//   non-empty [0-9A-Za-z-]. Nothing else: no spaces, no "V", no fourth number.
// - parse_strict_version() is StrictNewVersion: exactly MAJOR.MINOR.PATCH, no "v", no leading
//   zeros in the three numbers.
// - parse_tag_version() is Flux's fluxcd/pkg/version.ParseVersion, used by ImagePolicy: the
//   string must contain at least two dots, then parse_version() rules apply.
// - compare() orders by major, minor, patch, then pre-release precedence (a version without
//   pre-release is greater; identifiers compared left to right, numeric ones numerically and
//   below alphanumeric ones, alphanumeric ones by bytes; fewer identifiers is smaller).
//   Build metadata is ignored. This is Masterminds' Version.Compare, including its quirk that a
//   numeric-looking identifier too large for 64 bits compares as alphanumeric.
// - parse_version_into() is the allocation-free form for hot loops: it reuses the strings of
//   `out` and reports why a string is not a version with a small enum.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::oci::semver {

struct version {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::string prerelease;  // without the leading '-'; empty when none
  std::string metadata;    // without the leading '+'; empty when none
  std::string original;    // the text that was parsed, e.g. "v1.2" (Masterminds' Original())

  // Canonical form "MAJOR.MINOR.PATCH[-PRE][+META]" (Masterminds' String()).
  std::string to_string() const;
};

enum class version_error {
  none,
  empty,                // "version string empty"
  invalid,              // "invalid semantic version"
  invalid_characters,   // "invalid characters in version" (strict parsing)
  segment_starts_zero,  // "version segment starts with 0"
  invalid_prerelease,   // "invalid prerelease string"
  invalid_metadata,     // "invalid metadata string"
  out_of_range,         // a number does not fit in 64 bits
};

// Masterminds' wording for each error.
std::string_view describe(version_error e);

// Allocation-free parsing (after `out`'s strings have grown once). On failure `out` is
// unspecified.
version_error parse_version_into(std::string_view text, version& out);
version_error parse_strict_version_into(std::string_view text, version& out);
version_error parse_tag_version_into(std::string_view text, version& out);

// The same with an error naming the text: code "InvalidVersion",
// message `invalid semantic version "1.2.x": invalid semantic version`.
result<version> parse_version(std::string_view text);
result<version> parse_strict_version(std::string_view text);
result<version> parse_tag_version(std::string_view text);

// -1, 0 or 1 as a is lower than, equal to or greater than b in precedence.
int compare(const version& a, const version& b);
// Pre-release precedence alone ("" sorts as the empty identifier list, as Masterminds does).
int compare_prerelease(std::string_view a, std::string_view b);

inline bool less(const version& a, const version& b) { return compare(a, b) < 0; }
inline bool greater(const version& a, const version& b) { return compare(a, b) > 0; }
inline bool equivalent(const version& a, const version& b) { return compare(a, b) == 0; }

}  // namespace fluxaws::oci::semver
