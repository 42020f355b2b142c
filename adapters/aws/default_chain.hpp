// The AWS SDKs' default credential chain, reduced to what a controller pod uses, in
// the SDKs' order: static keys from the environment → web identity (IRSA) →
// container credentials (ECS, EKS Pod Identity) → EC2 instance metadata. The first
// source that is configured is chosen — a configured but broken one is an error, not
// a reason to fall through (the SDKs do the same for the environment-driven sources).
//
// A source_config is a plain value (it can travel in a message); make_source() turns
// it into a fresh step machine for one fetch.
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <variant>

#include "adapters/aws/container_source.hpp"
#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/env.hpp"
#include "adapters/aws/imds_source.hpp"
#include "adapters/aws/static_source.hpp"
#include "adapters/aws/web_identity_source.hpp"

namespace fluxaws::aws {

using source_config = std::variant<static_config, web_identity_config, container_config, imds_config>;

result<source_config> choose_source(const env_map& env);

std::unique_ptr<credential_source> make_source(const source_config& cfg, std::chrono::system_clock::time_point now);

// "static", "web-identity", "container", "imds"
std::string_view source_name(const source_config& cfg);

}  // namespace fluxaws::aws
