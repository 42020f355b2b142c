// WWW-Authenticate challenges (RFC 7235) as registries send them:
//   Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"
//   Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com"
//
// Contract:
//  - Several challenges may share one header value, and several headers may be
//    present; all are returned in order.
//  - Scheme and parameter names are case-insensitive (returned lower-cased); values
//    are tokens or quoted strings (backslash escapes undone; commas and '=' inside
//    quotes are part of the value). A token68 credential form is kept as such.
//  - Parsing never fails: malformed pieces are skipped, an unterminated quoted string
//    runs to the end of the value. A challenge without a usable realm is the caller's
//    concern (see select_challenge).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/types.hpp"

namespace fluxaws::oci {

struct auth_challenge {
  std::string scheme;  // lower case: "bearer", "basic", ...
  std::vector<std::pair<std::string, std::string>> params;  // names lower case
  std::string token68;

  // The value of a parameter (name compared case-insensitively), or empty.
  std::string param(std::string_view name) const;
  bool has_param(std::string_view name) const;
};

std::vector<auth_challenge> parse_www_authenticate(std::string_view value);
// All challenges of every WWW-Authenticate header (names matched case-insensitively).
std::vector<auth_challenge> challenges_from(const http::header_list& headers);

// The challenge to answer: Bearer with a realm first, then Basic; nullopt when none
// of the two is offered.
std::optional<auth_challenge> select_challenge(const std::vector<auth_challenge>& all);

}  // namespace fluxaws::oci
