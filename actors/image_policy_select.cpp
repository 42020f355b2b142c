#include "actors/image_policy_select.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <functional>

#include "adapters/common/go_parse_float.hpp"

namespace fluxaws::policy {
namespace {

constexpr const char* kInvalidRange = "InvalidRange";
constexpr const char* kInvalidOrder = "InvalidOrder";
constexpr const char* kInvalidPolicy = "InvalidPolicy";
constexpr const char* kInvalidPattern = "InvalidPattern";
constexpr const char* kInvalidExtract = "InvalidExtract";
constexpr const char* kNonNumericTag = "NonNumericTag";
constexpr const char* kNoCandidates = "NoCandidates";
constexpr const char* kNoMatchingVersion = "NoMatchingVersion";

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.append(1, '\'').append(s).append(1, '\'');
  return out;
}

// ---- Go regexp compatibility -------------------------------------------------------------

// Go 1.22 accepts "(?<name>re)" besides "(?P<name>re)"; this RE2 only knows the latter.
// Rewrites the former where it is syntax, i.e. not escaped, not inside \Q…\E or a class.
std::string go_named_groups_to_re2(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 8);
  bool in_class = false;
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && p[i + 1] == 'Q') {  // literal text up to \E
        const std::size_t e = p.find("\\E", i + 2);
        const std::size_t end = e == std::string_view::npos ? p.size() : e + 2;
        out.append(p.substr(i, end - i));
        i = end;
        continue;
      }
      out.append(p.substr(i, std::min<std::size_t>(2, p.size() - i)));
      i += 2;
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < p.size() && p[i + 1] == ':') {  // [:alpha:]
        const std::size_t e = p.find(":]", i + 2);
        if (e != std::string_view::npos) {
          out.append(p.substr(i, e + 2 - i));
          i = e + 2;
          continue;
        }
      }
      if (c == ']') in_class = false;
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      ++i;
      if (i < p.size() && p[i] == '^') out += p[i++];
      if (i < p.size() && p[i] == ']') out += p[i++];  // a leading ']' is literal
      continue;
    }
    if (c == '(' && p.substr(i, 3) == "(?<" && i + 3 < p.size() && p[i + 3] != '=' && p[i + 3] != '!') {
      out += "(?P<";
      i += 3;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// Go's regexp/syntax error texts for RE2's error codes.
std::string_view go_error_text(RE2::ErrorCode code) {
  switch (code) {
    case RE2::ErrorBadEscape: return "invalid escape sequence";
    case RE2::ErrorBadCharClass: return "invalid character class";
    case RE2::ErrorBadCharRange: return "invalid character class range";
    case RE2::ErrorMissingBracket: return "missing closing ]";
    case RE2::ErrorMissingParen: return "missing closing )";
    case RE2::ErrorUnexpectedParen: return "unexpected )";
    case RE2::ErrorTrailingBackslash: return "trailing backslash at end of expression";
    case RE2::ErrorRepeatArgument: return "missing argument to repetition operator";
    case RE2::ErrorRepeatSize: return "invalid repeat count";
    case RE2::ErrorRepeatOp: return "invalid nested repetition operator";
    case RE2::ErrorBadPerlOp: return "invalid or unsupported Perl syntax";
    case RE2::ErrorBadUTF8: return "invalid UTF-8";
    case RE2::ErrorBadNamedCapture: return "invalid named capture";
    case RE2::ErrorPatternTooLarge: return "expression too large";
    default: return "regexp/syntax: internal error";
  }
}

// Go's unicode.IsLetter || unicode.IsDigit for the rune starting at s[0] (s[0] >= 0x80):
// returns its length in bytes, or 0 when it is not a letter or digit (or not valid UTF-8).
std::size_t unicode_word_rune(std::string_view s) {
  static const RE2 re(R"([\pL\p{Nd}])");
  re2::StringPiece m;
  if (!re.Match(s, 0, s.size(), RE2::ANCHOR_START, &m, 1)) return 0;
  return m.size();
}

// One piece of an expanded extract template: literal text, then (optionally) a group.
struct template_piece {
  std::string literal;
  int group = -1;  // -1: none
};

// Go's regexp.extract: a leading "name" or "{name}" after a '$'. `num` is the group number
// when the name is a number without leading zeros (and below 1e8), else -1.
bool go_template_name(std::string_view str, std::string_view& name, int& num, std::size_t& consumed) {
  if (str.empty()) return false;
  bool brace = false;
  std::size_t i = 0;
  if (str[0] == '{') {
    brace = true;
    i = 1;
  }
  const std::size_t start = i;
  while (i < str.size()) {
    const unsigned char c = static_cast<unsigned char>(str[i]);
    if (c < 0x80) {
      const bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      if (!word) break;
      ++i;
    } else {
      const std::size_t n = unicode_word_rune(str.substr(i));
      if (n == 0) break;
      i += n;
    }
  }
  if (i == start) return false;  // empty name
  name = str.substr(start, i - start);
  if (brace) {
    if (i >= str.size() || str[i] != '}') return false;  // missing closing brace
    ++i;
  }
  num = 0;
  for (char c : name) {
    if (c < '0' || c > '9' || num >= 100000000) {
      num = -1;
      break;
    }
    num = num * 10 + (c - '0');
  }
  if (name[0] == '0' && name.size() > 1) num = -1;  // no leading zeros
  consumed = i;
  return true;
}

error_info filter_error(const char* code, std::string message) {
  return make_error(code, "failed to filter tags: " + std::move(message));
}

}  // namespace

