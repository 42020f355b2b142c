// Every message between fluxaws's domain actors, and their typed handles.
//
//   object source ──object_change──▶ supervisor ──update/stop──▶ object actors
//   object actors ──status_report──▶ status sink
//   object actors ──acquire/release──▶ kind gates (per-kind concurrency caps)
//   object actors ──run──▶ blocking pool (archives, file I/O, decryption)
//   object actors ──credentials/ecr token──▶ identity registry ──▶ token caches
//   sources ──source_event──▶ subscribed dependents (Kustomization, ImagePolicy)
//
// Adapter actors (HTTP, AWS services, OCI registry, kube) declare their own
// interfaces in their folders' headers. Message payloads are plain structs; they
// never leave the process, so they are allowed as "unsafe" (unserialized) types.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <functional>
#include <memory>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/kube/change_sink.hpp"
#include "adapters/kube/manifest_set.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

// ---- atoms (at most 10 characters) -------------------------------------------
using kube::change_atom;
using kube::issue_atom;
using kube::sync_atom;
using update_atom = caf::atom_constant<caf::atom("update")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;
using status_atom = caf::atom_constant<caf::atom("status")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsubscr")>;
using source_atom = caf::atom_constant<caf::atom("source")>;
using acquire_atom = caf::atom_constant<caf::atom("acquire")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using run_atom = caf::atom_constant<caf::atom("run")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using summary_atom = caf::atom_constant<caf::atom("summary")>;
using shutdown_atom = caf::atom_constant<caf::atom("shutdown")>;
using gc_atom = caf::atom_constant<caf::atom("gc")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;

// ---- payloads -----------------------------------------------------------------

// The latest status of one object, as the status sink stores it.
struct status_report {
  kube::object_key key;
  json::value object;  // the whole object, with .status
  bool deleted = false;
  // The last reconcile finished with an outcome that is not "waiting" and no other
  // is running: Ready now says how it ended (used by `run --once`).
  bool settled = false;
};

// What a source object tells its dependents after each reconcile.
struct source_event {
  kube::object_key source;
  json::value status;  // the source's .status (artifact, conditions, scan result, ...)
  bool ready = false;
  bool deleted = false;
  // Its last reconcile finished (Ready tells how) and none is running.
  bool settled = false;
};

// A unit of blocking work (file I/O, archiving, decryption) run off the scheduler.
// It fills its own result through captured state; the reply only says it ran.
using blocking_job = std::function<void()>;

// Readiness counts for `run --once` and metrics.
struct engine_summary {
  std::size_t objects = 0;
  std::size_t ready = 0;
  std::size_t failed = 0;    // Ready=False after at least one reconcile
  std::size_t stalled = 0;
  std::size_t pending = 0;   // not reconciled yet (or reconciling)
  bool source_synced = false;
};

}  // namespace fluxaws::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::json::value)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::object_key)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::status_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::source_event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::blocking_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::actors::engine_summary)

namespace fluxaws::actors {

// ---- typed handles ---------------------------------------------------------------

// Receives the object source's changes (local directory or kube watch).
using kube::change_sink_actor;

// One per Flux object (declared first: the supervisor hands these out).
using object_actor = caf::typed_actor<
    caf::reacts_to<update_atom, json::value>,                  // a new version of the object
    caf::reacts_to<delete_atom>,                               // the object is gone: clean up, exit
    caf::reacts_to<tick_atom, uint64_t>,                       // scheduled reconcile
    caf::reacts_to<deadline_atom, uint64_t>,                   // spec.timeout of a reconcile
    caf::replies_to<status_atom>::with<json::value>,           // the object with its status
    caf::reacts_to<subscribe_atom, caf::actor>,                // a dependent wants source events
    caf::reacts_to<unsubscribe_atom, caf::actor>,
    caf::reacts_to<source_atom, source_event>>;                // an event from a source we depend on

// The supervisor: spawns, updates and stops object actors; answers summaries.
using supervisor_actor = change_sink_actor::extend<
    caf::replies_to<summary_atom>::with<engine_summary>,
    // The actor of another object (an invalid handle when it does not exist), so a
    // dependent (Kustomization, ImagePolicy) can subscribe to its source.
    caf::replies_to<lookup_atom, kube::object_key>::with<object_actor>,
    caf::reacts_to<status_atom, status_report>,   // object actors report here first
    caf::reacts_to<shutdown_atom>>;

// Stores status (local mode: files in the state directory; cluster mode: status patches).
using status_sink_actor = caf::typed_actor<
    caf::reacts_to<status_atom, status_report>,
    caf::replies_to<flush_atom>::with<bool>>;

// A counting semaphore: at most N reconciles of a kind at once.
using gate_actor = caf::typed_actor<
    caf::replies_to<acquire_atom>::with<bool>,
    caf::reacts_to<release_atom>>;

// Runs blocking jobs on threads of its own.
using blocking_pool_actor = caf::typed_actor<
    caf::replies_to<run_atom, blocking_job>::with<bool>>;

}  // namespace fluxaws::actors
