#include "adapters/common/go_parse_float.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>

namespace fluxaws::go {
namespace {

char lower(char c) { return static_cast<char>(c | ('x' - 'X')); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_letter(char c) { return lower(c) >= 'a' && lower(c) <= 'f'; }

// Case-insensitive length of the common prefix of s and the lowercase `word`.
std::size_t common_prefix_ignore_case(std::string_view s, std::string_view word) {
  std::size_t n = 0;
  while (n < s.size() && n < word.size()) {
    char c = s[n];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != word[n]) break;
    ++n;
  }
  return n;
}

// Go's special(): the whole string must be one of the special spellings.
bool special(std::string_view s, double& out) {
  if (s.empty()) return false;
  double sign = 1;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  } else if (s[0] == 'n' || s[0] == 'N') {
    if (s.size() == 3 && common_prefix_ignore_case(s, "nan") == 3) {
      out = std::numeric_limits<double>::quiet_NaN();
      return true;
    }
    return false;
  }
  // Signed or starting with 'i': infinity, spelled "inf" or "infinity".
  std::size_t n = common_prefix_ignore_case(s, "infinity");
  if (n > 3 && n < 8) n = 3;
  if ((n == 3 || n == 8) && n == s.size()) {
    out = sign * std::numeric_limits<double>::infinity();
    return true;
  }
  return false;
}

// Go's underscoreOK: underscores only between digits or right after a base prefix.
bool underscores_ok(std::string_view s) {
  char saw = '^';
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    if (is_digit(s[i]) || (hex && is_hex_letter(s[i]))) {
      saw = '0';
      continue;
    }
    if (s[i] == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// A small buffer that spills to the heap only for unusually long inputs.
class buffer {
 public:
  void push(char c) {
    if (heap_.empty() && n_ < sizeof(local_)) {
      local_[n_++] = c;
      return;
    }
    if (heap_.empty()) heap_.assign(local_, n_);
    heap_.push_back(c);
  }
  const char* begin() const { return heap_.empty() ? local_ : heap_.data(); }
  const char* end() const { return heap_.empty() ? local_ + n_ : heap_.data() + heap_.size(); }

 private:
  char local_[160];
  std::size_t n_ = 0;
  std::string heap_;
};

}  // namespace

bool parse_float(std::string_view s, double& out) {
  if (special(s, out)) return true;

  // Go's readFloat: validate the syntax and note where the value's magnitude lies, then let
  // from_chars (correctly rounded, like Go) compute the value from the cleaned digits.
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    ++i;
  }
  bool hex = false;
  if (i + 2 < s.size() && s[i] == '0' && lower(s[i + 1]) == 'x') {
    hex = true;
    i += 2;
  }
  buffer digits;  // mantissa (and exponent) without sign, prefix and underscores
  bool underscores = false, saw_dot = false, saw_digits = false;
  long nd = 0, dp = 0;  // significant digits seen, decimal point position (as Go counts them)
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
      dp = nd;
      digits.push(c);
      continue;
    }
    if (is_digit(c) || (hex && is_hex_letter(c))) {
      saw_digits = true;
      if (c == '0' && nd == 0) {
        --dp;  // leading zeros only move the point
      } else {
        ++nd;
      }
      digits.push(c);
      continue;
    }
    break;
  }
  if (!saw_digits) return false;
  if (!saw_dot) dp = nd;
  if (hex) dp *= 4;

  const char exp_char = hex ? 'p' : 'e';
  if (i < s.size() && lower(s[i]) == exp_char) {
    digits.push(exp_char);
    ++i;
    if (i >= s.size()) return false;
    long esign = 1;
    if (s[i] == '+' || s[i] == '-') {
      if (s[i] == '-') {
        esign = -1;
        digits.push('-');
      }
      ++i;
    }
    if (i >= s.size() || !is_digit(s[i])) return false;
    long e = 0;
    for (; i < s.size() && (is_digit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      if (e < 10000) e = e * 10 + (s[i] - '0');
      digits.push(s[i]);
    }
    dp += e * esign;
  } else if (hex) {
    return false;  // a hexadecimal float needs its p exponent
  }
  if (underscores && !underscores_ok(s.substr(0, i))) return false;
  if (i != s.size()) return false;

  double v = 0;
  const auto fmt = hex ? std::chars_format::hex : std::chars_format::general;
  const auto [ptr, ec] = std::from_chars(digits.begin(), digits.end(), v, fmt);
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports both overflow and underflow; the magnitude tells which. Go answers
    // ErrRange for overflow only; an underflow is a plain zero.
    if (nd > 0 && dp > 0) return false;
    v = 0;
  } else if (ec != std::errc() || ptr != digits.end()) {
    return false;
  }
  out = neg ? -v : v;
  return true;
}

}  // namespace fluxaws::go
