// The OCIRepository kind (source.toolkit.fluxcd.io/v1, provider aws and generic):
// reconciles as source-controller does — storage (garbage collection, is the artifact
// still there and intact?), source (credentials, ref resolution: digest > semver >
// tag > latest, the revision from the registry's digest, skip the pull when revision,
// ignore and layerSelector are unchanged, pull manifest and layer, extract or copy),
// artifact (archive with ignore rules or store the layer, status.artifact with the
// manifest's annotations as metadata) — with Flux's conditions, reasons and messages.
//
// Credentials: a dockerconfigjson Secret (spec.secretRef, then the imagePullSecrets
// of spec.serviceAccountName) for any provider; otherwise, for provider aws, the ECR
// authorization token of the credential plane (engine.identities), asked only for
// Amazon ECR hosts, sent as Basic AWS:<password>; a 401 (or ECR's "token expired"
// 403) after a cached token evicts it ("ecr:<region>") and retries once. Provider
// generic without a Secret pulls anonymously.
//
// Out of scope, and Stalled with a message saying so: spec.verify, providers azure
// and gcp, spec.certSecretRef, spec.proxySecretRef.
#pragma once

#include <caf/actor_system.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>

#include "actors/kind_reconciler.hpp"
#include "actors/ocirepository_artifact.hpp"
#include "actors/supervisor.hpp"
#include "adapters/http/client.hpp"
#include "adapters/oci/registry.hpp"

namespace fluxaws::actors {

struct ocirepository_options {
  ocirepo::layer_limits limits;
  std::size_t tag_page_size = 1000;  // ECR's maximum
  std::size_t max_tag_pages = 1000;
  // Where work directories are made; empty: the system's temp directory ($TMPDIR).
  std::filesystem::path work_root;
  // The registry actor to use; empty: one per reconciler (make_ocirepository_reconciler)
  // or one shared by all objects of the factory (ocirepository_factory).
  std::function<oci::registry_actor(caf::actor_system&, const http::client_actor&)> registry;
};

std::shared_ptr<kind_reconciler> make_ocirepository_reconciler(ocirepository_options opts = {});

// A factory whose reconcilers share one registry actor (see ocirepository_registry_slot.hpp).
reconciler_factory ocirepository_factory(ocirepository_options opts = {});

}  // namespace fluxaws::actors
