// Test-only TLS material: a fresh CA and a server certificate signed by it, generated
// with OpenSSL's C API into a private temporary directory that the destructor removes.
// The server certificate names localhost, 127.0.0.1 and the DNS names given.
#pragma once

#include <string>
#include <vector>

namespace fluxaws::http::testing {

class tls_material {
 public:
  explicit tls_material(const std::vector<std::string>& dns_names);
  ~tls_material();
  tls_material(const tls_material&) = delete;
  tls_material& operator=(const tls_material&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& ca_file() const { return ca_file_; }        // the CA certificate
  const std::string& cert_file() const { return cert_file_; }    // server certificate
  const std::string& key_file() const { return key_file_; }      // server private key

 private:
  std::string dir_, ca_file_, cert_file_, key_file_;
};

}  // namespace fluxaws::http::testing
