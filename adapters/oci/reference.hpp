// Registry references: OCIRepository URLs ("oci://host[:port]/path/name") and image
// references ("host[:port]/path/name[:tag][@digest]"), by the grammar of the
// distribution reference package:
//   domain    := host [":" port]      host := DNS name | IPv4 | "[" IPv6 "]"
//   path      := component ("/" component)*
//   component := [a-z0-9]+ (("." | "_" | "__" | "-"+) [a-z0-9]+)*
//   tag       := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//   digest    := see content_digest.hpp
// The first path element is a registry host only when it contains "." or ":", is
// "localhost", or has an upper-case letter; otherwise the reference is on Docker Hub
// ("docker.io", "library/" prepended to single-element names; "index.docker.io" is
// normalised to "docker.io"). Host names are lower-cased (DNS is case-insensitive);
// the repository path must be lower case. Name (host + path) at most 255 characters.
//
// Every error is an InvalidReference naming the input and the reason.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::oci {

inline constexpr std::string_view docker_hub = "docker.io";
// Where Docker Hub's registry API lives.
inline constexpr std::string_view docker_hub_api_host = "registry-1.docker.io";

struct repository_ref {
  std::string registry;    // "host" or "host:port", lower case; "docker.io" for Docker Hub
  std::string repository;  // "team/app", "library/nginx"

  // host[:port] the registry API is reached at (Docker Hub's differs from its name).
  std::string api_host() const;
  // "registry/repository"
  std::string name() const { return registry + "/" + repository; }
  friend bool operator==(const repository_ref&, const repository_ref&) = default;
};

struct image_ref {
  repository_ref repo;
  std::string tag;     // may be empty
  std::string digest;  // may be empty
  // What to ask the registry for: the digest when there is one, else the tag.
  std::string reference() const { return digest.empty() ? tag : digest; }
  // "registry/repository[:tag][@digest]"
  std::string str() const;
};

// A repository name without tag or digest ("host/path/name" or a Docker Hub short name).
result<repository_ref> parse_repository(std::string_view name);
// An image reference with optional tag and digest.
result<image_ref> parse_image_reference(std::string_view ref);
// OCIRepository spec.url: "oci://" followed by a repository; tags and digests are
// refused (they belong in spec.ref).
result<repository_ref> parse_oci_url(std::string_view url);
// ImageRepository spec.image: a repository without scheme, tag or digest.
result<repository_ref> parse_image_repository(std::string_view image);

bool is_valid_tag(std::string_view tag);
// The registry key of a host for credential lookups: lower case, Docker Hub's aliases
// (index.docker.io, registry-1.docker.io) folded into "docker.io".
std::string canonical_registry(std::string_view host);

}  // namespace fluxaws::oci
