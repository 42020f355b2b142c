#include "adapters/sops/scalars.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

namespace fluxaws::sops::gofmt {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string chars(double f, std::chars_format fmt) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, f, fmt);
  return std::string(buf, r.ptr);
}

std::optional<std::string> special_float(double f) {
  if (std::isnan(f)) return std::string("NaN");
  if (std::isinf(f)) return std::string(f > 0 ? "+Inf" : "-Inf");
  return std::nullopt;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Go's underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool underscores_ok(std::string_view s) {
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' other
  std::size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) ++i;
  bool hex = false;
  if (s.size() - i >= 2 && s[i] == '0') {
    char c = static_cast<char>(s[i + 1] | 0x20);
    if (c == 'b' || c == 'o' || c == 'x') {
      hex = c == 'x';
      i += 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (is_digit(c) || (hex && std::isxdigit(static_cast<unsigned char>(c)))) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// Parses unsigned digits of the given base into a magnitude; nullopt on a bad digit,
// no digits or overflow past 2^64-1.
std::optional<uint64_t> parse_magnitude(std::string_view digits, int base) {
  if (digits.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    int d = digit_value(c);
    if (d >= base) return std::nullopt;
    if (v > (std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base))
      return std::nullopt;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  return v;
}

std::optional<int64_t> signed_from(uint64_t mag, bool neg) {
  constexpr uint64_t max_pos = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (neg) {
    if (mag > max_pos + 1) return std::nullopt;
    if (mag == max_pos + 1) return std::numeric_limits<int64_t>::min();
    return -static_cast<int64_t>(mag);
  }
  if (mag > max_pos) return std::nullopt;
  return static_cast<int64_t>(mag);
}

// strconv.ParseUint(s, 0, 64) (no sign).
std::optional<uint64_t> parse_uint_base0(std::string_view s) {
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  int base = 10;
  std::string_view digits = s;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x') base = 16, digits = s.substr(2);
    else if (c == 'o') base = 8, digits = s.substr(2);
    else if (c == 'b') base = 2, digits = s.substr(2);
    else base = 8, digits = s.substr(1);
  }
  return parse_magnitude(digits, base);
}

bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ — go-yaml's yamlStyleFloat.
bool yaml_style_float(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
  } else {
    std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
  }
  return i == s.size();
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return days[month - 1];
}

bool fixed_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string format_float(double f) {
  if (auto s = special_float(f)) return *s;
  return chars(f, std::chars_format::fixed);
}

std::string format_float_g(double f) {
  if (auto s = special_float(f)) return *s;
  std::string sci = chars(f, std::chars_format::scientific);  // d.ddde±XX, shortest digits
  auto e = sci.find('e');
  int exp = std::atoi(sci.c_str() + e + 1);
  // Go uses %e when the exponent is < -4 or >= the precision (6 for shortest).
  if (exp < -4 || exp >= 6) {
    sci[e] = 'E';
    return sci;
  }
  return chars(f, std::chars_format::fixed);
}

std::string format_json_float(double f) {
  if (auto s = special_float(f)) return *s;
  double a = std::fabs(f);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string s = chars(f, std::chars_format::scientific);
    std::size_t n = s.size();
    // encoding/json cleans e-09 up to e-9.
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') s.erase(n - 2, 1);
    return s;
  }
  return chars(f, std::chars_format::fixed);
}

std::optional<int64_t> parse_int(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  std::string clean;
  if (body.find('_') != std::string_view::npos) {
    if (!underscores_ok(s)) return std::nullopt;
    for (char c : body)
      if (c != '_') clean.push_back(c);
    body = clean;
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  auto mag = parse_uint_base0(body);
  if (!mag) return std::nullopt;
  return signed_from(*mag, neg);
}

std::optional<int64_t> parse_atoi(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  auto mag = parse_magnitude(body, 10);
  if (!mag) return std::nullopt;
  return signed_from(*mag, neg);
}

std::optional<double> parse_float(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  const double inf = std::numeric_limits<double>::infinity();
  if (ieq(body, "inf") || ieq(body, "infinity")) return neg ? -inf : inf;
  if (ieq(body, "nan") && body.size() == s.size()) return std::numeric_limits<double>::quiet_NaN();
  // Decimal syntax only: digits, one optional '.', optional exponent.
  std::size_t i = 0, mant = 0;
  while (i < body.size() && is_digit(body[i])) ++i, ++mant;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && is_digit(body[i])) ++i, ++mant;
  }
  if (mant == 0) return std::nullopt;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
    std::size_t d = i;
    while (i < body.size() && is_digit(body[i])) ++i;
    if (i == d) return std::nullopt;
  }
  if (i != body.size()) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, std::chars_format::general);
  if (r.ec == std::errc::result_out_of_range) {
    // Go: overflow is an error (±Inf, ErrRange); underflow rounds to zero.
    std::string copy(body);
    errno = 0;
    double probe = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(probe)) return std::nullopt;
    v = probe;
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return std::nullopt;
  }
  return neg ? -v : v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") return false;
  return std::nullopt;
}

