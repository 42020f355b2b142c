// fast_hmac.hpp — HMAC-SHA256 and SHA-256 for the request hot path.
//
// OpenSSL 3's one-shot HMAC()/EVP_Q_digest fetch the algorithm on every call; here the
// digest is fetched once and an HMAC key keeps its inner and outer pad states, so
// signing a string costs two context copies and two short digests. Results are raw
// 32-byte digests. Instances are immutable after construction and safe to share.
#pragma once

#include <array>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;

namespace emu {

using digest32 = std::array<unsigned char, 32>;

digest32 sha256_raw(std::string_view data);
std::string sha256_hex_fast(std::string_view data);
std::string hex_of(const digest32& d);

class hmac_sha256_key {
 public:
  explicit hmac_sha256_key(std::string_view key);
  ~hmac_sha256_key();
  hmac_sha256_key(const hmac_sha256_key&) = delete;
  hmac_sha256_key& operator=(const hmac_sha256_key&) = delete;

  digest32 sign(std::string_view message) const;

 private:
  EVP_MD_CTX* inner_;
  EVP_MD_CTX* outer_;
};

// One-shot convenience (key derivation).
digest32 hmac_sha256_raw(std::string_view key, std::string_view message);

}  // namespace emu
