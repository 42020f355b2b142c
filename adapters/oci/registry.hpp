// The registry actor: the OCI distribution client. It sequences the HTTP calls of each
// operation through the HTTP client actor — the auth challenge, Basic or the Bearer
// token exchange, retries after a 401, tags pagination, index resolution, blob
// streaming — and answers with an outcome (value or error_info). All parsing and all
// decisions are the plain functions of this folder; the actor owns only state: the
// challenge each registry host asked for last, the Bearer tokens per (host, scope,
// credential identity), and counters.
//
//   auto reg = oci::spawn_registry(sys, http);
//   self->request(reg, budget + oci::reply_margin, oci::get_manifest_atom::value,
//                 oci::manifest_request{repo, "v1.2.3", auth, {budget, false}})
//       .then([=](const oci::manifest_outcome& o) { ... o.to_result() ... });
//
// Contract:
//  - Every operation answers within its call_options::timeout plus the HTTP client's
//    grace; ask with a CAF timeout of at least timeout + reply_margin. A budget that
//    runs out is a Timeout error; a timeout <= 0 is refused at once.
//  - Nothing blocks a scheduler thread except, after a failed blob download, removing
//    the file and reading at most 64 KiB of an error body the registry sent into it.
//  - Credentials go where the caller's registry_auth is meant to go: the registry of
//    the request (and the token realm it names for Bearer). A 401 after the
//    credentials were tried is Unauthorized (see auth_flow.hpp), and so is ECR's 403
//    "authorization token has expired" for cached credentials; any other 403 is
//    Denied with the registry's message; 404 NotFound.
//  - Requests and outcomes are opaque CAF message types: CAF never renders their
//    content (credentials, tokens) into a diagnostic.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstddef>

#include "adapters/http/client.hpp"
#include "adapters/oci/registry_types.hpp"

namespace fluxaws::oci {

using ping_atom = caf::atom_constant<caf::atom("ociping")>;
using list_tags_atom = caf::atom_constant<caf::atom("ocitags")>;
using get_manifest_atom = caf::atom_constant<caf::atom("ocimanif")>;
using head_manifest_atom = caf::atom_constant<caf::atom("ocihead")>;
using fetch_blob_atom = caf::atom_constant<caf::atom("ociblob")>;
using registry_stats_atom = caf::atom_constant<caf::atom("ocistats")>;

using registry_actor = caf::typed_actor<
    caf::replies_to<ping_atom, ping_request>::with<ping_outcome>,
    caf::replies_to<list_tags_atom, list_tags_request>::with<tags_outcome>,
    caf::replies_to<get_manifest_atom, manifest_request>::with<manifest_outcome>,
    caf::replies_to<head_manifest_atom, head_request>::with<head_outcome>,
    caf::replies_to<fetch_blob_atom, blob_request>::with<blob_outcome>,
    caf::replies_to<registry_stats_atom>::with<registry_stats>>;

// Added to an operation's budget for the CAF request timeout of callers.
inline constexpr std::chrono::milliseconds reply_margin{10000};

struct registry_options {
  std::size_t max_cached_tokens = 4096;
  std::size_t max_known_hosts = 4096;  // remembered challenges
};

registry_actor spawn_registry(caf::actor_system& sys, http::client_actor http, registry_options opts = {});

}  // namespace fluxaws::oci

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::ping_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::list_tags_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::manifest_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::head_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::blob_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::ping_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::tags_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::manifest_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::head_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::blob_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::oci::registry_stats)
