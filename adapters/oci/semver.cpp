#include "adapters/oci/semver.hpp"

#include <algorithm>

namespace fluxaws::oci::semver {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {  // [0-9A-Za-z-]
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
}

// strconv.ParseUint(s, 10, 64): digits only, non-empty, fits in 64 bits.
enum class uint_parse { ok, syntax, range };
uint_parse parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty()) return uint_parse::syntax;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return uint_parse::syntax;
    const std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return uint_parse::range;
    v = v * 10 + d;
  }
  out = v;
  return uint_parse::ok;
}

version_error number(std::string_view s, std::uint64_t& out) {
  switch (parse_u64(s, out)) {
    case uint_parse::ok: return version_error::none;
    case uint_parse::range: return version_error::out_of_range;
    case uint_parse::syntax: break;
  }
  return version_error::invalid;
}

// Calls f(identifier) for each '.'-separated piece, as Go's strings.Split does ("" gives one
// empty piece). Stops early and returns false when f does.
template <class F>
bool for_each_identifier(std::string_view s, F&& f) {
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::string_view piece = s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (!f(piece)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Masterminds' validatePrerelease.
version_error validate_prerelease(std::string_view pre) {
  version_error err = version_error::none;
  for_each_identifier(pre, [&](std::string_view id) {
    if (id.empty()) {
      err = version_error::invalid_prerelease;
    } else if (all_digits(id)) {
      if (id.size() > 1 && id[0] == '0') err = version_error::segment_starts_zero;
    } else if (!std::all_of(id.begin(), id.end(), is_ident_char)) {
      err = version_error::invalid_prerelease;
    }
    return err == version_error::none;
  });
  return err;
}

// Masterminds' validateMetadata.
version_error validate_metadata(std::string_view meta) {
  bool ok = for_each_identifier(meta, [](std::string_view id) {
    return !id.empty() && std::all_of(id.begin(), id.end(), is_ident_char);
  });
  return ok ? version_error::none : version_error::invalid_metadata;
}

// Scans `[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*` from text[i]; returns the end or npos when the
// identifiers do not match that shape.
std::size_t scan_identifiers(std::string_view text, std::size_t i) {
  const std::size_t start = i;
  bool last_was_dot = true;  // an identifier must start here
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (last_was_dot) return std::string_view::npos;
      last_was_dot = true;
    } else if (is_ident_char(c)) {
      last_was_dot = false;
    } else {
      break;
    }
  }
  if (i == start || last_was_dot) return std::string_view::npos;
  return i;
}

// Numeric identifier in the sense of Masterminds' comparePrePart (ParseUint succeeds).
bool numeric_identifier(std::string_view s, std::uint64_t& v) { return parse_u64(s, v) == uint_parse::ok; }

int compare_identifier(std::string_view s, std::string_view o) {
  if (s == o) return 0;
  if (s.empty()) return -1;
  if (o.empty()) return 1;
  std::uint64_t si = 0, oi = 0;
  const bool s_num = numeric_identifier(s, si);
  const bool o_num = numeric_identifier(o, oi);
  if (!s_num && !o_num) return s > o ? 1 : -1;
  if (!o_num) return -1;  // numbers have lower precedence than alphanumerics
  if (!s_num) return 1;
  return si > oi ? 1 : -1;
}

int compare_u64(std::uint64_t a, std::uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

}  // namespace

std::string version::to_string() const {
  std::string s = std::to_string(major) + '.' + std::to_string(minor) + '.' + std::to_string(patch);
  if (!prerelease.empty()) s += '-' + prerelease;
  if (!metadata.empty()) s += '+' + metadata;
  return s;
}

std::string_view describe(version_error e) {
  switch (e) {
    case version_error::none: return "";
    case version_error::empty: return "version string empty";
    case version_error::invalid: return "invalid semantic version";
    case version_error::invalid_characters: return "invalid characters in version";
    case version_error::segment_starts_zero: return "version segment starts with 0";
    case version_error::invalid_prerelease: return "invalid prerelease string";
    case version_error::invalid_metadata: return "invalid metadata string";
    case version_error::out_of_range: return "error parsing version segment: value out of range";
  }
  return "invalid semantic version";
}

