// token_signer.hpp — ServiceAccount tokens as the API server's TokenRequest issues them:
// RS256 JWTs with header {"alg":"RS256","kid":<key id>} and the claims iss, sub
// ("system:serviceaccount:<ns>:<name>"), aud, exp, iat, nbf, jti and
// "kubernetes.io": {namespace, serviceaccount: {name, uid}}. The key id is what
// kube-apiserver uses: base64url(SHA-256(DER SubjectPublicKeyInfo)).
//
// Contract: the private key never leaves this object except through private_pem()
// (for the state directory); errors name the reason, never key material. verify()
// checks signature, alg and exp (used to accept issued tokens as API credentials).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace kstand {

class token_signer {
 public:
  static fluxaws::result<std::shared_ptr<token_signer>> from_pem(std::string_view private_pem);
  static fluxaws::result<std::shared_ptr<token_signer>> generate();  // RSA 2048
  ~token_signer();
  token_signer(const token_signer&) = delete;
  token_signer& operator=(const token_signer&) = delete;

  const std::string& key_id() const { return kid_; }
  std::string private_pem() const;
  std::string public_pem() const;
  fluxaws::json::value jwks() const;  // {"keys":[{kty,alg,use,kid,n,e}]}

  fluxaws::result<std::string> sign(const fluxaws::json::value& claims) const;
  // The claims of a token this signer issued that has not expired at now.
  fluxaws::result<fluxaws::json::value> verify(std::string_view token, std::chrono::system_clock::time_point now) const;

 private:
  explicit token_signer(void* pkey);
  void* pkey_;
  std::string kid_;
};

struct service_account_ref {
  std::string ns, name, uid;
};

// The claims kube-apiserver puts in a TokenRequest token.
fluxaws::json::value service_account_claims(std::string_view issuer, const service_account_ref& sa,
                                            const std::vector<std::string>& audiences,
                                            std::chrono::system_clock::time_point now, std::chrono::seconds lifetime,
                                            std::string_view jti);

}  // namespace kstand
