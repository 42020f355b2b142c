// Cluster mode's status sink: writes each Flux object's status through the status
// subresource (merge patch of .status, observedGeneration included, as the object
// actor reports it), so kubectl wait --for=condition=Ready and the flux CLI read it
// as they read Flux's, and records the Events that a status change calls for.
//
// Contract:
//  - Updates are coalesced per object: only the latest report is written, one
//    request per object at a time, at most max_in_flight objects at once (the kube
//    client adds the QPS/burst limit).
//  - Fields that left the status since the last write (or since the live object, after
//    a conflict) are patched to null, so they are removed, not left stale.
//  - 409 Conflict: the live object is read again and the patch retried; 429, 5xx and
//    transport failures retry with backoff unless a newer report supersedes them;
//    404 (the object is gone) and deleted reports are skipped.
//  - flush answers true once every report received so far is written or skipped.
#pragma once

#include <caf/actor_system.hpp>

#include <chrono>

#include "actors/protocol.hpp"
#include "adapters/kube/event_recorder.hpp"
#include "adapters/kube/kube_client.hpp"

namespace fluxaws::actors {

struct cluster_status_sink_options {
  kube::client_actor kube;
  kube::event_recorder_actor events;  // may be null: no Events
  std::size_t max_in_flight = 16;
  int max_conflict_retries = 5;
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
};

status_sink_actor spawn_cluster_status_sink(caf::actor_system& sys, cluster_status_sink_options opts);

// The merge patch for a status: {"status": after} with null for every top-level
// field of `before` missing from `after`.
json::value status_merge_patch(const json::value& before, const json::value& after);

}  // namespace fluxaws::actors
