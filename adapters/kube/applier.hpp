// The server-side apply actor: applies a Kustomization's manifests with field
// manager "fluxaws" and force (taking fields over from other managers, as
// kustomize-controller does), CustomResourceDefinitions and Namespaces first, then —
// with prune — deletes what the previous inventory has and the new one lacks (unless
// annotated kustomize.toolkit.fluxcd.io/prune: disabled), and answers the new
// inventory for status.inventory.
//
// Contract:
//  - One apply_request is answered once with an apply_result. On the first failure
//    it stops, names the object and the API server's reason, prunes nothing and
//    returns the previous inventory (so nothing applied is forgotten).
//  - Kinds are resolved through API discovery (cached per apiVersion, refreshed when a
//    kind is unknown — a CRD applied a moment ago).
//  - Namespaced objects without a namespace get default_namespace when one is given;
//    without it they fail as kustomize-controller's apply does ("<Kind>/<name>
//    namespace not specified"). Cluster-scoped objects lose a stray namespace.
//  - With impersonate set, every request of the job (discovery, apply, prune) is made
//    as that user (Impersonate-User), as kustomize-controller does for
//    spec.serviceAccountName; the API server's refusal fails the job naming the object.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/kube/kube_client.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::kube {

using apply_atom = caf::atom_constant<caf::atom("kapply")>;

struct apply_request {
  object_key owner;  // the Kustomization (labels, messages)
  std::vector<json::value> manifests;
  json::value previous_inventory;  // status.inventory ({"entries": [...]}) or null
  bool prune = false;
  std::string default_namespace;  // empty: a namespaced object must carry its namespace
  std::string impersonate;        // "system:serviceaccount:<ns>:<name>"; empty: fluxaws itself
  std::string field_manager = "fluxaws";
  bool force = true;
  bool owner_labels = true;
};

struct apply_result {
  bool ok = false;
  error_info error;
  json::value inventory;             // {"entries": [...]}
  std::vector<std::string> applied;  // "Kind/namespace/name"
  std::vector<std::string> pruned;
  std::vector<std::string> skipped;  // prune disabled or already gone
};

using applier_actor = caf::typed_actor<caf::replies_to<apply_atom, apply_request>::with<apply_result>>;

applier_actor spawn_applier(caf::actor_system& sys, client_actor kube);

}  // namespace fluxaws::kube

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::apply_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::apply_result)
