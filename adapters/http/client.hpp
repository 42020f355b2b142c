// The HTTP client actor: one actor drives libcurl's multi interface on its own I/O
// thread, so thousands of requests are in flight without blocking a CAF scheduler
// thread. Each request is answered with a response (never an error message: a
// failure is a response with fail != none), within the request's timeout.
//
// Contract:
//  - Ask with a finite CAF timeout a little above request::timeout (CAF 0.17 has no
//    broken promises); the client itself answers by request::timeout plus a short grace.
//  - When the client exits (send_exit, or its system shutting down) every request still
//    pending is answered at once with failure::cancelled; partial body files are removed.
//  - request and response travel as opaque message types: CAF prints them as
//    <unprintable>, so a header or body (credentials, tokens) never reaches a CAF
//    diagnostic.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "adapters/http/options.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::http {

using request_atom = caf::atom_constant<caf::atom("httpreq")>;
using stats_atom = caf::atom_constant<caf::atom("httpstats")>;

// Counters for metrics; read with stats_atom.
struct client_stats {
  uint64_t requests_total = 0;
  uint64_t in_flight = 0;
  uint64_t failures_total = 0;
  uint64_t connections_opened = 0;  // new TCP connections
  uint64_t connections_reused = 0;  // requests served on a kept-alive connection
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, client_stats& x) {
  return f(caf::meta::type_name("fluxaws.http.client_stats"), x.requests_total, x.in_flight,
           x.failures_total, x.connections_opened, x.connections_reused);
}

using client_actor = caf::typed_actor<
  caf::replies_to<request_atom, request>::with<response>,
  caf::replies_to<stats_atom>::with<client_stats>>;

// Spawns the client (call curl_global_init once in main before any thread starts;
// global_init() below does it idempotently).
client_actor spawn_client(caf::actor_system& sys, client_options opts);
void global_init();

}  // namespace fluxaws::http

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::http::request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::http::response)
