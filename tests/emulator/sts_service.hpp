// sts_service.hpp — STS over the awsQuery protocol: AssumeRoleWithWebIdentity
// (unsigned; the token is the credential), AssumeRole and GetCallerIdentity (signed).
//
// Contract: answers in STS's XML; errors use STS's wire codes (InvalidIdentityToken,
// ExpiredTokenException, IDPRejectedClaim, AccessDenied, ValidationError,
// InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, IncompleteSignature,
// MissingAuthenticationToken, InvalidAction). Issued credentials are ASIA… keys whose
// lifetime comes from the world (see session_lifetime()).
#pragma once

#include <memory>

#include "tests/emulator/form.hpp"
#include "tests/emulator/service_context.hpp"
#include "tests/emulator/web_identity.hpp"

namespace emu {

class sts_service {
 public:
  sts_service(const service_context& ctx, std::shared_ptr<const web_identity_verifier> oidc)
      : ctx_(ctx), oidc_(std::move(oidc)) {}

  http_response handle(const http_request& req, const route& rt, call_record& rec);

  // The STS operation of a request, without authenticating it (counters, faults).
  static std::string operation_of(const http_request& req);

 private:
  http_response assume_role_with_web_identity(const http_request& req, const param_map& p, call_record& rec);
  http_response assume_role(const http_request& req, const principal& caller, const param_map& p);
  http_response get_caller_identity(const http_request& req, const principal& caller);

  service_context ctx_;
  std::shared_ptr<const web_identity_verifier> oidc_;
};

// STS's answer to a failed signature check.
http_response sts_auth_error(unsigned version, const sigv4::verify_result& v);

}  // namespace emu
