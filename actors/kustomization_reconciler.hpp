// The Kustomization kind (kustomize.toolkit.fluxcd.io/v1) with SOPS decryption through
// AWS KMS, reconciled as kustomize-controller does:
//   1. the source (Bucket or OCIRepository; its object actor is found through the
//      supervisor and subscribed to, so a new artifact triggers a reconcile): no source
//      is ArtifactFailed, no artifact yet DependencyNotReady (both retried);
//   2. dependsOn: each Kustomization Ready at its generation (and at our revision when
//      it shares our source), else DependencyNotReady after requeue-dependency;
//   3. the artifact fetched from the artifact server (digest checked), unpacked safely,
//      the manifests under spec.path built (kustomization_build.hpp), targetNamespace
//      set: failures ArtifactFailed / BuildFailed;
//   4. SOPS: every encrypted resource and Secret data value decrypted with a data key
//      recovered through KMS Decrypt as the Kustomization's identity (credential plane:
//      decryption Secret, ServiceAccount or the controller, AssumeRole for an entry's
//      role), one KMS call per data key thanks to a per-object cache keyed by identity
//      and ciphertext (kustomization_decrypt.hpp); failures BuildFailed naming the
//      resource and the KMS error code;
//   5. apply — local mode: the objects written atomically to
//      <state-dir>/applied/<namespace>/<name>/ (kustomization_apply.hpp); cluster mode:
//      the engine's server-side applier, pruning against status.inventory — and
//      status: inventory, lastAttemptedRevision, lastAppliedRevision (and origin
//      revision), Ready "Applied revision: <rev>"; apply failures ReconciliationFailed.
// With spec.retryInterval a failure retries after it (Flux); otherwise the engine's
// backoff. Disk and CPU-heavy work (unpacking, YAML, AES) runs on the blocking pool.
// Data keys live only in memory and are dropped when the object is deleted.
#pragma once

#include <memory>

#include "actors/kind_reconciler.hpp"

namespace fluxaws::actors {

std::shared_ptr<kind_reconciler> make_kustomization_reconciler();

}  // namespace fluxaws::actors
