#include "adapters/sops/value_cipher.hpp"

#include <openssl/evp.h>
#include <re2/re2.h>

#include <memory>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/sops/scalars.hpp"

namespace fluxaws::sops {

namespace {

constexpr std::size_t kTagSize = 16;
constexpr std::size_t kNonceSize = 32;
const char* const kCode = "sops_value";     // a malformed ENC value
const char* const kAuth = "sops_auth";      // GCM authentication failed
const char* const kCrypto = "sops_crypto";  // OpenSSL itself failed

const RE2& enc_regex() {
  // aes/cipher.go: the end is not anchored; groups are greedy, as in Go.
  static const RE2 re(R"(^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\])");
  return re;
}

struct ctx_deleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_deleter>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

error_info key_size_error(std::size_t n) {
  return make_error("sops_wrong_key", "data key is " + std::to_string(n) + " bytes, AES-256 needs 32");
}

}  // namespace

bool is_enc_value(std::string_view s) { return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), enc_regex()); }

result<enc_parts> parse_enc(std::string_view s) {
  std::string data, iv, tag, type;
  if (!RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), enc_regex(), &data, &iv, &tag, &type))
    return make_error(kCode, "not a SOPS encrypted value (expected ENC[AES256_GCM,data:…,iv:…,tag:…,type:…])");
  enc_parts out;
  auto d = enc::unbase64(data);
  if (!d) return make_error(kCode, "bad base64 in the data field of the ENC value");
  auto i = enc::unbase64(iv);
  if (!i) return make_error(kCode, "bad base64 in the iv field of the ENC value");
  auto t = enc::unbase64(tag);
  if (!t) return make_error(kCode, "bad base64 in the tag field of the ENC value");
  out.data = std::move(*d);
  out.iv = std::move(*i);
  out.tag = std::move(*t);
  out.type = std::move(type);
  return out;
}

result<std::string> decrypt_bytes(const enc_parts& v, std::string_view key, std::string_view aad) {
  if (key.size() != 32) return key_size_error(key.size());
  if (v.iv.empty()) return make_error(kCode, "the iv of the ENC value is empty");
  // Go's gcm.Open sees data||tag and takes the last 16 bytes as the tag.
  std::string sealed = v.data + v.tag;
  if (sealed.size() < kTagSize) return make_error(kCode, "the ENC value is truncated (shorter than a GCM tag)");
  std::string_view ct(sealed.data(), sealed.size() - kTagSize);
  std::string_view tag(sealed.data() + ct.size(), kTagSize);

  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return make_error(kCrypto, "OpenSSL could not allocate a cipher context");
  int len = 0;
  std::string out(ct.size() + 16, '\0');
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(v.iv.size()), nullptr) == 1 &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(v.iv)) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  if (!ok) return make_error(kCrypto, "OpenSSL rejected the GCM parameters");
  int total = 0;
  if (EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes(ct),
                        static_cast<int>(ct.size())) != 1)
    return make_error(kCrypto, "OpenSSL failed to decrypt");
  total = len;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<char*>(tag.data())) != 1)
    return make_error(kCrypto, "OpenSSL rejected the GCM tag");
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + total, &len) != 1) {
    OPENSSL_cleanse(out.data(), out.size());
    std::string why = "authentication failed (GCM tag mismatch: wrong data key or modified value)";
    if (v.tag.size() != kTagSize)
      why = "authentication failed: the tag is " + std::to_string(v.tag.size()) + " bytes instead of 16 (truncated?)";
    return make_error(kAuth, why);
  }
  total += len;
  out.resize(static_cast<std::size_t>(total));
  return out;
}

result<node> decrypt_value(std::string_view enc, std::string_view key, std::string_view aad) {
  if (enc.empty()) return node::make_string("");
  auto parts = parse_enc(enc);
  if (!parts) return parts.error();
  auto plain = decrypt_bytes(*parts, key, aad);
  if (!plain) return plain.error();
  node n;
  const std::string& t = parts->type;
  if (t == "str") {
    n.kind = node_kind::string;
  } else if (t == "bytes") {
    n.kind = node_kind::bytes;
  } else if (t == "comment") {
    n.kind = node_kind::comment;
  } else if (t == "int") {
    auto i = gofmt::parse_atoi(*plain);
    if (!i) return make_error(kCode, "the decrypted value of type int is not an integer");
    n.kind = node_kind::integer;
    n.integer = *i;
  } else if (t == "float") {
    auto f = gofmt::parse_float(*plain);
    if (!f) return make_error(kCode, "the decrypted value of type float is not a number");
    n.kind = node_kind::floating;
    n.floating = *f;
  } else if (t == "bool") {
    auto b = gofmt::parse_bool(*plain);
    if (!b) return make_error(kCode, "the decrypted value of type bool is not a boolean");
    n.kind = node_kind::boolean;
    n.boolean = *b;
  } else if (t == "time") {
    if (!gofmt::parse_rfc3339(*plain)) return make_error(kCode, "the decrypted value of type time is not RFC 3339");
    n.kind = node_kind::time;
  } else {
    std::string shown = t.substr(0, 24);
    return make_error(kCode, "unknown value type \"" + shown + "\" in the ENC value");
  }
  if (n.kind == node_kind::string || n.kind == node_kind::bytes || n.kind == node_kind::comment ||
      n.kind == node_kind::time)
    n.text = std::move(*plain);
  else
    OPENSSL_cleanse(plain->data(), plain->size());
  return n;
}

result<std::string> encrypt_bytes(std::string_view plaintext, std::string_view type, std::string_view key,
                                  std::string_view aad, std::string_view iv) {
  if (key.size() != 32) return key_size_error(key.size());
  if (iv.empty()) return make_error("sops_encrypt", "empty IV");
  ctx_ptr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return make_error("sops_encrypt", "OpenSSL could not allocate a cipher context");
  int len = 0;
  std::string ct(plaintext.size() + 16, '\0');
  std::string tag(kTagSize, '\0');
  bool ok = EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) == 1 &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes(key), bytes(iv)) == 1 &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes(aad), static_cast<int>(aad.size())) == 1;
  int total = 0;
  ok = ok && EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()), &len, bytes(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(ct.data()) + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), tag.data()) == 1;
  if (!ok) return make_error("sops_encrypt", "OpenSSL failed to encrypt");
  ct.resize(static_cast<std::size_t>(total));
  std::string out = "ENC[AES256_GCM,data:";
  out += enc::base64(ct);
  out += ",iv:";
  out += enc::base64(iv);
  out += ",tag:";
  out += enc::base64(tag);
  out += ",type:";
  out += type;
  out += "]";
  return out;
}

result<std::string> encrypt_value(const node& scalar, std::string_view key, std::string_view aad) {
  if (!scalar.is_scalar() || scalar.kind == node_kind::null)
    return make_error("sops_encrypt", "only scalars and comments can be encrypted");
  std::string plain = mac_bytes(scalar);
  if (plain.empty() && (scalar.kind == node_kind::string || scalar.kind == node_kind::bytes ||
                        scalar.kind == node_kind::comment))
    return std::string();
  std::string iv = digest::random_bytes(kNonceSize);
  auto out = encrypt_bytes(plain, enc_type_name(scalar), key, aad, iv);
  OPENSSL_cleanse(plain.data(), plain.size());
  return out;
}

}  // namespace fluxaws::sops
