#include "tests/emulator/fast_hmac.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <stdexcept>

namespace emu {

namespace {

const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A per-thread scratch context, reused for every digest on that thread.
EVP_MD_CTX* scratch() {
  struct holder {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~holder() { EVP_MD_CTX_free(ctx); }
  };
  thread_local holder h;
  return h.ctx;
}

}  // namespace

digest32 sha256_raw(std::string_view data) {
  digest32 out{};
  EVP_MD_CTX* c = scratch();
  unsigned int n = 0;
  if (EVP_DigestInit_ex2(c, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(c, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(c, out.data(), &n) != 1)
    throw std::runtime_error("sha256 failed");
  return out;
}

std::string hex_of(const digest32& d) {
  static const char digits[] = "0123456789abcdef";
  std::string s(64, '0');
  for (std::size_t i = 0; i < 32; ++i) {
    s[2 * i] = digits[d[i] >> 4];
    s[2 * i + 1] = digits[d[i] & 15];
  }
  return s;
}

std::string sha256_hex_fast(std::string_view data) { return hex_of(sha256_raw(data)); }

hmac_sha256_key::hmac_sha256_key(std::string_view key) : inner_(EVP_MD_CTX_new()), outer_(EVP_MD_CTX_new()) {
  unsigned char block[64] = {0};
  if (key.size() > 64) {
    auto k = sha256_raw(key);
    std::memcpy(block, k.data(), k.size());
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[64], opad[64];
  for (int i = 0; i < 64; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  if (EVP_DigestInit_ex2(inner_, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(inner_, ipad, 64) != 1 ||
      EVP_DigestInit_ex2(outer_, sha256_md(), nullptr) != 1 || EVP_DigestUpdate(outer_, opad, 64) != 1)
    throw std::runtime_error("hmac init failed");
}

hmac_sha256_key::~hmac_sha256_key() {
  EVP_MD_CTX_free(inner_);
  EVP_MD_CTX_free(outer_);
}

digest32 hmac_sha256_key::sign(std::string_view message) const {
  digest32 inner{}, out{};
  unsigned int n = 0;
  EVP_MD_CTX* c = scratch();
  if (EVP_MD_CTX_copy_ex(c, inner_) != 1 || EVP_DigestUpdate(c, message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(c, inner.data(), &n) != 1 || EVP_MD_CTX_copy_ex(c, outer_) != 1 ||
      EVP_DigestUpdate(c, inner.data(), inner.size()) != 1 || EVP_DigestFinal_ex(c, out.data(), &n) != 1)
    throw std::runtime_error("hmac failed");
  return out;
}

digest32 hmac_sha256_raw(std::string_view key, std::string_view message) {
  return hmac_sha256_key(key).sign(message);
}

}  // namespace emu
