// The Bearer token flow of the distribution spec (docker "token authentication"):
// after a 401 with `Bearer realm=...,service=...`, ask the realm for a token for the
// wanted scope, with the caller's credentials if any, then repeat the request with
// "Authorization: Bearer <token>".
//
// Contract:
//  - make_token_request(): GET <realm>?service=..&scope=.. with Basic credentials (or
//    none when anonymous); an identity token uses the OAuth2 form instead (POST,
//    grant_type=refresh_token). The realm must be an absolute https URL; plain http is
//    refused (InsecureRefused) unless insecure is set, so credentials never travel in
//    clear text without the caller's consent. A registry token (kind::bearer) needs no
//    exchange and is refused here (TokenError).
//  - parse_token_response(): "token" or else "access_token" must be a non-empty string;
//    "expires_in" (seconds) defaults to 60 when absent or not positive. Errors are
//    TokenError and never contain the answer's body (it may hold a token).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"
#include "adapters/oci/auth_challenge.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::oci {

inline constexpr std::chrono::seconds default_token_lifetime{60};

struct bearer_token {
  std::string token;
  std::chrono::seconds expires_in{default_token_lifetime};
};

// scope may be empty (a ping: service-wide token).
result<http::request> make_token_request(const auth_challenge& challenge, std::string_view scope,
                                         const registry_auth& auth, bool insecure,
                                         std::chrono::milliseconds timeout);

result<bearer_token> parse_token_response(std::string_view body, std::string_view what);

}  // namespace fluxaws::oci
