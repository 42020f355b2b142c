#include "tests/kube-standin/token_signer.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

namespace {

EVP_PKEY* pk(void* p) { return static_cast<EVP_PKEY*>(p); }

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string bn_param(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1 || !bn) return {};
  std::string out(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

}  // namespace

token_signer::token_signer(void* pkey) : pkey_(pkey) {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(pk(pkey_), &der);
  if (n > 0) {
    kid_ = fluxaws::enc::base64url(fluxaws::digest::sha256(std::string_view(reinterpret_cast<char*>(der), static_cast<std::size_t>(n))));
    OPENSSL_free(der);
  }
}

token_signer::~token_signer() { EVP_PKEY_free(pk(pkey_)); }

fluxaws::result<std::shared_ptr<token_signer>> token_signer::from_pem(std::string_view private_pem) {
  BIO* b = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  if (!b) return make_error("internal", "cannot allocate a BIO");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  if (!key) return make_error("InvalidKey", "the signing key is not a PEM private key");
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    EVP_PKEY_free(key);
    return make_error("InvalidKey", "the signing key is not an RSA key (RS256 needs one)");
  }
  return std::shared_ptr<token_signer>(new token_signer(key));
}

fluxaws::result<std::shared_ptr<token_signer>> token_signer::generate() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (!key) return make_error("internal", "RSA key generation failed");
  return std::shared_ptr<token_signer>(new token_signer(key));
}

std::string token_signer::private_pem() const {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, pk(pkey_), nullptr, nullptr, 0, nullptr, nullptr);
  std::string out = bio_string(b);
  BIO_free(b);
  return out;
}

std::string token_signer::public_pem() const {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(b, pk(pkey_));
  std::string out = bio_string(b);
  BIO_free(b);
  return out;
}

value token_signer::jwks() const {
  value k = value::make_object();
  k.set("use", "sig");
  k.set("kty", "RSA");
  k.set("kid", kid_);
  k.set("alg", "RS256");
  k.set("n", fluxaws::enc::base64url(bn_param(pk(pkey_), OSSL_PKEY_PARAM_RSA_N)));
  k.set("e", fluxaws::enc::base64url(bn_param(pk(pkey_), OSSL_PKEY_PARAM_RSA_E)));
  value keys = value::make_array();
  keys.push_back(std::move(k));
  value out = value::make_object();
  out.set("keys", std::move(keys));
  return out;
}

fluxaws::result<std::string> token_signer::sign(const value& claims) const {
  value header = value::make_object();
  header.set("alg", "RS256");
  header.set("kid", kid_);
  std::string input = fluxaws::enc::base64url(fluxaws::json::dump(header)) + "." +
                      fluxaws::enc::base64url(fluxaws::json::dump(claims));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string sig;
  bool ok = ctx && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, pk(pkey_)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("internal", "RS256 signing failed");
  return input + "." + fluxaws::enc::base64url(sig);
}

fluxaws::result<value> token_signer::verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  auto d1 = token.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return make_error("InvalidToken", "not a JWT");
  auto header_raw = fluxaws::enc::unbase64url(token.substr(0, d1));
  auto claims_raw = fluxaws::enc::unbase64url(token.substr(d1 + 1, d2 - d1 - 1));
  auto sig = fluxaws::enc::unbase64url(token.substr(d2 + 1));
  if (!header_raw || !claims_raw || !sig) return make_error("InvalidToken", "bad base64url");
  auto header = fluxaws::json::parse(*header_raw);
  auto claims = fluxaws::json::parse(*claims_raw);
  if (!header || !claims || !claims->is_object()) return make_error("InvalidToken", "bad JSON");
  if (!header->find("alg") || header->find("alg")->as_string() != "RS256")
    return make_error("InvalidToken", "not RS256");
  std::string_view input = token.substr(0, d2);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pk(pkey_)) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("InvalidToken", "bad signature");
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const value* exp = claims->find("exp");
  if (!exp || exp->as_int() <= now_s) return make_error("InvalidToken", "expired");
  return std::move(claims.value());
}

value service_account_claims(std::string_view issuer, const service_account_ref& sa,
                             const std::vector<std::string>& audiences, std::chrono::system_clock::time_point now,
                             std::chrono::seconds lifetime, std::string_view jti) {
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  value c = value::make_object();
  value aud = value::make_array();
  for (const auto& a : audiences) aud.push_back(a);
  c.set("aud", std::move(aud));
  c.set("exp", static_cast<int64_t>(now_s + lifetime.count()));
  c.set("iat", static_cast<int64_t>(now_s));
  c.set("iss", std::string(issuer));
  c.set("jti", std::string(jti));
  value svc = value::make_object();
  svc.set("name", sa.name);
  svc.set("uid", sa.uid);
  value kube = value::make_object();
  kube.set("namespace", sa.ns);
  kube.set("serviceaccount", std::move(svc));
  c.set("kubernetes.io", std::move(kube));
  c.set("nbf", static_cast<int64_t>(now_s));
  c.set("sub", "system:serviceaccount:" + sa.ns + ":" + sa.name);
  return c;
}

}  // namespace kstand
