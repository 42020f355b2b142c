// The ImagePolicy kind (image.toolkit.fluxcd.io/v1): picks the latest tag of an
// ImageRepository's scan as image-reflector-controller does — the referenced
// repository (same namespace, or another one that its accessFrom admits, never with
// --no-cross-namespace-refs), the policy (semver, alphabetical, numerical) over the
// filtered tags from the tag database, digest reflection (Never, IfNotPresent,
// Always) with a manifest HEAD through the repository's own credentials, and
// status.latestRef / observedPreviousRef with Flux's conditions and messages.
//
// Subscriptions, not polling: a policy subscribes to its repository's object actor
// (found through the supervisor's lookup) and is reconciled again when the
// repository's scan revision changes. A repository that has not scanned yet gives
// DependencyNotReady and a retry after --requeue-dependency (or sooner, when the scan
// arrives). Only digestReflectionPolicy Always requeues on spec.interval.
#pragma once

#include <memory>

#include "actors/imagerepository_reconciler.hpp"
#include "actors/kind_reconciler.hpp"

namespace fluxaws::actors {

std::shared_ptr<kind_reconciler> make_imagepolicy_reconciler(image_kind_options opts = {});

}  // namespace fluxaws::actors
