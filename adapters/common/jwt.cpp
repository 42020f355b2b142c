#include "adapters/common/jwt.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::jwt {

namespace {

EVP_PKEY* as_pkey(void* p) { return static_cast<EVP_PKEY*>(p); }

// Refuses to prompt: an encrypted key fails to load instead of reading a terminal.
int no_passphrase(char*, int, int, void*) { return 0; }

}  // namespace

rsa_signing_key::~rsa_signing_key() { EVP_PKEY_free(as_pkey(pkey_)); }

result<std::shared_ptr<const rsa_signing_key>> rsa_signing_key::from_pem(std::string_view pem) {
  if (pem.find("ENCRYPTED") != std::string_view::npos)
    return make_error("InvalidKey", "the private key is encrypted; give an unencrypted PEM RSA private key");
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio) return make_error("InvalidKey", "cannot read the private key (out of memory)");
  EVP_PKEY* pk = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  ERR_clear_error();
  if (!pk)
    return make_error("InvalidKey",
                      "not a PEM private key (expected -----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----)");
  std::shared_ptr<rsa_signing_key> key(new rsa_signing_key(pk));
  if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) return make_error("InvalidKey", "the private key is not an RSA key (RS256 needs RSA)");
  key->bits_ = EVP_PKEY_get_bits(pk);
  if (key->bits_ < 2048)
    return make_error("InvalidKey", "the RSA key has " + std::to_string(key->bits_) + " bits; at least 2048 are required");
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pk, &der);
  if (len <= 0) {
    ERR_clear_error();
    return make_error("InvalidKey", "cannot encode the public key");
  }
  key->key_id_ = enc::base64url(digest::sha256(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len))));
  OPENSSL_free(der);
  return std::shared_ptr<const rsa_signing_key>(std::move(key));
}

std::string rsa_signing_key::public_key_pem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (!bio) return {};
  std::string out;
  if (PEM_write_bio_PUBKEY(bio, as_pkey(pkey_)) == 1) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    if (n > 0) out.assign(data, static_cast<std::size_t>(n));
  }
  BIO_free(bio);
  return out;
}

result<std::string> rsa_signing_key::sign(std::string_view data) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (!ctx) return make_error("sign", "RS256 signing failed (out of memory)");
  std::size_t len = 0;
  std::string sig;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, as_pkey(pkey_)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    ERR_clear_error();
    return make_error("sign", "RS256 signing failed");
  }
  return sig;
}

result<std::string> sign_rs256(const json::value& payload, const rsa_signing_key& key) {
  json::value header = json::value::make_object();
  header.set("alg", "RS256");
  header.set("kid", key.key_id());
  std::string input = enc::base64url(json::dump(header)) + "." + enc::base64url(json::dump(payload));
  auto sig = key.sign(input);
  if (!sig) return sig.error();
  input += ".";
  input += enc::base64url(*sig);
  return input;
}

}  // namespace fluxaws::jwt
