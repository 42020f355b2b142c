#include "adapters/common/digest_prefetched.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::digest::prefetched {

namespace {

constexpr std::size_t kSha256Size = 32;

// Fetched on first use, kept for the life of the process (freeing them at exit would
// race OpenSSL's own atexit cleanup for no benefit).
EVP_MD* sha256_algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

struct thread_contexts {
  EVP_MD_CTX* md = nullptr;
  EVP_MAC_CTX* mac = nullptr;
  ~thread_contexts() {
    EVP_MD_CTX_free(md);
    EVP_MAC_CTX_free(mac);
  }
};
thread_local thread_contexts tls;

EVP_MD_CTX* md_context() {
  if (!tls.md) tls.md = EVP_MD_CTX_new();
  return tls.md;
}

// An HMAC context with its digest (SHA-256) set once; keyed per call.
EVP_MAC_CTX* mac_context() {
  if (tls.mac) return tls.mac;
  EVP_MAC* mac = hmac_algorithm();
  if (!mac) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  if (!ctx) return nullptr;
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                               OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(ctx, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  tls.mac = ctx;
  return ctx;
}

bool sha256_into(std::string_view data, unsigned char* out) {
  EVP_MD* md = sha256_algorithm();
  EVP_MD_CTX* ctx = md ? md_context() : nullptr;
  unsigned int len = 0;
  return ctx && EVP_DigestInit_ex(ctx, md, nullptr) == 1 && EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
         EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == kSha256Size;
}

}  // namespace

std::string sha256(std::string_view data) {
  unsigned char out[kSha256Size];
  if (!sha256_into(data, out)) return digest::sha256(data);
  return std::string(reinterpret_cast<const char*>(out), kSha256Size);
}

std::string sha256_hex(std::string_view data) {
  unsigned char out[kSha256Size];
  if (!sha256_into(data, out)) return digest::sha256_hex(data);
  return enc::hex(std::string_view(reinterpret_cast<const char*>(out), kSha256Size));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  // An empty key would mean "reuse the previous key" to EVP_MAC_init.
  EVP_MAC_CTX* ctx = key.empty() ? nullptr : mac_context();
  unsigned char out[kSha256Size];
  std::size_t len = 0;
  if (!ctx ||
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(ctx, out, &len, sizeof out) != 1 || len != kSha256Size)
    return digest::hmac_sha256(key, data);
  return std::string(reinterpret_cast<const char*>(out), kSha256Size);
}

}  // namespace fluxaws::digest::prefetched
