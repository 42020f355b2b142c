#include "tests/emulator/tls_identity.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <set>

namespace emu {

using fluxaws::make_error;

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

pkey_ptr new_key() { return pkey_ptr(EVP_EC_gen("P-256")); }

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

x509_ptr new_cert(EVP_PKEY* key, const std::string& cn, long days) {
  x509_ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fluxaws-emulator"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return cert;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of_key(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

const std::vector<std::string>& common_regions() {
  static const std::vector<std::string> r = {"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1"};
  return r;
}

std::vector<std::string> aws_server_names(const std::vector<std::string>& regions) {
  std::set<std::string> all(regions.begin(), regions.end());
  all.insert(common_regions().begin(), common_regions().end());
  std::vector<std::string> names = {"localhost", "sts.amazonaws.com", "s3.amazonaws.com", "*.s3.amazonaws.com"};
  for (const auto& r : all) {
    for (const char* pattern :
         {"sts.%s.amazonaws.com", "sts-fips.%s.amazonaws.com", "sts.%s.api.aws", "api.ecr.%s.amazonaws.com",
          "ecr.%s.amazonaws.com", "ecr-fips.%s.amazonaws.com", "api.ecr-fips.%s.amazonaws.com", "ecr.%s.api.aws",
          "*.dkr.ecr.%s.amazonaws.com", "*.dkr.ecr-fips.%s.amazonaws.com", "*.dkr-ecr.%s.on.aws",
          "kms.%s.amazonaws.com", "kms-fips.%s.amazonaws.com", "kms.%s.api.aws", "s3.%s.amazonaws.com",
          "*.s3.%s.amazonaws.com", "s3.dualstack.%s.amazonaws.com", "*.s3.dualstack.%s.amazonaws.com",
          "s3-fips.%s.amazonaws.com", "*.s3-fips.%s.amazonaws.com"}) {
      std::string p = pattern;
      p.replace(p.find("%s"), 2, r);
      names.push_back(std::move(p));
    }
  }
  return names;
}

fluxaws::result<tls_identity> make_tls_identity(const std::vector<std::string>& dns_names,
                                                const std::vector<std::string>& ip_addresses) {
  auto ca_key = new_key();
  auto srv_key = new_key();
  if (!ca_key || !srv_key) return make_error("TlsSetup", "cannot generate a P-256 key");

  auto ca = new_cert(ca_key.get(), "fluxaws-emulator CA", 30);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  if (!add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
      !add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash"))
    return make_error("TlsSetup", "cannot build the CA certificate's extensions");
  if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) return make_error("TlsSetup", "cannot sign the CA certificate");

  auto srv = new_cert(srv_key.get(), "fluxaws-emulator", 30);
  X509_set_issuer_name(srv.get(), X509_get_subject_name(ca.get()));
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + d;
  for (const auto& ip : ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
  if (!add_ext(srv.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_ext(srv.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment") ||
      !add_ext(srv.get(), ca.get(), NID_ext_key_usage, "serverAuth") ||
      !add_ext(srv.get(), ca.get(), NID_authority_key_identifier, "keyid:always") ||
      !add_ext(srv.get(), ca.get(), NID_subject_alt_name, san))
    return make_error("TlsSetup", "cannot build the server certificate's extensions");
  if (X509_sign(srv.get(), ca_key.get(), EVP_sha256()) == 0)
    return make_error("TlsSetup", "cannot sign the server certificate");

  tls_identity out;
  out.ca_cert_pem = pem_of(ca.get());
  out.server_cert_pem = pem_of(srv.get());
  out.server_key_pem = pem_of_key(srv_key.get());
  return out;
}

}  // namespace emu
