// The identity registry: the credential plane's front door (identity_registry_actor in
// actors/identity.hpp). For each request it resolves the object's identity
// (identity_resolution.hpp, against the ServiceAccounts and Secrets of the object's
// own namespace), finds or spawns the token-cache actor of that identity key
// (token_cache.hpp) and hands the request to it; the cache answers the requester
// directly. Resolution errors are answered at once, with Flux's reason.
//
// Contract:
//  - Requests for different identities never wait for one another: the registry only
//    resolves and forwards (microseconds); fetches run in the token caches.
//  - --token-cache-max-size bounds the identities held: beyond it the least recently
//    used one is evicted (its fetches in flight still answer their waiters). 0 disables
//    caching: nothing is reused.
//  - serialize_misses reproduces Flux's token cache for comparison: one request at a
//    time in arrival order, each holding the "lock" until its answer (a miss holds it
//    for the whole fetch). Not for production.
//  - Token caches watch the registry and quit when it does, failing their waiters;
//    the runtime stops the plane by sending the registry an exit message. Caches that
//    stay idle stop by themselves (after telling the registry, so no request is lost).
//  - With options that check_identity_options() refuses, every request is answered with
//    that error (stalling); the runtime is expected to refuse to start instead.
//  - Nothing here logs credentials; replies carry them only to the requester.
#pragma once

#include <caf/actor_system.hpp>

#include <memory>

#include "actors/identity.hpp"
#include "actors/identity_options.hpp"
#include "actors/resource_index.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/sa_tokens.hpp"

namespace fluxaws::actors {

identity_registry_actor spawn_identity_registry(caf::actor_system& sys, identity_options options,
                                                std::shared_ptr<resource_index> resources, http::client_actor http,
                                                kube::sa_token_actor sa_tokens);

}  // namespace fluxaws::actors
