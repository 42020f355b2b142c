// The decisions of the registry authentication dance, as plain functions, so that the
// registry actor only sequences messages:
//  1. plan_first_request(): what Authorization to send on a request, knowing what the
//     host asked for last time (its remembered challenge) and whether a Bearer token
//     for (host, scope, identity) is cached.
//  2. plan_after_unauthorized(): after a 401, retry with Basic, fetch a (new) Bearer
//     token, or give up with an Unauthorized error.
//
// Contract: at most one Basic retry and one fresh-token retry per request, so a
// request is sent at most three times. Credentials are used only as the caller chose:
// anonymous access never sends any; Basic credentials go to the registry only when it
// asked for Basic (or to the token realm when it asked for Bearer); a registry token is
// sent as is and never exchanged.
#pragma once

#include <optional>
#include <string>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"
#include "adapters/oci/auth_challenge.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::oci {

struct first_request_plan {
  std::string authorization;       // header value; empty = send none
  bool fetch_token_first = false;  // Bearer host, no fresh token cached
  bool uses_cached_token = false;
};

first_request_plan plan_first_request(const registry_auth& auth, const std::optional<auth_challenge>& known,
                                      const std::optional<std::string>& cached_token);

// What was already tried for this request.
struct attempt_history {
  bool sent_basic = false;
  bool sent_cached_token = false;
  bool sent_fresh_token = false;
};

struct retry_plan {
  enum class kind { basic, fetch_token, give_up };
  kind action = kind::give_up;
  auth_challenge challenge;  // the challenge answered (fetch_token: its realm/service)
  std::string reason;        // give_up: why, for the Unauthorized message
};

retry_plan plan_after_unauthorized(const registry_auth& auth, const http::header_list& headers,
                                   const attempt_history& history);

// ECR answers a request made with an expired authorization token with 403 DENIED
// "Your authorization token has expired. Reauthenticate and try again." rather than a
// 401. True for that answer (registry error message matched case-insensitively): with
// cached credentials it means the same as a 401 — evict and retry once.
bool is_expired_token_denial(int status, std::string_view body);

// The Unauthorized error for a final 401: status, the registry's own error text, and
// the reason from the plan. what names the object.
error_info unauthorized_error(std::string_view what, std::string_view body, const std::string& reason);

}  // namespace fluxaws::oci
