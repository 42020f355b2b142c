#include "tests/emulator/web_identity.hpp"

#include <algorithm>

namespace emu {

using fluxaws::make_error;

fluxaws::result<std::shared_ptr<web_identity_verifier>> web_identity_verifier::create(const world& w) {
  auto v = std::make_shared<web_identity_verifier>();
  v->w_ = &w;
  for (const auto& p : w.oidc_providers) {
    for (const auto& pem : p.public_keys) {
      auto k = jwt::key::public_from_pem(pem);
      if (!k) return make_error("InvalidWorld", "OIDC provider " + p.url + ": " + k.error().message);
      v->keys_[&p].push_back(std::move(k.value()));
    }
  }
  return v;
}

fluxaws::result<verified_web_token> web_identity_verifier::verify(std::string_view compact,
                                                                  std::chrono::system_clock::time_point now,
                                                                  std::string_view account,
                                                                  std::string_view expected_audience) const {
  auto t = jwt::decode(compact);
  if (!t)
    return make_error("InvalidIdentityToken",
                      "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", 400);
  verified_web_token out;
  auto iss = t->iss();
  const oidc_provider* provider = nullptr;
  for (const auto& p : w_->oidc_providers)
    if (p.account == account && (p.url == iss || p.url == "https://" + iss)) provider = &p;
  if (!provider)
    return make_error("InvalidIdentityToken", "No OpenIDConnect provider found in your account for " + iss, 400);
  if (t->alg() != "RS256")
    return make_error("InvalidIdentityToken", "Unsupported JWT signing algorithm " + t->alg() + "; expected RS256", 400);
  bool good = false;
  auto it = keys_.find(provider);
  if (it != keys_.end())
    for (const auto& k : it->second)
      if (jwt::verify_rs256(*t, *k)) {
        good = true;
        break;
      }
  if (!good) return make_error("InvalidIdentityToken", "The web identity token's signature could not be verified", 400);

  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto exp = t->exp();
  if (!exp) return make_error("IDPRejectedClaim", "The token has no exp claim", 403);
  if (now_s >= *exp)
    return make_error("ExpiredTokenException", "Token expired: current date/time " + std::to_string(now_s) +
                                                   " must be before the expiration date/time " + std::to_string(*exp),
                      400);
  if (auto nbf = t->nbf(); nbf && *nbf > now_s + 60)
    return make_error("InvalidIdentityToken", "The token is not valid yet: nbf " + std::to_string(*nbf) +
                                                  " is after the current date/time " + std::to_string(now_s), 400);
  if (auto iat = t->iat(); iat && *iat > now_s + 300)
    return make_error("InvalidIdentityToken", "The token's iat claim is in the future", 400);
  if (t->sub().empty()) return make_error("IDPRejectedClaim", "The token has no sub claim", 403);

  auto auds = t->aud();
  if (auds.empty()) return make_error("InvalidIdentityToken", "Incorrect token audience", 400);
  if (!expected_audience.empty()) {
    if (std::find(auds.begin(), auds.end(), expected_audience) == auds.end())
      return make_error("InvalidIdentityToken", "Incorrect token audience", 400);
    out.audience = std::string(expected_audience);
  } else if (!provider->audiences.empty()) {
    for (const auto& a : auds)
      if (std::find(provider->audiences.begin(), provider->audiences.end(), a) != provider->audiences.end()) {
        out.audience = a;
        break;
      }
    if (out.audience.empty()) return make_error("InvalidIdentityToken", "Incorrect token audience", 400);
  } else {
    out.audience = auds.front();
  }
  out.provider = provider;
  out.token = std::move(t.value());
  return out;
}

}  // namespace emu