// ---- tag_filter ----------------------------------------------------------------------------

struct tag_filter::compiled {
  std::string pattern;
  std::string extract;
  std::unique_ptr<RE2> re;
  std::vector<template_piece> pieces;
  std::string tail;  // literal text after the last group
  int submatches = 0;  // how many submatches a match must report (0 without extract)

  // Matches the tag; with an extract, appends the expanded value to `out` and returns true.
  bool expand(std::string_view tag, std::string& out) const {
    constexpr int kInline = 32;
    re2::StringPiece inline_groups[kInline];
    std::vector<re2::StringPiece> heap_groups;
    re2::StringPiece* groups = inline_groups;
    if (submatches > kInline) {
      heap_groups.resize(static_cast<std::size_t>(submatches));
      groups = heap_groups.data();
    }
    if (!re->Match(tag, 0, tag.size(), RE2::UNANCHORED, groups, submatches)) return false;
    for (const template_piece& p : pieces) {
      out.append(p.literal);
      if (p.group >= 0 && groups[p.group].data() != nullptr) out.append(groups[p.group].data(), groups[p.group].size());
    }
    out.append(tail);
    return true;
  }
  bool matches(std::string_view tag) const { return re->Match(tag, 0, tag.size(), RE2::UNANCHORED, nullptr, 0); }
};

result<tag_filter> tag_filter::compile(std::string_view pattern, std::string_view extract) {
  auto c = std::make_shared<compiled>();
  c->pattern.assign(pattern);
  c->extract.assign(extract);
  RE2::Options options;
  options.set_log_errors(false);
  c->re = std::make_unique<RE2>(go_named_groups_to_re2(pattern), options);
  if (!c->re->ok()) {
    std::string msg = "invalid regular expression pattern " + quoted(pattern) + ": error parsing regexp: ";
    msg.append(go_error_text(c->re->error_code())).append(": `").append(c->re->error_arg()).append("`");
    return filter_error(kInvalidPattern, std::move(msg));
  }

  // Go's Regexp.expand, resolved once: "$$" is '$', a malformed reference is a literal '$'.
  const int groups = c->re->NumberOfCapturingGroups();
  const auto& names = c->re->NamedCapturingGroups();
  std::string_view t = extract;
  std::string literal;
  while (!t.empty()) {
    const std::size_t dollar = t.find('$');
    if (dollar == std::string_view::npos) break;
    literal.append(t.substr(0, dollar));
    t.remove_prefix(dollar + 1);
    if (!t.empty() && t[0] == '$') {
      literal += '$';
      t.remove_prefix(1);
      continue;
    }
    std::string_view name;
    int num = -1;
    std::size_t consumed = 0;
    if (!go_template_name(t, name, num, consumed)) {
      literal += '$';
      continue;
    }
    t.remove_prefix(consumed);
    int group = -1;
    if (num >= 0) {
      if (num <= groups) group = num;
    } else if (auto it = names.find(std::string(name)); it != names.end()) {
      group = it->second;
    }
    if (group < 0) {
      return filter_error(kInvalidExtract, "extract " + quoted(extract) + " refers to capture group " + quoted(name) +
                                               ", which pattern " + quoted(pattern) + " does not define");
    }
    c->pieces.push_back(template_piece{std::move(literal), group});
    literal.clear();
    c->submatches = std::max(c->submatches, group + 1);
  }
  literal.append(t);
  c->tail = std::move(literal);
  return tag_filter(std::move(c));
}

