// The credential plane's settings: Flux's flags (--feature-gates=
// ObjectLevelWorkloadIdentity, --default-service-account, --default-decryption-
// service-account, --token-cache-max-size, --token-cache-max-duration), the
// controller's AWS environment, and the token caches' tuning. Built once by the
// runtime, then read-only.
//
// Contract: check_identity_options() is what the runtime calls before spawning the
// registry; it refuses (as Flux's controllers refuse to start) default ServiceAccounts
// without the feature gate, and tuning values outside their ranges. effective_*()
// apply the documented defaults and caps.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "adapters/aws/env.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors {

// Both clocks a cached credential is judged on: a steady clock (immune to wall-clock
// jumps) and the wall clock (what STS's Expiration is written in). Empty = the real ones.
struct identity_clock {
  std::function<std::chrono::steady_clock::time_point()> mono;
  std::function<std::chrono::system_clock::time_point()> wall;

  std::chrono::steady_clock::time_point mono_now() const { return mono ? mono() : std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const { return wall ? wall() : std::chrono::system_clock::now(); }
};

// Flux's token cache holds a token at most an hour (cache.TokenMaxDuration).
inline constexpr std::chrono::seconds token_cache_duration_cap{3600};

struct identity_options {
  // --feature-gates=ObjectLevelWorkloadIdentity=true
  bool object_level_identity = false;
  // Lockdown: objects that name no ServiceAccount use this one of their own namespace
  // (Kustomization decryption: default_decryption_service_account).
  std::string default_service_account;
  std::string default_decryption_service_account;

  // --token-cache-max-size: identities held (least recently used evicted first); 0
  // disables caching (every request fetches; only requests in flight together share).
  std::size_t token_cache_max_size = 100;
  // --token-cache-max-duration: a credential is reused at most this long (capped at 1h).
  std::chrono::seconds token_cache_max_duration = token_cache_duration_cap;
  // A credential is reused until this fraction of its lifetime (kubelet's and Flux's 80%).
  double reuse_fraction = 0.8;
  // Background refresh starts at this fraction of the reuse window (so the new
  // credential is in place before the old one stops being reused).
  double refresh_at = 0.9;
  bool background_refresh = true;
  // Flux's behaviour, for the benchmark's baseline: every cache lookup of the
  // controller waits behind one lock that a miss holds for its whole fetch.
  bool serialize_misses = false;
  // A token-cache actor with nothing valid to serve and no request for this long stops.
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
  // After a failed fetch, requests fail fast with that error for initial_backoff,
  // doubling per consecutive failure up to max_backoff, before STS is asked again.
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(2)};

  // Each HTTP call (STS, ECR, IMDS, ...) and the ServiceAccount token request.
  std::chrono::milliseconds call_timeout{10000};
  // A whole fetch (token, STS, chained AssumeRole, ECR) is answered by then: waiters get
  // a timeout error rather than silence. Requesters should wait at least this plus a
  // margin (reply_deadline()).
  std::chrono::milliseconds fetch_deadline{30000};
  // Lifetime asked for ServiceAccount tokens (TokenRequest's default hour).
  std::chrono::seconds sa_token_lifetime{3600};

  // The controller's environment: the process environment overlaid with the config
  // file's aws.env. The default chain, endpoint settings (AWS_USE_FIPS_ENDPOINT,
  // AWS_USE_DUALSTACK_ENDPOINT, AWS_ENDPOINT_URL_<SERVICE>, AWS_STS_REGIONAL_ENDPOINTS)
  // and AWS_REGION come from here.
  aws::env_map env;
  // AWS_REGION (config aws.region); empty: env's AWS_REGION.
  std::string default_region;
  // This host's name, for SOPS's "sops@<host>" AssumeRole session name.
  std::string hostname;

  identity_clock clock;
};

status check_identity_options(const identity_options& o);

// The region used when a request carries none: default_region, else AWS_REGION.
std::string effective_default_region(const identity_options& o);
// token_cache_max_duration capped at one hour (and at least one second).
std::chrono::seconds effective_max_duration(const identity_options& o);
// How long a requester should wait for the registry's answer.
std::chrono::milliseconds reply_deadline(const identity_options& o);

}  // namespace fluxaws::actors
