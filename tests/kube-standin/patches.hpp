// patches.hpp — the PATCH body formats the API server accepts, as pure functions over
// json::value:
//   - merge_patch: RFC 7386 JSON merge patch (application/merge-patch+json);
//   - strategic_merge_patch: application/strategic-merge-patch+json as the stand-in
//     serves it: a merge patch that honours the "$patch: replace|delete" map directive
//     and drops the other "$..." directive keys ($setElementOrder, $retainKeys,
//     $deleteFromPrimitiveList); lists are replaced, not merged by key (the stand-in
//     has no Go struct tags to know the merge keys);
//   - json_patch: RFC 6902 (application/json-patch+json): add, remove, replace, move,
//     copy, test, with RFC 6901 pointers ("~0", "~1", "-" to append).
// Contract: inputs are never modified; a malformed patch gives an error that says which
// operation and why, never a partially patched document.
#pragma once

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace kstand {

fluxaws::json::value merge_patch(const fluxaws::json::value& target, const fluxaws::json::value& patch);
fluxaws::json::value strategic_merge_patch(const fluxaws::json::value& target, const fluxaws::json::value& patch);
fluxaws::result<fluxaws::json::value> json_patch(const fluxaws::json::value& target,
                                                 const fluxaws::json::value& operations);

}  // namespace kstand
