#include "adapters/oci/auth_flow.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/registry_errors.hpp"
#include "adapters/oci/registry_url.hpp"

namespace fluxaws::oci {

first_request_plan plan_first_request(const registry_auth& auth, const std::optional<auth_challenge>& known,
                                      const std::optional<std::string>& cached_token) {
  first_request_plan plan;
  if (auth.type == registry_auth::kind::bearer) {
    plan.authorization = "Bearer " + auth.secret;
    return plan;
  }
  if (!known) return plan;  // unknown host: the first answer tells what it wants
  if (known->scheme == "bearer") {
    if (cached_token) {
      plan.authorization = "Bearer " + *cached_token;
      plan.uses_cached_token = true;
    } else {
      plan.fetch_token_first = true;
    }
    return plan;
  }
  if (known->scheme == "basic" && auth.type == registry_auth::kind::basic) plan.authorization = auth.basic_header();
  return plan;
}

retry_plan plan_after_unauthorized(const registry_auth& auth, const http::header_list& headers,
                                   const attempt_history& history) {
  retry_plan plan;
  auto all = challenges_from(headers);
  auto chosen = select_challenge(all);
  if (!chosen) {
    plan.reason = all.empty() ? "the registry sent no WWW-Authenticate challenge"
                              : "the registry asks for an unsupported authentication scheme \"" +
                                    printable(all.front().scheme) + "\"";
    return plan;
  }
  plan.challenge = *chosen;
  if (chosen->scheme == "bearer") {
    if (auth.type == registry_auth::kind::bearer) {
      plan.reason = "the registry refused the registry token";
      return plan;
    }
    if (history.sent_fresh_token) {
      auto realm = parse_http_url(chosen->param("realm"));
      plan.reason = "the registry refused the token issued by " + (realm ? realm->authority() : std::string("its realm")) +
                    " for " + auth.describe();
      return plan;
    }
    plan.action = retry_plan::kind::fetch_token;
    return plan;
  }
  // Basic
  switch (auth.type) {
    case registry_auth::kind::anonymous:
      plan.reason = "the registry requires credentials and none were given";
      return plan;
    case registry_auth::kind::basic:
      if (history.sent_basic) {
        plan.reason = "the registry refused " + auth.describe();
        return plan;
      }
      plan.action = retry_plan::kind::basic;
      return plan;
    default:
      plan.reason = "the registry asks for Basic credentials but " + auth.describe() + " was given";
      return plan;
  }
}

bool is_expired_token_denial(int status, std::string_view body) {
  if (status != 403) return false;
  for (const auto& d : parse_error_body(body))
    if (str::to_lower(d.message).find("authorization token has expired") != std::string::npos) return true;
  return false;
}

error_info unauthorized_error(std::string_view what, std::string_view body, const std::string& reason) {
  auto err = error_from_status(401, body, what);
  err.code = std::string(errc::unauthorized);
  if (!reason.empty()) err.message += " (" + reason + ")";
  return err;
}

}  // namespace fluxaws::oci
