// pod_identity_service.hpp — the EKS Pod Identity agent (169.254.170.23, and the ECS
// container credentials address 169.254.170.2): GET /v1/credentials with
// `Authorization: <token>`, answering the credentials of the role associated with the
// pod's namespace and ServiceAccount.
//
// Contract: the token is resolved to (namespace, serviceaccount) by
//   1. the world's static table iam.podIdentityTokens[] {token, namespace,
//      serviceAccount}, else
//   2. a ServiceAccount JWT signed by one of the world's OIDC providers, with audience
//      pods.eks.amazonaws.com and sub system:serviceaccount:<ns>:<sa> (what the kubelet
//      projects for EKS Pod Identity).
// The association (iam.podIdentityAssociations) names the role, whose trust policy must
// allow the service principal pods.eks.amazonaws.com both sts:AssumeRole and
// sts:TagSession. Answers: 200 {"AccessKeyId","SecretAccessKey","Token","AccountId",
// "Expiration"}; 400 no Authorization header; 401 a token that does not verify or has
// expired; 403 no association or a role that does not trust Pod Identity. Error bodies
// are {"Message": ...}.
#pragma once

#include <memory>

#include "tests/emulator/service_context.hpp"
#include "tests/emulator/web_identity.hpp"

namespace emu {

class pod_identity_service {
 public:
  pod_identity_service(const service_context& ctx, std::shared_ptr<const web_identity_verifier> oidc)
      : ctx_(ctx), oidc_(std::move(oidc)) {}
  http_response handle(const http_request& req, call_record& rec);

 private:
  service_context ctx_;
  std::shared_ptr<const web_identity_verifier> oidc_;
};

}  // namespace emu
