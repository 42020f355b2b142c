#include "tests/emulator/kms_blob.hpp"

#include <openssl/evp.h>

#include "adapters/common/digest.hpp"

namespace emu::kms_blob {

using fluxaws::make_error;

namespace {

constexpr std::string_view kMagic = "FXK1";
constexpr std::size_t kNonce = 12, kTag = 16;

void put_u32(std::string& out, std::size_t n) {
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((n >> s) & 0xff));
}

std::string aad_of(std::string_view key_arn, const encryption_context& ctx) {
  std::string aad(kMagic);
  put_u32(aad, key_arn.size());
  aad.append(key_arn);
  for (const auto& [k, v] : ctx) {  // std::map: sorted by key
    put_u32(aad, k.size());
    aad.append(k);
    put_u32(aad, v.size());
    aad.append(v);
  }
  return aad;
}

fluxaws::error_info invalid() { return make_error("InvalidCiphertextException", ""); }

}  // namespace

std::string seal(std::string_view material, std::string_view key_arn, std::string_view plaintext,
                 const encryption_context& ctx) {
  std::string nonce = fluxaws::digest::random_bytes(kNonce);
  std::string aad = aad_of(key_arn, ctx);
  std::string ct(plaintext.size(), '\0');
  unsigned char tag[kTag];
  int len = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr);
  EVP_EncryptInit_ex(c, nullptr, nullptr, reinterpret_cast<const unsigned char*>(material.data()),
                     reinterpret_cast<const unsigned char*>(nonce.data()));
  EVP_EncryptUpdate(c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size()));
  if (!plaintext.empty())
    EVP_EncryptUpdate(c, reinterpret_cast<unsigned char*>(ct.data()), &len,
                      reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(c, nullptr, &len);
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, kTag, tag);
  EVP_CIPHER_CTX_free(c);

  std::string blob(kMagic);
  blob.push_back(static_cast<char>((key_arn.size() >> 8) & 0xff));
  blob.push_back(static_cast<char>(key_arn.size() & 0xff));
  blob.append(key_arn);
  blob.append(nonce);
  blob.append(reinterpret_cast<const char*>(tag), kTag);
  blob.append(ct);
  return blob;
}

fluxaws::result<std::string> key_arn_of(std::string_view blob) {
  if (blob.size() < kMagic.size() + 2 || blob.substr(0, kMagic.size()) != kMagic) return invalid();
  std::size_t n = (static_cast<unsigned char>(blob[4]) << 8) | static_cast<unsigned char>(blob[5]);
  if (n == 0 || blob.size() < 6 + n + kNonce + kTag) return invalid();
  return std::string(blob.substr(6, n));
}

fluxaws::result<std::string> open(std::string_view material, std::string_view blob, const encryption_context& ctx) {
  auto arn = key_arn_of(blob);
  if (!arn) return arn.error();
  std::size_t off = 6 + arn->size();
  auto nonce = blob.substr(off, kNonce);
  auto tag = blob.substr(off + kNonce, kTag);
  auto ct = blob.substr(off + kNonce + kTag);
  std::string aad = aad_of(*arn, ctx);
  std::string pt(ct.size(), '\0');
  int len = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), nullptr, nullptr, nullptr);
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr);
  EVP_DecryptInit_ex(c, nullptr, nullptr, reinterpret_cast<const unsigned char*>(material.data()),
                     reinterpret_cast<const unsigned char*>(nonce.data()));
  EVP_DecryptUpdate(c, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()), static_cast<int>(aad.size()));
  if (!ct.empty())
    EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(pt.data()), &len,
                      reinterpret_cast<const unsigned char*>(ct.data()), static_cast<int>(ct.size()));
  EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, kTag, const_cast<char*>(tag.data()));
  bool ok = EVP_DecryptFinal_ex(c, nullptr, &len) == 1;
  EVP_CIPHER_CTX_free(c);
  if (!ok) return invalid();
  return pt;
}

}  // namespace emu::kms_blob
