// ecr_service.hpp — the ECR API (awsJson1_1, X-Amz-Target:
// AmazonEC2ContainerRegistry_V20150921.<Op>): GetAuthorizationToken; and the
// authorization of registry (/v2) requests made with the tokens it hands out.
//
// Contract:
//   - GetAuthorizationToken needs ecr:GetAuthorizationToken on "*"; it answers one
//     authorizationData per registryIds entry (default: the caller's account) with
//     base64("AWS:" + password), expiresAt in epoch seconds (now + ecr.tokenLifetime,
//     12 h unless the world or /_emulator/settings says otherwise) and the proxy
//     endpoint of that registry in the request's region.
//   - authorize_registry() resolves "Basic base64(AWS:<password>)" to the principal the
//     token was issued to: no/bad header or unknown token -> 401, expired token or a
//     token from another region -> 403, then evaluates the ECR action on the repository
//     ARN against the principal's identity policies and the repository policy -> 403
//     with AWS's AccessDenied message naming the principal.
#pragma once

#include <map>
#include <string>

#include "tests/emulator/service_context.hpp"

namespace emu {

struct registry_auth_result {
  bool allowed = false;
  int status = 401;
  std::string principal_arn;
  std::string code;
  std::string message;
};

class ecr_service {
 public:
  explicit ecr_service(const service_context& ctx);
  http_response handle(const http_request& req, const route& rt, call_record& rec);
  static std::string operation_of(const http_request& req);

  registry_auth_result authorize_registry(std::string_view authorization_header, const std::string& repository_arn,
                                          std::string_view ecr_action) const;

 private:
  service_context ctx_;
  std::map<std::string, const ecr_repository_def*> repos_;  // by ARN
};

}  // namespace emu
