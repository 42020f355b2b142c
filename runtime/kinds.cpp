#include "runtime/kinds.hpp"

#include "actors/bucket_reconciler.hpp"
#include "actors/imagepolicy_reconciler.hpp"
#include "actors/imagerepository_reconciler.hpp"
#include "actors/ocirepository_reconciler.hpp"
#include "actors/kustomization_reconciler.hpp"

namespace fluxaws::runtime {

std::map<std::string, actors::reconciler_factory, std::less<>> make_kind_factories(const config& /*cfg*/) {
  std::map<std::string, actors::reconciler_factory, std::less<>> kinds;
  kinds.emplace("Bucket", [] { return actors::make_bucket_reconciler(); });
  kinds.emplace("ImageRepository", [] { return actors::make_imagerepository_reconciler(); });
  kinds.emplace("ImagePolicy", [] { return actors::make_imagepolicy_reconciler(); });
  kinds.emplace("OCIRepository", actors::ocirepository_factory());
  kinds.emplace("Kustomization", [] { return actors::make_kustomization_reconciler(); });
  return kinds;
}

}  // namespace fluxaws::runtime
