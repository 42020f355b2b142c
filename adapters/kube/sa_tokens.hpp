// ServiceAccount tokens for OIDC federation: one interface, two implementations.
// In cluster mode the Kubernetes TokenRequest API issues them; in local mode
// fluxaws signs them itself (RS256) with the issuer and key named in its config,
// with exactly the claims the API server would put in: iss, sub
// (system:serviceaccount:<ns>:<name>), aud, exp, iat, nbf, and the kubernetes.io claims.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <string>

#include "adapters/common/result.hpp"

namespace fluxaws::kube {

using sa_token_atom = caf::atom_constant<caf::atom("satoken")>;

struct sa_token_request {
  std::string ns;
  std::string name;
  std::string audience;  // "sts.amazonaws.com"
  std::chrono::seconds lifetime{3600};
};

struct sa_token_reply {
  bool ok = false;
  std::string token;  // a secret: never log it
  std::chrono::system_clock::time_point expires_at;
  error_info error;
};

using sa_token_actor = caf::typed_actor<caf::replies_to<sa_token_atom, sa_token_request>::with<sa_token_reply>>;

}  // namespace fluxaws::kube

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::sa_token_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::sa_token_reply)
