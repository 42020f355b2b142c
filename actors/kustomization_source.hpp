// What a Kustomization reads from the objects it depends on, as kustomize-controller
// reads them: the source's artifact (status.artifact: url, revision, digest, and the
// origin revision an OCI artifact carries), whether a failing source or dependency has
// settled (so `run --once` stops waiting), Flux's dependsOn readiness rules, and the
// artifact digest check. Pure functions over json::value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "actors/kustomization_spec.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors::kustomization {

struct source_artifact {
  std::string url;
  std::string revision;
  std::string digest;           // "sha256:<hex>"; may be empty for old sources
  std::string origin_revision;  // org.opencontainers.image.revision, when present
};

// nullopt when the status has no artifact (with a URL and a revision).
std::optional<source_artifact> artifact_of(const json::value& status);

// Changes whenever the source's artifact does (revision and digest): dependents
// reconcile on a change only.
std::string artifact_token(const json::value& status);

// Ready is False and the object is not reconciling any more: it failed and will not
// produce anything until its next attempt.
bool settled_not_ready(const json::value& object);

// Flux's checkDependencies for one dependency (dep: the dependency object with its
// status): nullopt when it is ready; otherwise the message ("dependency 'ns/name' is
// not ready", "dependency 'ns/name' revision is not up to date").
std::optional<std::string> dependency_not_ready(const dependency& d, const json::value& dep, const spec& self,
                                                const source_artifact& artifact);

// The artifact digest check: "sha256:<hex>" against the hex SHA-256 of what was
// downloaded. An empty expected digest is accepted (sources before digests).
status verify_artifact_digest(std::string_view expected, std::string_view got_sha256_hex);

}  // namespace fluxaws::actors::kustomization
