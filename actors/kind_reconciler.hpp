// The plug-in point of a Flux kind. The generic object actor owns scheduling,
// conditions, status publication, timeouts and subscriptions; a kind_reconciler
// only knows how to reconcile its kind once, asynchronously, and finishes the run
// with an outcome. It runs inside its object actor: no locking, never blocking.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "actors/conditions.hpp"
#include "actors/engine.hpp"
#include "actors/protocol.hpp"
#include "actors/reconcile_result.hpp"

namespace fluxaws::actors {

struct object_state;

// One reconcile of one object. Callbacks of requests made for a run must check
// alive() first: a run can be abandoned (deadline, deletion) while answers are in
// flight.
class reconcile_run {
 public:
  reconcile_run(object_actor::pointer self, object_state* state, uint64_t id,
                std::chrono::steady_clock::time_point deadline);

  object_actor::pointer self() const { return self_; }
  // The supervisor, for looking up another object's actor (lookup_atom).
  supervisor_actor supervisor() const;
  const engine& eng() const;
  const json::value& object() const;  // the object as it was when the run started
  const kube::object_key& key() const;
  int64_t generation() const;
  uint64_t id() const { return id_; }
  const std::string& reconcile_id() const { return reconcile_id_; }

  condition_set& conditions();
  json::value& status();  // kind-specific status fields (artifact, url, ...)
  std::string now() const;

  bool alive() const;
  // Time left until spec.timeout; use it as the timeout of every request.
  std::chrono::milliseconds remaining() const;
  // Publishes the current status without finishing (progress, as Flux patches mid-run).
  void publish();
  // Ends the run. Later calls are ignored.
  void finish(reconcile_outcome outcome);
  // An event (logged; in cluster mode also a Kubernetes Event).
  void event(bool warning, const std::string& reason, const std::string& message) const;
  void log_info(const std::string& message) const;

 private:
  friend struct object_state;
  object_actor::pointer self_;
  object_state* state_;
  uint64_t id_;
  std::string reconcile_id_;
  std::chrono::steady_clock::time_point deadline_;
  bool finished_ = false;
};

using run_ptr = std::shared_ptr<reconcile_run>;

class kind_reconciler {
 public:
  virtual ~kind_reconciler() = default;

  // Summary policy for Ready; nullptr when the kind sets Ready itself.
  virtual const summary_policy* policy() const = 0;

  // Kind rules beyond the CRD schema (the CRDs' CEL rules, Flux's own checks).
  // An error here stalls the object with its reason and message.
  virtual std::optional<reconcile_error> validate(const json::value& /*obj*/, const engine& /*eng*/) const {
    return std::nullopt;
  }

  // spec.interval and spec.timeout as the kind defines them.
  virtual std::chrono::milliseconds interval(const json::value& obj) const;
  virtual std::chrono::milliseconds timeout(const json::value& obj) const;

  // Starts one reconcile; calls run->finish() eventually (or the deadline does).
  virtual void reconcile(run_ptr run) = 0;

  // The object was deleted: release what it holds (artifacts, subscriptions).
  virtual void on_delete(object_actor::pointer /*self*/, const engine& /*eng*/, const json::value& /*obj*/) {}

  // The actor started: subscribe to sources it depends on, if any.
  virtual void on_start(object_actor::pointer /*self*/, const engine& /*eng*/, const json::value& /*obj*/) {}

  // A source this object subscribed to changed. Return true to reconcile now.
  virtual bool on_source_event(const source_event& /*ev*/) { return false; }
};

// Reads a Go duration field ("1m", "30s"); fallback when absent or invalid.
std::chrono::milliseconds duration_field(const json::value& obj, std::initializer_list<std::string_view> path,
                                         std::chrono::milliseconds fallback);

}  // namespace fluxaws::actors
