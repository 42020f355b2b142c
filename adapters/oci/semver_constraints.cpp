#include "adapters/oci/semver_constraints.hpp"

#include <re2/re2.h>

#include <cstdio>

namespace fluxaws::oci::semver {
namespace {

// Masterminds' regular expressions, verbatim. RE2 has Go's syntax and leftmost-first
// submatch semantics, so using the same expressions accepts and splits exactly the same
// strings (including the empty operator alternative and '|' inside the classes).
constexpr const char* kVersion =
    R"(v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?)"
    R"((-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)"
    R"((\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?)";
constexpr const char* kOps = R"(=||!=|>|<|>=|=>|<=|=<|~|~>|\^)";
constexpr int kVersionGroups = 9;

struct expressions {
  RE2 single;  // one comparison:        ^\s*(ops)\s*(cv)\s*$
  RE2 range;   // hyphen range:          \s*(cv)\s+-\s+(cv)\s*
  RE2 find;    // comparisons in a group: (ops)\s*(cv)
  RE2 valid;   // a whole AND group

  static RE2::Options options() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }
  static std::string cat(std::initializer_list<std::string_view> parts) {
    std::string s;
    for (auto p : parts) s.append(p);
    return s;
  }
  expressions()
      : single(cat({R"(^\s*()", kOps, R"()\s*()", kVersion, R"()\s*$)"}), options()),
        range(cat({R"(\s*()", kVersion, R"()\s+-\s+()", kVersion, R"()\s*)"}), options()),
        find(cat({"(", kOps, R"()\s*()", kVersion, ")"}), options()),
        valid(cat({R"(^(\s*()", kOps, R"()\s*()", kVersion, R"()\s*)((?:\s+|,\s*)()", kOps, R"()\s*()",
                   kVersion, R"()\s*)*$)"}),
              options()) {}
};

const expressions& regexes() {
  static const expressions e;
  return e;
}

std::string_view view(const re2::StringPiece& p) { return p.data() ? std::string_view(p.data(), p.size()) : std::string_view(); }

bool is_x(std::string_view s) { return s == "x" || s == "X" || s == "*"; }
std::string_view trim_dot(std::string_view s) { return !s.empty() && s[0] == '.' ? s.substr(1) : s; }

// Go's %q for the ASCII text constraints are made of; other bytes are escaped.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[5];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

error_info improper(std::string_view culprit) {
  return make_error("InvalidRange", "improper constraint: " + quote(culprit));
}

comparison_kind kind_of(std::string_view op) {
  if (op == "!=") return comparison_kind::not_equal;
  if (op == ">") return comparison_kind::greater;
  if (op == "<") return comparison_kind::less;
  if (op == ">=" || op == "=>") return comparison_kind::greater_equal;
  if (op == "<=" || op == "=<") return comparison_kind::less_equal;
  if (op == "~" || op == "~>") return comparison_kind::tilde;
  if (op == "^") return comparison_kind::caret;
  return comparison_kind::tilde_or_equal;  // "" and "="
}

// Masterminds' parseConstraint for a non-empty piece.
result<comparison> parse_comparison(std::string_view text) {
  const auto& re = regexes();
  re2::StringPiece m[3 + kVersionGroups];
  if (!re.single.Match(text, 0, text.size(), RE2::UNANCHORED, m, 3 + kVersionGroups)) return improper(text);
  comparison c;
  c.op.assign(view(m[1]));
  c.written.assign(view(m[2]));
  c.kind = kind_of(c.op);
  const std::string_view major = view(m[3]), minor = view(m[4]), patch = view(m[5]), pre = view(m[6]);

  std::string bound(c.written);
  if (is_x(major) || major.empty()) {
    bound = "0.0.0";
    bound.append(pre);
    c.dirty = true;
  } else if (is_x(trim_dot(minor)) || minor.empty()) {
    c.minor_dirty = c.dirty = true;
    bound.assign(major).append(".0.0").append(pre);
  } else if (is_x(trim_dot(patch)) || patch.empty()) {
    c.patch_dirty = c.dirty = true;
    bound.assign(major).append(minor).append(".0").append(pre);
  }
  // Masterminds reports "constraint parser error" here (e.g. "x1" or a number beyond 64
  // bits); we name the culprit instead.
  if (parse_version_into(bound, c.bound) != version_error::none) return improper(text);
  return c;
}

}  // namespace

