// Byte encodings: hex, base64 (standard and URL alphabets), RFC 3986 percent-encoding.
// Decoders return false on malformed input and never read past the input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::enc {

std::string hex(std::string_view bytes);                  // lower case
std::string hex_upper(std::string_view bytes);
std::optional<std::string> unhex(std::string_view text);  // either case

std::string base64(std::string_view bytes);               // standard alphabet, padded
std::string base64url(std::string_view bytes);            // URL alphabet, no padding (JWT)
// Accepts padded or unpadded input; ignores no characters (whitespace is an error
// unless allow_whitespace).
std::optional<std::string> unbase64(std::string_view text, bool allow_whitespace = false);
std::optional<std::string> unbase64url(std::string_view text);

// RFC 3986: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" is %XX (upper hex).
// With keep_slash, '/' is left as is (paths).
std::string uri_encode(std::string_view s, bool keep_slash = false);
// Decodes %XX (and '+' as space when plus_is_space, for forms). nullopt on a bad escape.
std::optional<std::string> uri_decode(std::string_view s, bool plus_is_space = false);

}  // namespace fluxaws::enc
