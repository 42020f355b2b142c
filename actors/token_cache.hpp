// The token-cache actor: one per identity key (identity_key.hpp), spawned on demand by
// the identity registry. It holds the identity's AWS credentials and, per ECR region,
// its ECR authorization tokens, and obtains them as the fetch plan says
// (identity_resolution.hpp): a ServiceAccount token then STS AssumeRoleWithWebIdentity,
// static keys, or the controller's default chain; a chained AssumeRole on top asks the
// registry for the base identity's credentials first.
//
// Contract:
//  - Single flight: while a fetch is in flight, every further request for the same
//    credentials (or the same ECR region) waits for it; there is never more than one
//    fetch per item. Other identities live in other actors and never wait on this one.
//  - A credential is reused while token_window (token_lifetime.hpp) says so on both
//    clocks; with background_refresh, once the window's refresh point passes and the
//    item was used since its fetch, a new one is fetched while the old one keeps
//    being served — a busy identity never waits for a miss.
//  - A failure is never stored as a value. After one, requests fail fast with that
//    error until the backoff (failure_backoff.hpp) has passed; a background failure
//    keeps serving the old value while it is valid.
//  - Every request is answered by this actor (response promises, delivered only here),
//    within fetch_deadline: a fetch still running then fails its waiters with a
//    timeout and its late result is dropped. If the registry goes away or the actor is
//    killed, waiters get an error before it quits.
//  - ECR tokens are fetched from the ECR (or ECR Public) API of the lookup's region
//    only, and handed out only for that region's scope.
//  - invalidate "credentials[@<key id>]" / "ecr:<region>" / "ecr-public" drops the
//    item (a fetch in flight is left to finish: it brings a fresh one).
//  - Lifecycle: evict_atom (LRU eviction, or the registry's answer to idle_atom) drops
//    every item, lets fetches in flight finish, then quits. With nothing valid held and
//    no request for idle_timeout, the actor tells the registry it is idle. Its timers
//    never keep the actor system from shutting down for long: they end when it quits,
//    and it quits when the registry does.
//  - Never logs or puts a secret in an error.
#pragma once

#include <caf/actor_addr.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <memory>
#include <string>

#include "actors/identity.hpp"
#include "actors/identity_options.hpp"
#include "actors/identity_resolution.hpp"
#include "actors/token_cache_metrics.hpp"
#include "adapters/aws/ecr_host.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/sa_tokens.hpp"

namespace fluxaws::actors {

using evict_atom = caf::atom_constant<caf::atom("tcevict")>;
using cache_tick_atom = caf::atom_constant<caf::atom("tctick")>;
using fetch_deadline_atom = caf::atom_constant<caf::atom("tcdeadline")>;
using idle_atom = caf::atom_constant<caf::atom("tcidle")>;
using base_credentials_atom = caf::atom_constant<caf::atom("tcbase")>;

// One lookup, as the registry hands it to a token cache.
struct cache_lookup {
  token_metrics::involved_object object;  // metrics labels and the name in error messages
  std::string object_name;                 // "Bucket tenant-a/manifests"
  aws::ecr_registry registry;              // ECR lookups: the parsed registry host
};

using token_cache_actor = caf::typed_actor<
    caf::replies_to<credentials_atom, cache_lookup>::with<credential_reply>,
    caf::replies_to<ecr_token_atom, cache_lookup>::with<ecr_token_reply>,
    caf::reacts_to<invalidate_atom, std::string>,
    caf::reacts_to<evict_atom>,
    caf::reacts_to<cache_tick_atom>,
    caf::reacts_to<fetch_deadline_atom, std::string, uint64_t>>;

// The registry as token caches see it: the public interface plus idle notices (key
// string) and base-credential lookups for chained roles.
using registry_internal_actor = identity_registry_actor::extend<
    caf::reacts_to<idle_atom, std::string>,
    caf::replies_to<base_credentials_atom, credential_request>::with<credential_reply>>;

struct token_cache_config {
  resolved_identity identity;  // holds secrets (static keys): never logged
  std::shared_ptr<const identity_options> options;
  http::client_actor http;
  kube::sa_token_actor sa_tokens;
  caf::actor_addr registry;    // weak: the registry holds the strong handle to us
  bool keep_values = true;     // false: --token-cache-max-size=0, nothing is reused
};

token_cache_actor spawn_token_cache(caf::actor_system& sys, token_cache_config cfg);

}  // namespace fluxaws::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::cache_lookup)
