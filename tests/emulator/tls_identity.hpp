// tls_identity.hpp — the emulator's certificate authority and server certificate,
// generated at start with OpenSSL's C API (ECDSA P-256, SHA-256).
//
// Contract: make_tls_identity() returns PEM text for a fresh CA (CA:TRUE, keyCertSign,
// valid from an hour ago for 30 days) and a server certificate it signed whose SANs are
// the DNS names and IP addresses given (wildcards as "*.s3.us-east-1.amazonaws.com").
// Only the CA certificate is meant to leave the process (DIR/ca.pem); the keys stay in
// memory. aws_server_names() lists the names the emulator answers for in the regions
// given (every regional STS/ECR/KMS/S3 name, the registry and bucket wildcards, FIPS and
// dual-stack variants), plus localhost.
#pragma once

#include <string>
#include <vector>

#include "adapters/common/result.hpp"

namespace emu {

struct tls_identity {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

fluxaws::result<tls_identity> make_tls_identity(const std::vector<std::string>& dns_names,
                                                const std::vector<std::string>& ip_addresses);

std::vector<std::string> aws_server_names(const std::vector<std::string>& regions);

// Regions always in the certificate besides the world's (SDK defaults, common choices).
const std::vector<std::string>& common_regions();

}  // namespace emu
