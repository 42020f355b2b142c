// engine_modes.hpp — the two configurations of the same fluxaws engine a run compares.
//
//   fluxaws   the defaults: no per-kind cap on concurrent reconciles, a credential
//             cache miss is single-flight per identity, credentials refreshed ahead
//             of expiry in the background.
//   baseline  a model of Flux's controllers' defaults, as configuration of the same
//             engine (not Flux itself): per-kind worker limits equal to Flux's
//             --concurrent defaults (source-controller 2: Bucket, OCIRepository;
//             image-reflector-controller 4: ImageRepository, ImagePolicy;
//             kustomize-controller 4: Kustomization), every credential cache miss
//             serialized behind one lock (tokenCache.serializeMisses), no background
//             refresh (tokenCache.backgroundRefresh: false).
//
// Both start from the fluxaws.yaml the emulator writes (CA, connect-to rules, region,
// ServiceAccount token issuer and key) and add the feature gate for object-level
// identity, loopback listeners (metrics on an ephemeral port, no health server) and
// JSON logs. With lift_account_limits (a world with more tenants in one account than
// AWS's per-account bursts allow), both also turn off fluxaws's built-in STS, ECR and
// registry rate limits (aws.rateLimits perSecond 0), which model those quotas. Contract: pure;
// mode_yaml() is what gets written and kept with the results.
#pragma once

#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::bench {

struct engine_mode {
  std::string name;
  std::string description;
  json::value config;
};

const std::vector<std::string>& mode_names();  // fluxaws, baseline
result<engine_mode> make_mode(const std::string& name, const json::value& emulator_config,
                              bool lift_account_limits = false);
std::string mode_yaml(const engine_mode& m);

}  // namespace fluxaws::bench
