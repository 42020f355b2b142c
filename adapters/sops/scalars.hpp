// Go-compatible scalar parsing and formatting, as SOPS (Go) applies them to values.
// The MAC hashes values in Go's textual form, so these must match Go byte for byte:
//   format_float   strconv.FormatFloat(f, 'f', -1, 64)  ("1234568000", "0.1", "+Inf")
//   format_float_g strconv.FormatFloat(f, 'G', -1, 64)  (dotenv/INI output of floats)
//   format_json_float  encoding/json's float text ("1e+21", "1e-7")
//   parse_int      strconv.ParseInt(s, 0, 64)  (sign, 0x/0o/0b/0 prefixes)
//   parse_atoi     strconv.Atoi                (decimal only)
//   parse_float    strconv.ParseFloat(s, 64)   (decimal, inf/infinity/nan; no hex floats)
//   parse_bool     strconv.ParseBool
// Times keep their UTC offset: time.Parse(time.RFC3339) then Format(RFC3339) or
// MarshalText (RFC3339Nano). yaml_resolve_plain is go-yaml v3's resolution of an
// untagged plain scalar when decoded into interface{} (what SOPS' YAML store does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::sops::gofmt {

std::string format_float(double f);
std::string format_float_g(double f);
std::string format_json_float(double f);
std::optional<int64_t> parse_int(std::string_view s);
std::optional<int64_t> parse_atoi(std::string_view s);
std::optional<double> parse_float(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);

struct rfc3339_time {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int offset_minutes = 0;  // east of UTC
};
std::optional<rfc3339_time> parse_rfc3339(std::string_view s);
std::string format_rfc3339(const rfc3339_time& t);       // 2006-01-02T15:04:05Z07:00
std::string format_rfc3339_nano(const rfc3339_time& t);  // fraction without trailing zeros

// go-yaml v3 resolution of a plain scalar decoded into interface{}.
struct resolved_scalar {
  enum class kind { null, boolean, integer, floating, string, out_of_range } type = kind::string;
  bool boolean = false;
  int64_t integer = 0;
  double floating = 0;
};
resolved_scalar yaml_resolve_plain(std::string_view s);

}  // namespace fluxaws::sops::gofmt
