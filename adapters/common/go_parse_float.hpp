// Go's strconv.ParseFloat(s, 64), for Flux behaviour that depends on it (ImagePolicy's
// numerical ordering parses every tag with it).
//
// Contract: go::parse_float(s, out) returns true and sets `out` exactly when Go returns a
// nil error, and to the same value:
// - decimal "[+-]digits[.digits][e[+-]digits]" (".5", "5." and "1e5" are fine),
// - hexadecimal "[+-]0x hexdigits[.hexdigits]p[+-]digits" (the p exponent is required),
// - "_" between digits (and after a base prefix), as Go's underscoreOK allows,
// - "inf", "infinity" (optionally signed) and "nan", any case,
// - correctly rounded; a value that rounds beyond the largest double is an error (ErrRange),
//   one that rounds to zero is 0 (Go reports no error for underflow).
// Anything else, including surrounding spaces, is an error and leaves `out` untouched.
// No allocation for inputs up to 128 bytes (the longest OCI tag).
#pragma once

#include <string_view>

namespace fluxaws::go {

bool parse_float(std::string_view s, double& out);

}  // namespace fluxaws::go
