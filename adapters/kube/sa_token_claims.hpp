// The claims kube-apiserver puts in a ServiceAccount token issued by the TokenRequest
// API without a bound object (what Flux asks for), so that a token signed locally is
// indistinguishable in shape from one the API server issues:
//
//   {"aud":["sts.amazonaws.com"],"exp":…,"iat":…,"iss":"https://…","jti":"<uuid>",
//    "kubernetes.io":{"namespace":"<ns>","serviceaccount":{"name":"<name>","uid":"<uid>"}},
//    "nbf":…,"sub":"system:serviceaccount:<ns>:<name>"}
//
// Members are in the API server's (Go map, hence sorted) order; times are whole Unix
// seconds; nbf equals iat. Pure: the caller supplies the time, the jti and the uid.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::kube {

struct sa_token_claims_input {
  std::string issuer;
  std::string ns;
  std::string name;
  std::string uid;
  std::vector<std::string> audiences;
  std::chrono::system_clock::time_point issued_at;
  std::chrono::seconds lifetime{3600};
  std::string jti;
};

json::value service_account_token_claims(const sa_token_claims_input& in);

// Checks a request the way the API server would before issuing: a DNS-label
// namespace, a DNS-subdomain name, at least one non-empty audience. The message
// names the ServiceAccount.
status check_sa_token_request(const std::string& ns, const std::string& name, const std::vector<std::string>& audiences);

// A random RFC 4122 version-4 UUID (the jti of every token).
std::string random_uuid();
// A stable version-5-style UUID for a name (the uid of a ServiceAccount whose manifest
// carries none, so that repeated tokens for it agree).
std::string name_uuid(const std::string& name);

}  // namespace fluxaws::kube
