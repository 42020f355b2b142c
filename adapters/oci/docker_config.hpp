// The payload of a kubernetes.io/dockerconfigjson Secret (key ".dockerconfigjson"):
//   {"auths": {"<registry>": {"auth": "<base64 user:password>"}
//                            | {"username": "...", "password": "..."}
//                            | {"identitytoken": "..."} | {"registrytoken": "..."}}}
//
// Contract:
//  - Registry keys may carry a scheme and a path ("https://index.docker.io/v1/",
//    "registry.example:5000/v2/"); they are reduced to host[:port], lower-cased, with
//    Docker Hub's aliases folded into "docker.io" (canonical_registry). A key that has
//    no host is an error.
//  - "auth" wins over username/password when both are present (as docker does); it
//    must be base64 of "user:password".
//  - Errors are InvalidDockerConfig and name the Secret and the registry key, never a
//    credential value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/oci/registry_auth.hpp"

namespace fluxaws::oci {

struct docker_config_entry {
  std::string registry;  // canonical host[:port]
  std::string username;
  std::string password;
  std::string identity_token;
  std::string registry_token;
};

struct docker_config {
  std::vector<docker_config_entry> entries;
  // The entry for a registry host[:port] (canonicalised the same way), or nullptr.
  const docker_config_entry* find(std::string_view registry) const;
};

// source names the Secret in errors ("Secret default/regcred").
result<docker_config> parse_docker_config(std::string_view json_text, std::string_view source);

// The credentials to use for registry: registrytoken > identitytoken > user/password.
// No entry for the registry, or an entry without credentials, is InvalidDockerConfig.
result<registry_auth> auth_for_registry(const docker_config& config, std::string_view registry,
                                        std::string_view source);

// The host[:port] of a dockerconfig key; empty when it has none.
std::string docker_config_key_host(std::string_view key);

}  // namespace fluxaws::oci
