// seed_content.hpp — the exact bytes a repository_seed turns into: blobs and manifests,
// built in memory before anything is pushed, so a bad seed fails as a whole with an
// error naming the repository and the reason (and nothing half-pushed).
//
// Contract:
//   - Deterministic: the same seed (and the same files) gives the same bytes, hence the
//     same digests, on every run.
//   - Images (image_seed, tag_range): one layer per repository (a tiny tar+gzip), one
//     OCI manifest per tag (annotated with the tag); one config per explicit tag, one
//     per tag range.
//   - Artifacts: see seed_types.hpp; Flux's media types.
//   - Layouts: every blob read is checked against its digest and size; descriptors may
//     be OCI/Docker manifests or indexes/lists; nested indexes are followed (depth 8).
//   - blobs are unique by digest; manifests are listed so that every manifest comes
//     after the manifests it references (push in order, or level by level).
//   - Tags are unique in a repository; a duplicate is an error naming it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "tests/emulator/registry/seed_types.hpp"

namespace emu::registry {

inline constexpr std::string_view oci_manifest_type = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index_type = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_manifest_type = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_list_type = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view oci_config_type = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer_type = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view flux_config_type = "application/vnd.cncf.flux.config.v1+json";
inline constexpr std::string_view flux_content_type = "application/vnd.cncf.flux.content.v1.tar+gzip";
// The fixed creation time of every seeded image and artifact.
inline constexpr std::string_view seed_created = "2024-01-01T00:00:00Z";

struct blob {
  std::string digest;  // sha256:<hex>
  std::string data;
};

struct manifest {
  std::string digest;               // sha256 of data
  std::string media_type;           // Content-Type of the PUT
  std::string data;
  std::vector<std::string> tags;    // empty: pushed by digest only
  int level = 0;                    // 0: references blobs only; n: references level n-1 manifests
};

struct repository_content {
  std::string account, region, name;  // the ECR repository
  std::string backing_name;           // the docker-registry repository
  std::vector<blob> blobs;
  std::vector<manifest> manifests;    // sorted by level
  std::size_t tag_count() const;
  // sha256 over (tag, digest) pairs and blob digests: equal fingerprints mean equal content.
  std::string fingerprint() const;
};

// base_dir resolves relative artifact and layout directories.
fluxaws::result<repository_content> build_repository_content(const repository_seed& seed,
                                                               const std::filesystem::path& base_dir);

// The tags a tag_range produces; an error for a format without exactly one %d
// conversion, a reversed or oversized range, or a result that is not a valid tag.
fluxaws::result<std::vector<std::string>> expand_tag_range(const tag_range& range);

}  // namespace emu::registry
