// Media types of OCI and Docker manifests, and the Accept list a registry client sends.
// Contract: constants are exact wire strings; the predicates compare the media type
// without parameters ("; charset=utf-8" is ignored) and case-insensitively, as
// Content-Type values are.
#pragma once

#include <string>
#include <string_view>

namespace fluxaws::oci::media_type {

inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
// Schema 1 is recognised only to be refused with a clear message.
inline constexpr std::string_view docker_manifest_v1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

// "type/subtype" of a Content-Type value: parameters and surrounding spaces removed,
// lower-cased.
std::string essence(std::string_view content_type);

bool is_index(std::string_view media);     // OCI index or Docker manifest list
bool is_manifest(std::string_view media);  // OCI manifest or Docker v2 manifest
bool is_schema1(std::string_view media);

// The Accept header value naming all four supported manifest types, OCI first.
std::string accept_all();

}  // namespace fluxaws::oci::media_type
