// tls_material.hpp — the stand-in's own certificate authority and serving certificate
// (ECDSA P-256, SHA-256), so clients can reach it over https: kubectl (client-go)
// sends a kubeconfig's bearer token only over TLS.
//
// Contract: make_tls_material() returns PEM text for a fresh CA (CA:TRUE, keyCertSign,
// valid from an hour ago for ten years) and a server certificate it signed for
// localhost, 127.0.0.1 and ::1. The CA key is not kept. The caller stores the PEMs in
// the state directory so a restarted stand-in keeps the same CA (clients holding the
// old kubeconfig keep trusting it).
#pragma once

#include <string>

#include "adapters/common/result.hpp"

namespace kstand {

struct tls_material {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

fluxaws::result<tls_material> make_tls_material();

}  // namespace kstand
