#include "actors/token_cache_metrics.hpp"

#include <mutex>

#include "adapters/common/metrics.hpp"

namespace fluxaws::actors::token_metrics {

namespace {

metrics::registry& reg() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto& r = metrics::registry::global();
    r.describe(events_total, metrics::type::counter,
               "Total number of cache retrieval events for a Gitops Toolkit resource reconciliation.");
    r.describe(requests_total, metrics::type::counter, "Total number of cache requests partioned by success or failure.");
    r.describe(cached_items, metrics::type::gauge, "Total number of items in the cache.");
    r.describe(evictions_total, metrics::type::counter, "Total number of cache evictions.");
  });
  return metrics::registry::global();
}

}  // namespace

void describe() { (void)reg(); }

void record_event(bool hit, const involved_object& o) {
  reg().counter_add(events_total, {{"event_type", hit ? "cache_hit" : "cache_miss"},
                                   {"kind", o.kind},
                                   {"name", o.name},
                                   {"namespace", o.ns},
                                   {"operation", o.operation}});
}

void record_request(bool success) { reg().counter_add(requests_total, {{"status", success ? "success" : "failure"}}); }

void add_items(double delta) { reg().gauge_add(cached_items, {}, delta); }

void add_evictions(double n) { reg().counter_add(evictions_total, {}, n); }

void forget_object(const std::string& kind, const std::string& name, const std::string& ns,
                   const std::string& operation) {
  for (const char* e : {"cache_hit", "cache_miss"})
    reg().remove_series_matching(
        {{"event_type", e}, {"kind", kind}, {"name", name}, {"namespace", ns}, {"operation", operation}});
}

}  // namespace fluxaws::actors::token_metrics
