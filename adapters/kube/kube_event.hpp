// Kubernetes Events as Flux's controllers record them, as plain functions: the
// core/v1 Event for an involved object (type Normal/Warning, Flux's reason, message,
// annotations "<group of the involved object>/<key>" such as
// "source.toolkit.fluxcd.io/revision"), the key under which repeats are counted,
// and which events a status change calls for (NewArtifact, ReconciliationSucceeded,
// the failure reason of Ready=False, a recovery).
//
// Contract: messages are cut to 1024 bytes; names are "<object>.<16 hex>" as
// client-go makes them; nothing here reads a Secret or a token.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::kube {

struct event_spec {
  json::value involved;  // the object (apiVersion, kind, metadata)
  std::string type = "Normal";  // or "Warning"
  std::string reason;
  std::string message;
  // Metadata keys without the group prefix, e.g. {"revision": "sha256:..."}.
  std::map<std::string, std::string> metadata;
};

// Repeats of the same (object, type, reason, message) are one Event with a count.
std::string event_dedup_key(const event_spec& e);

json::value build_event(const event_spec& e, const std::string& name, const std::string& component,
                        const std::string& instance, timefmt::sys_time now);

// "<object name>.<16 hex>" from random bytes.
std::string event_name(const json::value& involved);

// The merge patch that bumps a repeated Event.
json::value event_repeat_patch(int64_t count, timefmt::sys_time now);

// Events for a status change of a Flux object (before may be null: first status).
std::vector<event_spec> events_for_status(const json::value& before, const json::value& after);

}  // namespace fluxaws::kube
