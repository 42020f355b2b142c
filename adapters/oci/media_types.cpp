#include "adapters/oci/media_types.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::oci::media_type {

std::string essence(std::string_view content_type) {
  auto semi = content_type.find(';');
  return str::to_lower(str::trim(content_type.substr(0, semi)));
}

bool is_index(std::string_view media) {
  auto e = essence(media);
  return e == oci_index || e == docker_manifest_list;
}

bool is_manifest(std::string_view media) {
  auto e = essence(media);
  return e == oci_manifest || e == docker_manifest;
}

bool is_schema1(std::string_view media) {
  auto e = essence(media);
  return e == docker_manifest_v1 || e == docker_manifest_v1_signed;
}

std::string accept_all() {
  std::string out;
  for (auto m : {oci_manifest, oci_index, docker_manifest, docker_manifest_list}) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

}  // namespace fluxaws::oci::media_type
