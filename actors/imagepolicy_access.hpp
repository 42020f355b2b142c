// May an ImagePolicy use an ImageRepository of another namespace? Flux's ACL
// (fluxcd/pkg runtime/acl HasAccessToRef) and --no-cross-namespace-refs, as plain
// functions over the repository object and the policy namespace's Namespace object.
//
// Contract:
//  - Same namespace: always allowed.
//  - With no_cross_namespace_refs: refused, "cannot access 'ImageRepository/<ns>/<name>',
//    cross-namespace references have been blocked".
//  - Otherwise the repository's spec.accessFrom.namespaceSelectors decide: one
//    selector whose matchLabels all equal the policy namespace's labels admits it; an
//    empty selector admits every namespace. No accessFrom: "'<ns>/<name>' can't be
//    accessed due to missing ACL labels on 'accessFrom'"; no match: "'<ns>/<name>'
//    can't be accessed due to ACL labels mismatch on namespace '<policy ns>'".
//  - A policy namespace without a Namespace object (local mode: no manifest for it)
//    has no labels: only an empty selector admits it.
//  - The result is the refusal's message (reason AccessDenied), or nullopt.
#pragma once

#include <optional>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::imagepolicy {

std::optional<std::string> cross_namespace_refusal(const std::string& policy_ns, const kube::object_key& repo,
                                                   bool no_cross_namespace_refs);

std::optional<std::string> access_refusal(const std::string& policy_ns, const kube::object_key& repo,
                                          const json::value& repository_object,
                                          const std::optional<json::value>& policy_namespace);

}  // namespace fluxaws::actors::imagepolicy
