// jwt.hpp — compact JWS tokens signed with RS256: what Kubernetes ServiceAccount tokens
// are. Verification for STS AssumeRoleWithWebIdentity and the Pod Identity agent;
// signing for tests and tools (the private key is test material).
//
// Contract: decode() splits and parses without trusting anything; verify_rs256()
// checks the signature over "header.payload" with one public key. Neither throws;
// malformed input is an error naming what is wrong. Time claims are left to callers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace emu::jwt {

struct token {
  fluxaws::json::value header;
  fluxaws::json::value payload;
  std::string signing_input;  // "base64url(header).base64url(payload)"
  std::string signature;      // raw bytes

  std::string alg() const;
  std::string iss() const;
  std::string sub() const;
  std::vector<std::string> aud() const;  // "aud" as string or array
  std::optional<int64_t> exp() const;
  std::optional<int64_t> nbf() const;
  std::optional<int64_t> iat() const;
};

fluxaws::result<token> decode(std::string_view compact);

// An RSA (or any EVP) key parsed once from PEM.
class key {
 public:
  static fluxaws::result<std::shared_ptr<key>> public_from_pem(std::string_view pem);
  static fluxaws::result<std::shared_ptr<key>> private_from_pem(std::string_view pem);
  ~key();
  key(const key&) = delete;
  key& operator=(const key&) = delete;
  void* evp() const { return pkey_; }

 private:
  explicit key(void* p) : pkey_(p) {}
  void* pkey_;
};

bool verify_rs256(const token& t, const key& public_key);

// Signs payload with header {"alg":"RS256","typ":"JWT"[,"kid":kid]}.
fluxaws::result<std::string> sign_rs256(const fluxaws::json::value& payload, const key& private_key,
                                        std::string_view kid = {});

}  // namespace emu::jwt