// The shape is Masterminds' looseSemVerRegex, anchored:
//   v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-(IDS))?(\+(IDS))?   with IDS = [0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*
// scanned by hand so that parsing a tag costs no allocation and no regex.
version_error parse_version_into(std::string_view text, version& out) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  if (i < n && text[i] == 'v') ++i;

  std::string_view parts[3];
  int count = 0;
  for (; count < 3; ++count) {
    std::size_t start = i;
    if (count > 0) {
      if (i + 1 >= n || text[i] != '.' || !is_digit(text[i + 1])) break;
      start = ++i;
    }
    while (i < n && is_digit(text[i])) ++i;
    if (i == start) return version_error::invalid;  // the major number is required
    parts[count] = text.substr(start, i - start);
  }

  std::string_view pre, meta;
  if (i < n && text[i] == '-') {
    const std::size_t end = scan_identifiers(text, i + 1);
    if (end == std::string_view::npos) return version_error::invalid;
    pre = text.substr(i + 1, end - i - 1);
    i = end;
  }
  if (i < n && text[i] == '+') {
    const std::size_t end = scan_identifiers(text, i + 1);
    if (end == std::string_view::npos) return version_error::invalid;
    meta = text.substr(i + 1, end - i - 1);
    i = end;
  }
  if (i != n) return version_error::invalid;

  std::uint64_t nums[3] = {0, 0, 0};
  for (int k = 0; k < count; ++k) {
    if (auto e = number(parts[k], nums[k]); e != version_error::none) return e;
  }
  if (!pre.empty()) {
    if (auto e = validate_prerelease(pre); e != version_error::none) return e;
  }
  // The scan already enforced the metadata's shape, which is all validateMetadata checks.
  out.major = nums[0];
  out.minor = nums[1];
  out.patch = nums[2];
  out.prerelease.assign(pre);
  out.metadata.assign(meta);
  out.original.assign(text);
  return version_error::none;
}

// Masterminds' StrictNewVersion, step by step.
version_error parse_strict_version_into(std::string_view text, version& out) {
  if (text.empty()) return version_error::empty;
  const std::size_t d1 = text.find('.');
  const std::size_t d2 = d1 == std::string_view::npos ? d1 : text.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return version_error::invalid;
  std::string_view parts[3] = {text.substr(0, d1), text.substr(d1 + 1, d2 - d1 - 1), text.substr(d2 + 1)};

  std::string_view pre, meta;
  if (const std::size_t plus = parts[2].find('+'); plus != std::string_view::npos) {
    meta = parts[2].substr(plus + 1);
    parts[2] = parts[2].substr(0, plus);
    if (auto e = validate_metadata(meta); e != version_error::none) return e;
  }
  if (const std::size_t dash = parts[2].find('-'); dash != std::string_view::npos) {
    pre = parts[2].substr(dash + 1);
    parts[2] = parts[2].substr(0, dash);
    if (auto e = validate_prerelease(pre); e != version_error::none) return e;
  }
  for (std::string_view p : parts) {
    if (!all_digits(p)) return version_error::invalid_characters;
    if (p.size() > 1 && p[0] == '0') return version_error::segment_starts_zero;
  }
  std::uint64_t nums[3];
  for (int k = 0; k < 3; ++k) {
    if (auto e = number(parts[k], nums[k]); e != version_error::none) return e;
  }
  out.major = nums[0];
  out.minor = nums[1];
  out.patch = nums[2];
  out.prerelease.assign(pre);
  out.metadata.assign(meta);
  out.original.assign(text);
  return version_error::none;
}

// fluxcd/pkg/version.ParseVersion: strings.SplitN(v, ".", 3) must give three parts.
version_error parse_tag_version_into(std::string_view text, version& out) {
  const std::size_t d1 = text.find('.');
  if (d1 == std::string_view::npos || text.find('.', d1 + 1) == std::string_view::npos) {
    return version_error::invalid;
  }
  return parse_version_into(text, out);
}

namespace {
result<version> wrap(std::string_view text, version_error (*parse)(std::string_view, version&)) {
  version v;
  if (auto e = parse(text, v); e != version_error::none) {
    std::string msg = "invalid semantic version \"";
    msg.append(text).append("\": ").append(describe(e));
    return make_error("InvalidVersion", std::move(msg));
  }
  return v;
}
}  // namespace

result<version> parse_version(std::string_view text) { return wrap(text, parse_version_into); }
result<version> parse_strict_version(std::string_view text) { return wrap(text, parse_strict_version_into); }
result<version> parse_tag_version(std::string_view text) { return wrap(text, parse_tag_version_into); }

int compare_prerelease(std::string_view a, std::string_view b) {
  // Walk both identifier lists in step; a missing identifier compares as "".
  std::size_t ia = 0, ib = 0;
  bool a_done = false, b_done = false;
  while (!a_done || !b_done) {
    std::string_view pa, pb;
    if (!a_done) {
      const std::size_t dot = a.find('.', ia);
      pa = a.substr(ia, dot == std::string_view::npos ? a.size() - ia : dot - ia);
      if (dot == std::string_view::npos) a_done = true; else ia = dot + 1;
    }
    if (!b_done) {
      const std::size_t dot = b.find('.', ib);
      pb = b.substr(ib, dot == std::string_view::npos ? b.size() - ib : dot - ib);
      if (dot == std::string_view::npos) b_done = true; else ib = dot + 1;
    }
    if (int d = compare_identifier(pa, pb); d != 0) return d;
  }
  return 0;
}

int compare(const version& a, const version& b) {
  if (int d = compare_u64(a.major, b.major); d != 0) return d;
  if (int d = compare_u64(a.minor, b.minor); d != 0) return d;
  if (int d = compare_u64(a.patch, b.patch); d != 0) return d;
  if (a.prerelease.empty() && b.prerelease.empty()) return 0;
  if (a.prerelease.empty()) return 1;
  if (b.prerelease.empty()) return -1;
  return compare_prerelease(a.prerelease, b.prerelease);
}

}  // namespace fluxaws::oci::semver