std::optional<rfc3339_time> parse_rfc3339(std::string_view s) {
  rfc3339_time t;
  if (!fixed_digits(s, 0, 4, t.year) || s.size() < 20 || s[4] != '-' || !fixed_digits(s, 5, 2, t.month) ||
      s[7] != '-' || !fixed_digits(s, 8, 2, t.day) || s[10] != 'T' || !fixed_digits(s, 11, 2, t.hour) ||
      s[13] != ':' || !fixed_digits(s, 14, 2, t.minute) || s[16] != ':' || !fixed_digits(s, 17, 2, t.second))
    return std::nullopt;
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month) || t.hour > 23 ||
      t.minute > 59 || t.second > 59)
    return std::nullopt;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    int64_t scale = 100000000;
    while (i < s.size() && is_digit(s[i])) {
      if (scale > 0) t.nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i < s.size() && s[i] == 'Z') {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int hh = 0, mm = 0;
    if (!fixed_digits(s, i + 1, 2, hh) || i + 3 >= s.size() || s[i + 3] != ':' || !fixed_digits(s, i + 4, 2, mm) ||
        hh > 23 || mm > 59)
      return std::nullopt;
    t.offset_minutes = (s[i] == '-' ? -1 : 1) * (hh * 60 + mm);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return t;
}

namespace {
std::string format_base(const rfc3339_time& t, bool nano) {
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month, t.day, t.hour, t.minute,
                        t.second);
  std::string out(buf, static_cast<std::size_t>(n));
  if (nano && t.nanos > 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(t.nanos));
    std::string frac(buf);
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  if (t.offset_minutes == 0) {
    out += 'Z';
  } else {
    int off = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", t.offset_minutes < 0 ? '-' : '+', off / 60, off % 60);
    out += buf;
  }
  return out;
}
}  // namespace

std::string format_rfc3339(const rfc3339_time& t) { return format_base(t, false); }
std::string format_rfc3339_nano(const rfc3339_time& t) { return format_base(t, true); }

resolved_scalar yaml_resolve_plain(std::string_view s) {
  using kind = resolved_scalar::kind;
  resolved_scalar r;
  const double inf = std::numeric_limits<double>::infinity();
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    r.type = kind::null;
    return r;
  }
  if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
    r.type = kind::boolean;
    r.boolean = s[0] == 't' || s[0] == 'T';
    return r;
  }
  if (s == ".nan" || s == ".NaN" || s == ".NAN") {
    r.type = kind::floating;
    r.floating = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    r.type = kind::floating;
    r.floating = inf;
    return r;
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    r.type = kind::floating;
    r.floating = -inf;
    return r;
  }
  char c = s[0];
  if (c == '.') {
    if (auto f = parse_float(s)) {
      r.type = kind::floating;
      r.floating = *f;
    }
    return r;
  }
  if (!is_digit(c) && c != '+' && c != '-') return r;
  // Timestamps (YYYY-…) decode into interface{} as strings; none of them parses as
  // a number below, so they fall through to "string" on their own.
  std::string plain;
  for (char ch : s)
    if (ch != '_') plain.push_back(ch);
  if (auto i = parse_int(plain)) {
    r.type = kind::integer;
    r.integer = *i;
    return r;
  }
  if (parse_uint_base0(plain)) {
    r.type = kind::out_of_range;
    return r;
  }
  if (yaml_style_float(plain)) {
    if (auto f = parse_float(plain)) {
      r.type = kind::floating;
      r.floating = *f;
      return r;
    }
  }
  return r;
}

}  // namespace fluxaws::sops::gofmt
