// STS over the awsQuery protocol: AssumeRoleWithWebIdentity (unsigned: the web
// identity token is the credential), AssumeRole (signed), GetCallerIdentity (signed).
//
// Requests are form POSTs to "/" with Content-Type application/x-www-form-urlencoded
// (no charset) and a body of Action, Version, then the members in the model's order,
// each value RFC 3986-encoded — byte for byte what the AWS SDKs send.
//
// Answers are XML; element order and the xmlns do not matter. The <Op>Result wrapper
// is required: a 200 answer without it (or without any required credential field) is
// a "parse" error, never empty credentials. Expiration is RFC 3339 ("Z", ".000Z",
// "+00:00"). Error answers become the SDK's error names (see service_error.hpp).
// Nothing here logs or echoes a token or a secret.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/aws/credentials.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws::sts {

using form_fields = std::vector<std::pair<std::string, std::string>>;

// key=value&… with both sides RFC 3986-encoded, in the given order.
std::string form_encode(const form_fields& fields);

struct web_identity_params {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;  // secret
  std::string provider_id;         // OAuth 2.0 providers only
  std::vector<std::string> policy_arns;
  std::string policy;
  std::optional<int> duration_seconds;
};

struct assume_role_params {
  std::string role_arn;
  std::string role_session_name;
  std::vector<std::string> policy_arns;
  std::string policy;
  std::optional<int> duration_seconds;
  std::string external_id;
  std::string source_identity;
};

// What AssumeRole* return besides the credentials.
struct assumed_role {
  credentials creds;
  std::string assumed_role_arn;
  std::string assumed_role_id;
  std::string subject_from_web_identity_token;  // web identity only
  std::string audience;                         // web identity only
  std::string provider;                         // web identity only
  std::string source_identity;
};

struct caller_identity {
  std::string account;
  std::string arn;
  std::string user_id;
};

std::string assume_role_with_web_identity_body(const web_identity_params& p);
std::string assume_role_body(const assume_role_params& p);
std::string get_caller_identity_body();

service_request assume_role_with_web_identity_request(const endpoint& ep, const web_identity_params& p);
service_request assume_role_request(const endpoint& ep, const assume_role_params& p);
service_request get_caller_identity_request(const endpoint& ep);

// Parse an answer (transport failures and error statuses included). The returned
// credentials' source is "web-identity" / "assume-role".
result<assumed_role> parse_assume_role_with_web_identity(const http::response& r);
result<assumed_role> parse_assume_role(const http::response& r);
result<caller_identity> parse_get_caller_identity(const http::response& r);

}  // namespace fluxaws::aws::sts
