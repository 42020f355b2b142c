// seed_types.hpp — what the world file asks the emulator's registry to hold.
//
// Contract: plain data, filled by the world parser (tests/emulator, core helper) from
// `ecr.repositories[]` and consumed by seed_content.hpp / seeder.hpp. Directory paths
// are used as given when absolute; relative ones are resolved against
// seed_options::base_dir (the world file's folder). Tags must be unique within one
// repository across images, ranges, artifacts and layouts.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace emu::registry {

// Each tag is its own tiny image: a layer shared by the repository, a small config that
// names the repository and the tag, and a manifest whose annotations name them too
// (org.opencontainers.image.version = the tag), so every tag has a distinct, stable digest.
struct image_seed {
  std::vector<std::string> tags;
};

// printf-style: format holds exactly one %d conversion (flags '0'/'-' and a width
// allowed, "%%" for a literal percent), e.g. "build-%04d" from 1 to 1500. Every
// number in [from, to] becomes one tag with its own manifest (distinct digest, its
// annotations name the tag); the tags of one range share one config, which keeps
// seeding a 1,500-tag range to one request per tag.
struct tag_range {
  std::string format;
  int from = 0, to = -1;
};

// A Flux artifact (what `flux push artifact` makes): the deterministic tar+gzip of dir
// as the single layer (application/vnd.cncf.flux.content.v1.tar+gzip), config
// application/vnd.cncf.flux.config.v1+json holding "{}", manifest annotations
// org.opencontainers.image.created/source/revision (stable defaults) overridden and
// extended by `annotations`. All tags of one artifact_seed name the same manifest.
struct artifact_seed {
  std::vector<std::string> tags;
  std::string dir;
  std::map<std::string, std::string> annotations;
};

// An OCI image layout directory (oci-layout, index.json, blobs/<alg>/<hex>). Every
// descriptor of index.json is pushed with what it references (image indexes with
// their manifests); tags come from its org.opencontainers.image.ref.name annotation,
// descriptors without one are pushed by digest only.
struct layout_seed {
  std::string dir;
};

struct repository_seed {
  std::string account, region, name;
  std::vector<image_seed> images;
  std::vector<tag_range> ranges;
  std::vector<artifact_seed> artifacts;
  std::vector<layout_seed> layouts;
};

}  // namespace emu::registry
