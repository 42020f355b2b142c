// The Kustomization kind's spec (kustomize.toolkit.fluxcd.io/v1) as fluxaws reads it,
// and the checks that stall an object before any reconcile: what kustomize-controller
// refuses terminally (cross-namespace source with --no-cross-namespace-refs,
// spec.decryption.serviceAccountName without the ObjectLevelWorkloadIdentity gate) and
// what fluxaws does not implement (Git and ExternalArtifact sources, kustomize features
// set through the spec: patches, images, name prefix/suffix, components, post-build
// substitution, common metadata, remote kubeconfig). Pure functions, no I/O.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "actors/reconcile_result.hpp"
#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors::kustomization {

struct source_ref {
  std::string api_version;
  std::string kind;  // Bucket, OCIRepository (GitRepository, ExternalArtifact are refused)
  std::string name;
  std::string ns;    // resolved: the Kustomization's namespace when the spec leaves it out
};

struct dependency {
  std::string ns;  // resolved as above
  std::string name;
  friend bool operator==(const dependency&, const dependency&) = default;
};

struct decryption_spec {
  std::string provider;         // "sops"
  std::string secret_ref;       // spec.decryption.secretRef.name
  std::string service_account;  // spec.decryption.serviceAccountName
};

struct spec {
  source_ref source;
  std::string path;  // as written; empty means the artifact root
  std::chrono::milliseconds interval{std::chrono::minutes(10)};
  std::optional<std::chrono::milliseconds> retry_interval;  // absent: Flux uses interval
  std::chrono::milliseconds timeout{0};                      // absent: Flux uses interval
  bool suspend = false;
  bool prune = false;
  std::string deletion_policy;  // MirrorPrune (default), Delete, WaitForTermination, Orphan
  std::optional<decryption_spec> decryption;
  std::string target_namespace;
  std::string service_account;  // spec.serviceAccountName: impersonated to apply and prune
  std::vector<dependency> depends_on;
  // Spec fields fluxaws does not implement, as "spec.<field>", in spec order.
  std::vector<std::string> unsupported;
};

spec parse_spec(const json::value& obj);

// The stalling checks above, in kustomize-controller's order; nullopt when the object
// can be reconciled.
std::optional<reconcile_error> validate(const spec& s, const kube::object_key& self, const engine_options& opts);

// The source object's key (kind, namespace, name) and Flux's way of naming it
// ("Bucket/tenant-a/manifests").
kube::object_key source_key(const spec& s);
std::string source_display(const spec& s);

// Flux's GetTimeout(): spec.timeout, else spec.interval.
std::chrono::milliseconds effective_timeout(const spec& s);
// Flux's GetRetryInterval(): spec.retryInterval, else spec.interval.
std::chrono::milliseconds effective_retry_interval(const spec& s);

// Whether the output of a deleted Kustomization goes with it (local mode: its applied
// directory; cluster mode: its inventory's objects): Delete, or MirrorPrune (the
// default) with prune: true.
bool delete_on_removal(const spec& s);

// The user kustomize-controller impersonates to apply and prune (cluster mode):
// "system:serviceaccount:<ns>:<spec.serviceAccountName>", else the controller's
// --default-service-account in the Kustomization's namespace; empty when neither is
// set (fluxaws applies as itself).
std::string impersonated_user(const spec& s, const std::string& ns, const engine_options& opts);

}  // namespace fluxaws::actors::kustomization