namespace detail {

std::string rewrite_range(std::string_view text) {
  const auto& re = regexes();
  constexpr int n = 1 + 2 * (1 + kVersionGroups);
  re2::StringPiece m[n];
  std::string out(text);
  std::size_t pos = 0;
  while (pos <= text.size() && re.range.Match(text, pos, text.size(), RE2::UNANCHORED, m, n)) {
    const std::string_view whole = view(m[0]);
    const std::string replacement = ">= " + std::string(view(m[1])) + ", <= " + std::string(view(m[1 + 1 + kVersionGroups])) + " ";
    // Like Go's strings.Replace(o, match, t, 1): the first occurrence in the text so far.
    if (const std::size_t at = out.find(whole); at != std::string::npos) out.replace(at, whole.size(), replacement);
    const std::size_t end = static_cast<std::size_t>(whole.data() - text.data()) + whole.size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

bool check(const comparison& c, const version& v, bool include_prerelease) {
  // Every Masterminds check starts with the pre-release rule.
  if (!v.prerelease.empty() && !include_prerelease) return false;
  const version& b = c.bound;
  switch (c.kind) {
    case comparison_kind::not_equal:
      if (c.dirty) {
        if (b.major != v.major) return true;
        if (b.minor != v.minor && !c.minor_dirty) return true;
        if (c.minor_dirty) return false;
        if (b.patch != v.patch && !c.patch_dirty) return true;
        if (c.patch_dirty) {
          if (!v.prerelease.empty() || !b.prerelease.empty()) {
            return compare_prerelease(v.prerelease, b.prerelease) != 0;
          }
          return false;
        }
      }
      return compare(v, b) != 0;

    case comparison_kind::greater:
      if (!c.dirty) return compare(v, b) > 0;
      if (v.major > b.major) return true;
      if (v.major < b.major) return false;
      if (c.minor_dirty) return false;               // ">11" wants 12 or more
      if (c.patch_dirty) return v.minor > b.minor;  // ">11.1" wants 11.2 or more
      return compare(v, b) > 0;

    case comparison_kind::less:
      return compare(v, b) < 0;

    case comparison_kind::greater_equal:
      return compare(v, b) >= 0;

    case comparison_kind::less_equal:
      if (!c.dirty) return compare(v, b) <= 0;
      if (v.major > b.major) return false;
      if (v.major == b.major && v.minor > b.minor && !c.minor_dirty) return false;
      return true;

    case comparison_kind::tilde_or_equal:
      if (!c.dirty) return compare(v, b) == 0;
      [[fallthrough]];  // with a wildcard "=" means "~"

    case comparison_kind::tilde:
      if (compare(v, b) < 0) return false;
      if (b.major == 0 && b.minor == 0 && b.patch == 0 && !c.minor_dirty && !c.patch_dirty) return true;  // ~0.0.0 is "any"
      if (v.major != b.major) return false;
      if (v.minor != b.minor && !c.minor_dirty) return false;
      return true;

    case comparison_kind::caret:
      if (compare(v, b) < 0) return false;
      if (b.major > 0 || c.minor_dirty) return v.major == b.major;  // >=x.y.z <x+1
      if (v.major > 0) return false;                                // ^0.y.z stays in 0.
      if (b.minor > 0 || c.patch_dirty) return v.minor == b.minor;  // >=0.y.z <0.y+1
      if (v.minor > 0) return false;
      return v.patch == b.patch;  // ^0.0.z is exactly 0.0.z
  }
  return false;
}

}  // namespace detail

bool constraint::matches(const version& v) const {
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const bool pre = include_prerelease_ || group_has_prerelease_[g];
    bool all = true;
    for (const comparison& c : groups_[g]) {
      if (!detail::check(c, v, pre)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

std::string constraint::to_string() const {
  std::string s;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    if (g) s += " || ";
    for (std::size_t i = 0; i < groups_[g].size(); ++i) {
      if (i) s += ' ';
      s += groups_[g][i].op;
      s += groups_[g][i].written;
    }
  }
  return s;
}

// Masterminds' NewConstraint.
result<constraint> parse_constraint(std::string_view text) {
  const auto& re = regexes();
  const std::string rewritten = detail::rewrite_range(text);
  constraint out;
  out.source_.assign(text);

  std::string_view rest = rewritten;
  while (true) {
    const std::size_t bar = rest.find("||");
    const std::string_view group = rest.substr(0, bar);
    if (!RE2::FullMatch(group, re.valid)) return improper(group);

    std::vector<comparison> ands;
    bool has_pre = false;
    std::size_t pos = 0;
    re2::StringPiece m[1];
    while (pos <= group.size() && re.find.Match(group, pos, group.size(), RE2::UNANCHORED, m, 1)) {
      auto c = parse_comparison(view(m[0]));
      if (!c) return c.error();
      has_pre = has_pre || !c->bound.prerelease.empty();
      ands.push_back(std::move(c.value()));
      const std::size_t end = static_cast<std::size_t>(m[0].data() - group.data()) + m[0].size();
      pos = end > pos ? end : pos + 1;
    }
    if (ands.empty()) {  // cannot happen after the validation above; kept as Masterminds has it
      auto c = parse_comparison(group);
      if (!c) return c.error();
      has_pre = !c->bound.prerelease.empty();
      ands.push_back(std::move(c.value()));
    }
    out.groups_.push_back(std::move(ands));
    out.group_has_prerelease_.push_back(has_pre ? 1 : 0);
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 2);
  }
  return out;
}

}  // namespace fluxaws::oci::semver
