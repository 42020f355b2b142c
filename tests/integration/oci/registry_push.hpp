// Test helper: pushing content into a registry with plain distribution-spec calls
// (blob upload POST+PUT, manifest PUT), and the content the live-registry tests use:
// a Flux-style OCI artifact under three tags, a two-platform OCI index and a Docker v2
// manifest. Throws std::runtime_error naming the step that failed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fluxaws::oci::testing {

struct pushed {
  std::string digest;
  std::string body;
  std::string media_type;
};

std::string push_blob(uint16_t port, const std::string& repo, const std::string& bytes);
pushed push_manifest(uint16_t port, const std::string& repo, const std::string& reference,
                     const std::string& media_type, const std::string& body);

// {"mediaType":..,"digest":..,"size":..[,"annotations":{..}]}
std::string descriptor_json(const std::string& media_type, const std::string& bytes,
                            const std::string& annotations_json = "");

struct seeded_content {
  std::string repo = "flux/podinfo";
  std::string config;  // bytes
  std::string layer;   // bytes (pseudo-random, 64 KiB)
  pushed artifact;     // tags v1.0.0, v1.1.0, latest
  std::string amd64_layer, arm64_layer;
  pushed amd64, arm64, index;  // index tagged "multi"
  std::string docker_layer;
  pushed docker;  // tagged "docker"
  std::vector<std::string> tags;  // all tags, sorted
};

seeded_content seed(uint16_t port);

// Deterministic pseudo-random bytes.
std::string pseudo_random(std::size_t n, uint32_t seed);

}  // namespace fluxaws::oci::testing
