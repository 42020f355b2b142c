// Reaching an ImageRepository's registry from an object actor: the OCI registry
// actor an image object uses, and the credentials an auth plan stands for.
//
// Contract:
//  - object_registry(): with a registry_factory (tests: a fake registry), the actor it
//    returns; otherwise a registry actor of the object's own, spawned on first use and
//    told to exit when the object actor terminates (deletion, crash or shutdown). A
//    registry actor nobody stops would outlive the engine's shutdown by the timeouts
//    of its last HTTP requests (CAF 0.17 request timers hold their actor), and one
//    per object keeps tag-list parsing spread over the scheduler threads.
//  - login() answers on the calling actor: at once for anonymous access or a docker
//    config; for an ECR plan it asks eng.identities for the token (user "AWS", marked
//    cached so that a 401 comes back as Unauthorized). No credential plane, or a
//    refusal, is a failure with Flux's reason (AuthenticationFailed unless the plane
//    says otherwise) and `stalling` when the plane says it cannot be retried.
//  - forget_login() evicts the plan's ECR token (after a 401 with it), so the next
//    login fetches a fresh one; retry_with_fresh_login() says when that is worth one
//    more try: the operation failed Unauthorized with cached credentials.
#pragma once

#include <caf/actor_system.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "actors/engine.hpp"
#include "actors/imagerepository_auth.hpp"
#include "actors/protocol.hpp"
#include "adapters/common/result.hpp"
#include "adapters/oci/registry.hpp"

namespace fluxaws::actors::imagerepository {

using registry_factory = std::function<oci::registry_actor(caf::actor_system&, const engine&)>;

oci::registry_actor object_registry(object_actor::pointer self, const engine& eng, const registry_factory& factory);

struct login_outcome {
  bool ok = false;
  oci::registry_auth auth;
  error_info error;  // code: the Flux reason
  bool stalling = false;
};

void login(object_actor::pointer self, const engine& eng, const auth_plan& plan, std::chrono::milliseconds budget,
           std::function<void(login_outcome)> then);

void forget_login(object_actor::pointer self, const engine& eng, const auth_plan& plan);

bool retry_with_fresh_login(const error_info& e, const oci::registry_auth& used);

}  // namespace fluxaws::actors::imagerepository
