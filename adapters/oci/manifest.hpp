// The manifest model: OCI image manifests and Docker v2 manifests (config + layers),
// OCI image indexes and Docker manifest lists (manifests with platforms), parsed from
// the exact bytes a registry served, and platform selection from an index.
//
// Contract:
//  - parse_manifest() accepts a JSON object with schemaVersion 2 of one of the four
//    media types in media_types.hpp. The type is the body's mediaType, else the
//    Content-Type's, else the shape (manifests[] = index, config = manifest). Every
//    descriptor needs a mediaType, a valid digest and a non-negative integer size;
//    annotations must map strings to strings. Anything else (malformed JSON, schema 1,
//    unknown types, wrong field types) is a ManifestInvalid error naming the object
//    ("what") and the field at fault.
//  - select_platform() picks the first manifest of an index whose os and architecture
//    match (case-insensitive, with the usual aliases: x86_64 = amd64, aarch64 = arm64);
//    a wanted variant must match (arm64 "" = v8, arm "" = v7, amd64 "" = v1); without a
//    wanted variant, the default variant is preferred. No match is PlatformNotFound,
//    listing the platforms the index has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::oci {

using annotation_map = std::vector<std::pair<std::string, std::string>>;

struct platform {
  std::string os;
  std::string architecture;
  std::string variant;
  std::string os_version;
  std::vector<std::string> os_features;
  // "os/architecture[/variant]"
  std::string str() const;
};

// "linux/amd64", "linux/arm64/v8"; InvalidReference otherwise.
result<platform> parse_platform(std::string_view text);
platform default_platform();  // linux/amd64

struct descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  annotation_map annotations;
  std::optional<oci::platform> platform;
  std::string artifact_type;
  std::vector<std::string> urls;
  // The annotation's value, or empty.
  std::string annotation(std::string_view key) const;
};

struct image_manifest {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  descriptor config;
  std::vector<descriptor> layers;
  std::optional<descriptor> subject;
  annotation_map annotations;
};

struct image_index {
  int schema_version = 2;
  std::string media_type;
  std::string artifact_type;
  std::vector<descriptor> manifests;
  std::optional<descriptor> subject;
  annotation_map annotations;
};

using parsed_manifest = std::variant<image_manifest, image_index>;

inline bool is_index(const parsed_manifest& m) { return std::holds_alternative<image_index>(m); }

// what names the object for errors, e.g. "manifest registry.example/team/app:v1".
result<parsed_manifest> parse_manifest(std::string_view body, std::string_view content_type, std::string_view what);

result<descriptor> select_platform(const image_index& index, const platform& want, std::string_view what);

}  // namespace fluxaws::oci
