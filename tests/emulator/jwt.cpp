#include "tests/emulator/jwt.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "adapters/common/encoding.hpp"

namespace emu::jwt {

namespace json = fluxaws::json;
using fluxaws::make_error;

namespace {

std::optional<int64_t> int_claim(const json::value& p, std::string_view name) {
  const auto* v = p.find(name);
  if (!v || !v->is_number()) return std::nullopt;
  return static_cast<int64_t>(v->as_double());
}

EVP_PKEY* as_pkey(const key& k) { return static_cast<EVP_PKEY*>(k.evp()); }

}  // namespace

std::string token::alg() const { return header.find("alg") ? header.find("alg")->as_string() : std::string(); }
std::string token::iss() const { return payload.find("iss") ? payload.find("iss")->as_string() : std::string(); }
std::string token::sub() const { return payload.find("sub") ? payload.find("sub")->as_string() : std::string(); }

std::vector<std::string> token::aud() const {
  std::vector<std::string> out;
  const auto* a = payload.find("aud");
  if (!a) return out;
  if (a->is_string()) out.push_back(a->as_string());
  for (const auto& e : a->as_array())
    if (e.is_string()) out.push_back(e.as_string());
  return out;
}

std::optional<int64_t> token::exp() const { return int_claim(payload, "exp"); }
std::optional<int64_t> token::nbf() const { return int_claim(payload, "nbf"); }
std::optional<int64_t> token::iat() const { return int_claim(payload, "iat"); }

fluxaws::result<token> decode(std::string_view compact) {
  if (compact.size() > 16384) return make_error("InvalidIdentityToken", "the token is longer than 16 KiB");
  auto d1 = compact.find('.');
  auto d2 = d1 == std::string_view::npos ? d1 : compact.find('.', d1 + 1);
  if (d1 == std::string_view::npos || d2 == std::string_view::npos || compact.find('.', d2 + 1) != std::string_view::npos)
    return make_error("InvalidIdentityToken", "the token is not a JWT (three dot-separated parts)");
  auto h = fluxaws::enc::unbase64url(compact.substr(0, d1));
  auto p = fluxaws::enc::unbase64url(compact.substr(d1 + 1, d2 - d1 - 1));
  auto s = fluxaws::enc::unbase64url(compact.substr(d2 + 1));
  if (!h || !p || !s) return make_error("InvalidIdentityToken", "the token has a part that is not base64url");
  token t;
  auto hj = json::parse(*h);
  auto pj = json::parse(*p);
  if (!hj || !hj->is_object()) return make_error("InvalidIdentityToken", "the token header is not a JSON object");
  if (!pj || !pj->is_object()) return make_error("InvalidIdentityToken", "the token payload is not a JSON object");
  t.header = std::move(*hj);
  t.payload = std::move(*pj);
  t.signing_input = std::string(compact.substr(0, d2));
  t.signature = std::move(*s);
  return t;
}

key::~key() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

fluxaws::result<std::shared_ptr<key>> key::public_from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pk = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pk) return make_error("InvalidKey", "not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  return std::shared_ptr<key>(new key(pk));
}

fluxaws::result<std::shared_ptr<key>> key::private_from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pk = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pk) return make_error("InvalidKey", "not a PEM private key");
  return std::shared_ptr<key>(new key(pk));
}

bool verify_rs256(const token& t, const key& public_key) {
  if (t.alg() != "RS256") return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, as_pkey(public_key)) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(t.signature.data()), t.signature.size(),
                             reinterpret_cast<const unsigned char*>(t.signing_input.data()),
                             t.signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

fluxaws::result<std::string> sign_rs256(const json::value& payload, const key& private_key, std::string_view kid) {
  json::value header = json::value::make_object();
  header.set("alg", "RS256");
  header.set("typ", "JWT");
  if (!kid.empty()) header.set("kid", std::string(kid));
  std::string input = fluxaws::enc::base64url(json::dump(header)) + "." + fluxaws::enc::base64url(json::dump(payload));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::size_t len = 0;
  std::string sig;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, as_pkey(private_key)) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return make_error("SigningFailed", "RS256 signing failed (is the key an RSA private key?)");
  return input + "." + fluxaws::enc::base64url(sig);
}

}  // namespace emu::jwt
