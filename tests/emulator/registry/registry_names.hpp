// registry_names.hpp — names on the ECR registry wire and how they map to the backing
// docker-registry. Pure functions, no I/O.
//
// Contract:
//   - parse_v2_path() splits a request path (no query, already percent-decoded) into
//     the endpoint and the repository name. ECR names have several segments
//     ("tenant-a/app", even "tenant-a/manifests"), so the path is read from the right:
//     /v2/<name>/tags/list, /v2/<name>/manifests/<ref>, /v2/<name>/blobs/<digest>,
//     /v2/<name>/blobs/uploads/[<id>]. nullopt when it is none of these.
//   - backing_name() is the docker-registry repository for an ECR repository; it
//     carries account and region, so two accounts' "app" never collide.
//   - parse_registry_host() reads "<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]"
//     with an optional ":port".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace emu::registry {

enum class endpoint { ping, catalog, tags_list, manifest, blob, upload_start, upload_session };

struct v2_path {
  endpoint kind = endpoint::ping;
  std::string name;       // ECR repository name; empty for ping and catalog
  std::string reference;  // tag or digest (manifest), digest (blob), upload id (session)
};

std::optional<v2_path> parse_v2_path(std::string_view path);

// Distribution's grammar: components [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by '/',
// at most 256 characters (ECR's limit).
bool valid_repository_name(std::string_view name);
// [A-Za-z0-9_][A-Za-z0-9._-]{0,127}
bool valid_tag(std::string_view tag);
// sha256:<64 lower hex> or sha512:<128 lower hex>
bool valid_digest(std::string_view digest);

std::string backing_name(std::string_view account, std::string_view region, std::string_view name);
std::string repository_arn(std::string_view account, std::string_view region, std::string_view name);

struct registry_host {
  std::string account, region;
};
std::optional<registry_host> parse_registry_host(std::string_view host);

// The decoded value of `key` in a raw query string (first occurrence); nullopt when
// absent or badly escaped.
std::optional<std::string> query_param(std::string_view query, std::string_view key);

}  // namespace emu::registry