bool tag_filter::apply(std::string_view tag, std::string& value) const {
  if (!extracts()) {
    if (!impl_->matches(tag)) return false;
    value.assign(tag);
    return true;
  }
  std::string out;
  if (!impl_->expand(tag, out)) return false;
  value = std::move(out);
  return true;
}

const std::string& tag_filter::pattern() const { return impl_->pattern; }
const std::string& tag_filter::extract() const { return impl_->extract; }
bool tag_filter::extracts() const { return !impl_->extract.empty(); }

// ---- selector ------------------------------------------------------------------------------

namespace {

result<sort_order> parse_order(std::string_view order) {
  std::string upper(order);
  for (char& ch : upper) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  if (upper.empty() || upper == "ASC") return sort_order::ascending;
  if (upper == "DESC") return sort_order::descending;
  return make_error(kInvalidOrder, "invalid policy: invalid order argument provided: " + quoted(upper) +
                                       ", must be one of: ASC, DESC");
}

}  // namespace

result<selector> selector::semver(std::string_view range) {
  auto c = oci::semver::parse_constraint(range);
  if (!c) return make_error(kInvalidRange, "invalid policy: " + c.error().message);
  return selector(policy_kind::semver, sort_order::ascending,
                  std::make_shared<const oci::semver::constraint>(std::move(c.value())));
}

result<selector> selector::alphabetical(std::string_view order) {
  auto o = parse_order(order);
  if (!o) return o.error();
  return selector(policy_kind::alphabetical, *o, nullptr);
}

result<selector> selector::numerical(std::string_view order) {
  auto o = parse_order(order);
  if (!o) return o.error();
  return selector(policy_kind::numerical, *o, nullptr);
}

result<selector> make_selector(const policy_choice& choice) {
  if (choice.semver_range) return selector::semver(*choice.semver_range);
  if (choice.alphabetical_order) return selector::alphabetical(*choice.alphabetical_order);
  if (choice.numerical_order) return selector::numerical(*choice.numerical_order);
  return make_error(kInvalidPolicy, "invalid policy: given ImagePolicyChoice object is invalid");
}

bool is_invalid_policy(const error_info& e) {
  return e.code == kInvalidRange || e.code == kInvalidOrder || e.code == kInvalidPolicy || e.code == kInvalidPattern ||
         e.code == kInvalidExtract;
}

// ---- select_latest -------------------------------------------------------------------------

namespace {

// The values a policy orders, each with the index of the tag it stands for.
struct candidates {
  std::vector<std::string_view> values;
  std::vector<std::uint32_t> origin;  // empty: values[i] is tags[i]
  std::string arena;                  // extracted values live here

