// web_identity.hpp — checking a ServiceAccount token (an OIDC ID token, RS256) against
// the world's OIDC providers, as STS does for AssumeRoleWithWebIdentity.
//
// Contract: verify() returns the token and its provider, or an error whose code is the
// STS wire code — InvalidIdentityToken (400: not a JWT, unknown issuer, bad signature,
// not yet valid, audience not among the provider's client IDs), ExpiredTokenException
// (400: exp passed), IDPRejectedClaim (403: no sub or no exp) — and a message in
// STS's words. Keys are parsed once at construction (a bad PEM is an error there).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "tests/emulator/jwt.hpp"
#include "tests/emulator/world.hpp"

namespace emu {

struct verified_web_token {
  const oidc_provider* provider = nullptr;
  jwt::token token;
  std::string audience;  // the audience that matched (first one if the provider lists none)
};

class web_identity_verifier {
 public:
  static fluxaws::result<std::shared_ptr<web_identity_verifier>> create(const world& w);

  // account: the role's account (providers are per account). expected_audience: when
  // non-empty, the token must carry it (Pod Identity: pods.eks.amazonaws.com) instead
  // of one of the provider's client IDs.
  fluxaws::result<verified_web_token> verify(std::string_view compact, std::chrono::system_clock::time_point now,
                                             std::string_view account, std::string_view expected_audience = {}) const;

 private:
  const world* w_ = nullptr;
  std::map<const oidc_provider*, std::vector<std::shared_ptr<jwt::key>>> keys_;
};

}  // namespace emu
