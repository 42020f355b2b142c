// The token caches' Prometheus series, named and labelled as Flux's (fluxcd/pkg cache,
// prefix "gotk_token_"), in the process-wide registry (adapters/common/metrics.hpp):
//   gotk_token_cache_events_total{event_type="cache_hit"|"cache_miss",kind,name,namespace,operation}
//       one per lookup for an object: a miss is a lookup that had to fetch (requests
//       that join a fetch in flight, like Flux's lookups that waited on its lock, are hits)
//   gotk_token_cache_requests_total{status="success"|"failure"}  one per lookup, by outcome
//   gotk_token_cached_items                                       credentials and ECR tokens held
//   gotk_token_cache_evictions_total                              items dropped because the LRU bound was hit
//       (an idle token cache stops only once it holds nothing valid; expiry is not eviction)
// An ECR token request is two lookups when its token must be fetched (the identity's
// credentials, then the token), one when the token is cached.
#pragma once

#include <string>

namespace fluxaws::actors::token_metrics {

inline constexpr const char* events_total = "gotk_token_cache_events_total";
inline constexpr const char* requests_total = "gotk_token_cache_requests_total";
inline constexpr const char* cached_items = "gotk_token_cached_items";
inline constexpr const char* evictions_total = "gotk_token_cache_evictions_total";

struct involved_object {
  std::string kind;
  std::string name;
  std::string ns;
  std::string operation;
};

// Declares the four families (with Flux's help texts); idempotent.
void describe();
void record_event(bool hit, const involved_object& o);
void record_request(bool success);
void add_items(double delta);
void add_evictions(double n);
// Drops the event series of a deleted object (Flux's DeleteEventsForObject).
void forget_object(const std::string& kind, const std::string& name, const std::string& ns,
                   const std::string& operation);

}  // namespace fluxaws::actors::token_metrics