  std::size_t tag_index(std::size_t i) const { return origin.empty() ? i : origin[i]; }
};

// Flux's RegexFilter.Apply: a map from value to the last tag that produced it. Kept in first-
// appearance order; de-duplicated with an open-addressing table (no allocation per tag).
void filter_candidates(const std::vector<std::string>& tags, const tag_filter::compiled& f, candidates& out) {
  const bool extracts = !f.extract.empty();
  std::vector<std::uint32_t> offset, length;  // into arena (extract) or unused
  std::vector<std::string_view> direct;      // views into tags (no extract)
  std::size_t cap = 16;
  while (cap < 2 * tags.size() + 1) cap <<= 1;
  std::vector<std::int32_t> table(cap, -1);
  const std::size_t mask = cap - 1;
  const std::hash<std::string_view> hash;

  auto value_of = [&](std::size_t k) {
    return extracts ? std::string_view(out.arena.data() + offset[k], length[k]) : direct[k];
  };
  for (std::size_t j = 0; j < tags.size(); ++j) {
    std::string_view value;
    if (extracts) {
      const std::size_t start = out.arena.size();
      if (!f.expand(tags[j], out.arena)) continue;
      value = std::string_view(out.arena.data() + start, out.arena.size() - start);
    } else {
      if (!f.matches(tags[j])) continue;
      value = tags[j];
    }
    std::size_t h = hash(value) & mask;
    bool seen = false;
    while (table[h] >= 0) {
      const auto k = static_cast<std::size_t>(table[h]);
      if (value_of(k) == value) {
        out.origin[k] = static_cast<std::uint32_t>(j);  // the later tag wins
        seen = true;
        break;
      }
      h = (h + 1) & mask;
    }
    if (seen) {
      if (extracts) out.arena.resize(out.arena.size() - value.size());
      continue;
    }
    table[h] = static_cast<std::int32_t>(out.origin.size());
    out.origin.push_back(static_cast<std::uint32_t>(j));
    if (extracts) {
      offset.push_back(static_cast<std::uint32_t>(value.data() - out.arena.data()));
      length.push_back(static_cast<std::uint32_t>(value.size()));
    } else {
      direct.push_back(value);
    }
  }
  if (extracts) {
    out.values.reserve(offset.size());
    for (std::size_t k = 0; k < offset.size(); ++k) out.values.push_back(value_of(k));
  } else {
    out.values = std::move(direct);
  }
}

// Flux's SemVer.Latest.
result<std::size_t> latest_semver(const std::vector<std::string_view>& values, const oci::semver::constraint& range) {
  oci::semver::version current, best;
  std::size_t best_index = 0;
  bool found = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (oci::semver::parse_tag_version_into(values[i], current) != oci::semver::version_error::none) continue;
    if (!range.matches(current)) continue;
    if (found && oci::semver::compare(current, best) <= 0) continue;
    std::swap(current, best);  // keeps both buffers alive: no allocation per tag
    best_index = i;
    found = true;
  }
  if (!found) return make_error(kNoMatchingVersion, "unable to determine latest version from provided list");
  return best_index;
}

// Flux's Alphabetical.Latest: sort.Strings (bytes), then the last (asc) or first (desc).
std::size_t latest_alphabetical(const std::vector<std::string_view>& values, sort_order order) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i) {
    const int c = values[i].compare(values[best]);
    if (order == sort_order::ascending ? c > 0 : c < 0) best = i;
  }
  return best;
}

// Flux's Numerical.Latest, loop for loop (ties and NaN behave as in Go).
result<std::size_t> latest_numerical(const candidates& c, const std::vector<std::string>& tags, sort_order order) {
  double previous = 0;
  std::size_t latest = 0;
  for (std::size_t i = 0; i < c.values.size(); ++i) {
    double value = 0;
    if (!go::parse_float(c.values[i], value)) {
      std::string msg = "failed to parse invalid numeric value " + quoted(c.values[i]);
      const std::string& tag = tags[c.tag_index(i)];
      if (tag != c.values[i]) msg += " (extracted from tag " + quoted(tag) + ")";
      return make_error(kNonNumericTag, std::move(msg));
    }
    if (i != 0 && (order == sort_order::ascending ? value < previous : value > previous)) continue;
    latest = i;
    previous = value;
  }
  return latest;
}

}  // namespace

result<selection> select_latest(const std::vector<std::string>& tags, const tag_filter* filter, const selector& policy) {
  candidates c;
  if (filter != nullptr) {
    filter_candidates(tags, *filter->impl_, c);
  } else {
    c.values.assign(tags.begin(), tags.end());
  }
  if (c.values.empty()) return make_error(kNoCandidates, "version list argument cannot be empty");

  std::size_t winner = 0;
  switch (policy.kind()) {
    case policy_kind::semver: {
      auto r = latest_semver(c.values, *policy.range());
      if (!r) return r.error();
      winner = *r;
      break;
    }
    case policy_kind::alphabetical:
      winner = latest_alphabetical(c.values, policy.order());
      break;
    case policy_kind::numerical: {
      auto r = latest_numerical(c, tags, policy.order());
      if (!r) return r.error();
      winner = *r;
      break;
    }
  }
  return selection{tags[c.tag_index(winner)], std::string(c.values[winner])};
}

}  // namespace fluxaws::policy
