#include "tls_material.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace fluxaws::http::testing {

namespace {

struct pkey_free { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct x509_free { void operator()(X509* p) const { X509_free(p); } };
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("tls_material: ") + what + " failed");
}

pkey_ptr make_key() {
  pkey_ptr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for key named cn, issued by issuer (self-signed when null); sign it after
// adding extensions.
x509_ptr make_cert(EVP_PKEY* key, const std::string& cn, X509* issuer, long serial) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("fluxaws tests"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "fopen");
  bool ok = cert != nullptr ? PEM_write_X509(f, cert) == 1
                            : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr,
                                                   nullptr) == 1;
  std::fclose(f);
  check(ok, "PEM_write");
}

}  // namespace

tls_material::tls_material(const std::vector<std::string>& dns_names) {
  auto base = std::filesystem::temp_directory_path() / "fluxaws-http-tls-XXXXXX";
  std::string tmpl = base.string();
  check(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;
  ca_file_ = dir_ + "/ca.pem";
  cert_file_ = dir_ + "/server.pem";
  key_file_ = dir_ + "/server-key.pem";

  auto ca_key = make_key();
  auto ca = make_cert(ca_key.get(), "fluxaws test CA", nullptr, 1);
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign(ca)");

  auto key = make_key();
  auto cert = make_cert(key.get(), "localhost", ca.get(), 2);
  std::string san = "DNS:localhost,IP:127.0.0.1";
  for (const auto& n : dns_names) san += ",DNS:" + n;
  add_ext(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(cert.get(), ca.get(), NID_subject_alt_name, san);
  add_ext(cert.get(), ca.get(), NID_authority_key_identifier, "keyid");
  check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "X509_sign(server)");

  write_pem(ca_file_, ca.get(), nullptr);
  write_pem(cert_file_, cert.get(), nullptr);
  write_pem(key_file_, nullptr, key.get());
}

tls_material::~tls_material() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace fluxaws::http::testing
