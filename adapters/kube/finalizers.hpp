// Flux's finalizer on the objects fluxaws takes over. Flux's controllers put
// "finalizers.fluxcd.io" on every object they reconcile and remove it once they have
// cleaned up; an object that Flux reconciled before fluxaws took it keeps the finalizer,
// and deleting it would hang in Terminating. So a Flux object with a
// deletionTimestamp is gone for fluxaws (its actor stops and cleans up), and fluxaws
// removes Flux's finalizer — and only that one — with a merge patch carrying the
// object's resourceVersion (a concurrent change answers 409; the next watch event
// retries).
#pragma once

#include <optional>
#include <string_view>

#include "adapters/common/json.hpp"

namespace fluxaws::kube {

inline constexpr std::string_view flux_finalizer = "finalizers.fluxcd.io";

bool being_deleted(const json::value& obj);
bool has_finalizer(const json::value& obj, std::string_view finalizer);
// {"metadata":{"resourceVersion":...,"finalizers":[the others]}}; nullopt when absent.
std::optional<json::value> finalizer_removal_patch(const json::value& obj, std::string_view finalizer);

}  // namespace fluxaws::kube
