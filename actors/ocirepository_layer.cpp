#include "actors/ocirepository_layer.hpp"

namespace fluxaws::actors::ocirepo {

result<oci::descriptor> select_layer(const oci::image_manifest& m, std::string_view media_type) {
  if (m.layers.empty()) return make_error("NoLayers", "no layers found in artifact");
  if (media_type.empty()) return m.layers.front();
  for (const auto& l : m.layers)
    if (l.media_type == media_type) return l;
  return make_error("LayerNotFound",
                    "failed to find layer with media type '" + std::string(media_type) + "' in artifact");
}

std::map<std::string, std::string> manifest_metadata(const oci::image_manifest& m) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : m.annotations) out[k] = v;
  return out;
}

}  // namespace fluxaws::actors::ocirepo
