// The Bucket kind (source.toolkit.fluxcd.io/v1, provider aws and generic): reconciles
// as source-controller does — storage (garbage collection, is the artifact still
// there?), source (credentials, HeadBucket, .sourceignore, ListObjectsV2, Flux's
// revision over "<key> <etag>"), artifact (download what changed with If-Match,
// archive, store) — with Flux's conditions and reasons.
#pragma once

#include <memory>

#include "actors/kind_reconciler.hpp"

namespace fluxaws::actors {

std::shared_ptr<kind_reconciler> make_bucket_reconciler();

}  // namespace fluxaws::actors
