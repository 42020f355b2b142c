// status_store_reader.hpp — what fluxaws's local status store says after a run:
// objects per kind, how many are Ready, and for the others their kind, name and Ready
// reason/message (Flux's text, which never holds a secret).
//
// Contract: reads <state>/status/<kind>/<namespace>/<name>.json; unreadable or
// unparsable files count as objects that are not Ready, named by their path.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"

namespace fluxaws::bench {

struct status_summary {
  int objects = 0;
  int ready = 0;
  // Ready, plus those re-reconciling after an earlier success (see was_ready_before).
  int ready_or_refreshing = 0;
  std::map<std::string, int> objects_by_kind, ready_by_kind;
  std::vector<std::string> not_ready;  // "Kind ns/name: Reason: message", one example per kind and reason
  std::map<std::string, int> not_ready_by_reason;  // "Kind Reason" -> objects
  std::map<std::string, json::value> by_name;  // "Kind/ns/name" -> status (only when keep_all)
};

// True when the object's Ready condition has status "True".
bool is_ready(const json::value& object);
// True when the object is in a reconcile (Ready Unknown, reason Progressing, as Flux
// marks every reconcile's start) after an earlier success left its result in the
// status: a Kustomization's lastAppliedRevision, a source's artifact, an
// ImageRepository's lastScanResult, an ImagePolicy's latestRef. With short intervals
// some objects are always in this state, so "all Ready at one instant" is no gate.
bool is_refreshing(const json::value& object);
// "Reason: message" of its Ready condition ("no Ready condition" when absent).
std::string ready_reason(const json::value& object);

// At most max_listed examples (one per kind and Ready reason) in not_ready.
status_summary read_status_store(const std::filesystem::path& state_dir, std::size_t max_listed = 10,
                                 bool keep_all = false);

}  // namespace fluxaws::bench
