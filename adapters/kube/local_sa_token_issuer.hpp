// Local mode's ServiceAccount token issuer: answers sa_token_request (sa_tokens.hpp)
// with a token it signs itself, RS256, with the issuer URL and private key named in
// fluxaws's config — the claims kube-apiserver's TokenRequest would give
// (sa_token_claims.hpp), so STS federation trusts it exactly as it would trust the
// cluster's. Cluster mode uses the TokenRequest API instead; both implement
// kube::sa_token_actor.
//
// Contract:
//  - spawn_local_sa_token_issuer() reads and checks the key once, before spawning: a
//    missing or unreadable file, a non-RSA, encrypted or short key, or an issuer URL
//    that is not https:// is an error naming the file or the setting (never key bytes).
//  - Every request is answered (ok, or an error naming the ServiceAccount); the token
//    lives request.lifetime clamped to [min_lifetime, max_lifetime] (the API server's
//    10-minute minimum); expires_at is the token's exp.
//  - Signing is CPU work of about a millisecond; the actor does no I/O after spawning.
//    Tokens are secrets: nothing here logs them.
#pragma once

#include <caf/actor_system.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "adapters/common/result.hpp"
#include "adapters/kube/sa_tokens.hpp"

namespace fluxaws::kube {

struct local_sa_token_options {
  // The ServiceAccount's metadata.uid for the kubernetes.io claim; empty answer (or no
  // function) gives a stable name-derived UUID.
  std::function<std::string(const std::string& ns, const std::string& name)> uid_of;
  std::function<std::chrono::system_clock::time_point()> clock;  // empty: system_clock::now
  std::chrono::seconds min_lifetime{600};
  std::chrono::seconds max_lifetime{48 * 3600};
};

result<sa_token_actor> spawn_local_sa_token_issuer(caf::actor_system& sys, const std::string& issuer_url,
                                                   const std::string& private_key_pem_path,
                                                   local_sa_token_options opts = {});

}  // namespace fluxaws::kube
