// Which layer of an OCI artifact an OCIRepository takes, and what of the manifest it
// records — source-controller's selectLayer and the annotations it copies into
// status.artifact.metadata.
//
// Contract:
//  - select_layer(): without a media type the first layer; with one, the first layer
//    of exactly that media type. Errors, in Flux's words: "no layers found in
//    artifact", "failed to find layer with media type '<type>' in artifact".
//  - manifest_metadata(): the manifest's annotations as a map (a repeated key keeps its
//    last value, as Go's JSON decoding into a map does).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/oci/manifest.hpp"

namespace fluxaws::actors::ocirepo {

result<oci::descriptor> select_layer(const oci::image_manifest& m, std::string_view media_type);

std::map<std::string, std::string> manifest_metadata(const oci::image_manifest& m);

}  // namespace fluxaws::actors::ocirepo
