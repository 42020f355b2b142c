// The HTTP client actor: one actor drives libcurl's multi interface on its own I/O
// thread, so thousands of requests are in flight without blocking a CAF scheduler
// thread. Each request is answered with a response (never an error message: a
// failure is a response with fail != none), within the request's timeout.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
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

using client_actor = caf::typed_actor<
  caf::replies_to<request_atom, request>::with<response>,
  caf::replies_to<stats_atom>::with<client_stats>>;

// Spawns the client (call curl_global_init once in main before any thread starts;
// global_init() below does it idempotently).
client_actor spawn_client(caf::actor_system& sys, client_options opts);
void global_init();

}  // namespace fluxaws::http
