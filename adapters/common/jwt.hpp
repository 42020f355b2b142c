// JSON Web Tokens signed with RS256 (RFC 7515 compact serialization, RFC 7518 §3.3):
// the shape of Kubernetes ServiceAccount tokens, which fluxaws signs itself in local
// mode. Signing only; verification belongs to the peer (STS).
//
// Contract:
//  - rsa_signing_key::from_pem() accepts an unencrypted PEM RSA private key (PKCS#1
//    "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY") of at least 2048 bits; an
//    encrypted key, another key type or anything else is an error saying which (never
//    prompting for a passphrase, never echoing key material).
//  - key_id() is the key id kube-apiserver puts in a token's "kid" header:
//    base64url(SHA-256(DER SubjectPublicKeyInfo)) without padding.
//  - sign_rs256() writes the header {"alg":"RS256","kid":"<key id>"} (no "typ", as the
//    API server writes it), then base64url(header).base64url(payload).base64url(sig).
//  - A key is immutable after loading and may be used from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::jwt {

class rsa_signing_key {
 public:
  static result<std::shared_ptr<const rsa_signing_key>> from_pem(std::string_view pem);
  ~rsa_signing_key();
  rsa_signing_key(const rsa_signing_key&) = delete;
  rsa_signing_key& operator=(const rsa_signing_key&) = delete;

  const std::string& key_id() const { return key_id_; }
  int bits() const { return bits_; }
  // The public half as "-----BEGIN PUBLIC KEY-----" PEM (for tests and JWKS).
  std::string public_key_pem() const;
  // RSASSA-PKCS1-v1_5 with SHA-256 over data: the raw signature bytes.
  result<std::string> sign(std::string_view data) const;

 private:
  explicit rsa_signing_key(void* pkey) : pkey_(pkey) {}
  void* pkey_;  // EVP_PKEY*
  std::string key_id_;
  int bits_ = 0;
};

// The compact JWS of payload (serialized compactly, member order kept).
result<std::string> sign_rs256(const json::value& payload, const rsa_signing_key& key);

}  // namespace fluxaws::jwt
