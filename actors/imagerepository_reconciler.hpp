// The ImageRepository kind (image.toolkit.fluxcd.io/v1): scans an image repository's
// tags as image-reflector-controller does — feature gate, image reference, registry
// credentials (provider aws: an ECR token from the credential plane; generic:
// dockerconfigjson pull secrets), shouldScan, list every tag across pages, drop the
// exclusion list's matches, store the list in the tag database, and report
// status.lastScanResult, canonicalImageName and observedExclusionList with Flux's
// conditions, reasons and messages.
//
// Scheduling: the next reconcile comes when the next scan is due (the rest of
// spec.interval after the last scan), not a full interval after a reconcile that did
// not scan. spec.timeout defaults to spec.interval.
//
// The tag database lives in the engine's state directory (imagerepository_tag_db.hpp)
// and is deleted with the object. ImagePolicies learn of new scans through the object
// actor's source events (its status changes).
#pragma once

#include <memory>

#include "actors/imagerepository_registry.hpp"
#include "actors/kind_reconciler.hpp"

namespace fluxaws::actors {

struct image_kind_options {
  // Where the OCI registry actor comes from; empty (the default): each object spawns
  // its own (see imagerepository_registry.hpp).
  imagerepository::registry_factory registry;
};

std::shared_ptr<kind_reconciler> make_imagerepository_reconciler(image_kind_options opts = {});

}  // namespace fluxaws::actors
