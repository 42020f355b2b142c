// ECR and ECR Public GetAuthorizationToken (awsJson1_1).
//   ECR:        X-Amz-Target AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken,
//               signing name ecr, body {} or {"registryIds":[...]} (deprecated, still
//               sent by the SDKs); answer {"authorizationData":[{...}]}.
//   ECR Public: X-Amz-Target SpencerFrontendService.GetAuthorizationToken on
//               api.ecr-public.us-east-1.amazonaws.com, signing name ecr-public,
//               body {}; answer {"authorizationData":{...}} (a single object).
// authorizationToken is base64 of "<user>:<password>" (user is always AWS), split on
// the first ':'. expiresAt is epoch seconds: a JSON number (fraction allowed) or a
// numeric string; an ISO date string is refused, as by the SDK. A 200 answer with no
// authorizationData entry, or a missing token or expiry, is a "parse" error.
// The password is a secret: no error message contains it or the token.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws::ecr {

struct authorization_token {
  std::string username;  // "AWS"
  std::string password;  // secret
  std::chrono::system_clock::time_point expires_at;
  std::string proxy_endpoint;  // ECR only, e.g. https://123456789012.dkr.ecr.us-east-1.amazonaws.com
};

std::string get_authorization_token_body(const std::vector<std::string>& registry_ids = {});
service_request get_authorization_token_request(const endpoint& ep, const std::vector<std::string>& registry_ids = {});
result<authorization_token> parse_get_authorization_token(const http::response& r);

service_request get_public_authorization_token_request(const endpoint& ep);
result<authorization_token> parse_get_public_authorization_token(const http::response& r);

// base64("user:password") → {user, password}.
result<std::pair<std::string, std::string>> decode_authorization_token(std::string_view token);

}  // namespace fluxaws::aws::ecr
