// The world the credential plane's integration tests run in: fluxaws-emulator (started
// once for the test binary, stopped at exit) with a generated world of 1,000 tenants —
// role tenant-NNNN trusting only ServiceAccount tenant-NNNN/flux through the OIDC
// provider whose key signs the local ServiceAccount tokens — plus a role whose
// credentials live 60 seconds. Also the HTTP client settings from the emulator's
// fluxaws.yaml (connect-to rules, CA) and its call counters.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/http/options.hpp"

namespace fluxaws::itest {

inline constexpr int tenants = 1000;
inline constexpr const char* account = "111122223333";
inline constexpr const char* issuer = "https://oidc.credentials.test";

std::string tenant(int i);               // "tenant-0042"
std::string tenant_role(int i);          // arn:aws:iam::111122223333:role/tenant-0042
std::string short_lived_role();          // credentials living 60 s, trusting short/flux
std::string signing_key_file();          // the OIDC provider's private key (in the source tree)

struct emulated_world {
  static emulated_world& get();  // starts the emulator on first use
  unsigned short port() const;
  http::client_options client_options() const;
  // GET /_emulator/calls as parsed JSON, POST /_emulator/calls/reset.
  json::value calls() const;
  void reset_calls() const;
  // Sum of counts of entries matching service/operation (and principal / status when given).
  long count(const std::string& service, const std::string& operation, const std::string& principal = "",
             int status = 0) const;
  // Sum over entries whose principal contains `part` and whose status is 200.
  long successes_as(const std::string& part) const;

 private:
  emulated_world();
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace fluxaws::itest
