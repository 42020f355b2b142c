// A Prometheus metrics registry: counters, gauges and histograms with labels,
// rendered in the text exposition format (version 0.0.4). Thread-safe; one global
// instance is served by the runtime's /metrics endpoint. Series of a deleted object
// can be dropped by label.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

enum class type { counter, gauge, histogram };

class registry {
 public:
  static registry& global();

  // Declares a family; buckets only for histograms. Using an undeclared family
  // declares it with an empty help text (and default buckets for histograms).
  void describe(const std::string& name, type t, std::string help, std::vector<double> buckets = {});

  void counter_add(const std::string& name, const labels& l, double v = 1);
  void gauge_set(const std::string& name, const labels& l, double v);
  void gauge_add(const std::string& name, const labels& l, double v);
  void histogram_observe(const std::string& name, const labels& l, double v);

  // Drops every series of every family whose labels contain key=value.
  void remove_series_with(std::string_view key, std::string_view value);
  // Drops series matching all the given labels.
  void remove_series_matching(const labels& match);

  std::string render() const;

  // For tests and reports: the value of a counter/gauge series (0 when absent), or
  // a histogram's count.
  double value(const std::string& name, const labels& l) const;
  // Sum over all series of a family (counters/gauges), or total count (histograms).
  double total(const std::string& name) const;

  void reset();

 private:
  struct series {
    double value = 0;              // counter / gauge
    std::vector<uint64_t> counts;  // histogram buckets (cumulative on render)
    uint64_t count = 0;
    double sum = 0;
  };
  struct family {
    type t = type::counter;
    std::string help;
    std::vector<double> buckets;
    std::map<labels, series> data;
  };
  family& get(const std::string& name, type t);

  mutable std::mutex mu_;
  std::map<std::string, family> families_;
};

// Default histogram buckets (Prometheus client_golang's DefBuckets), which Flux
// uses for gotk_reconcile_duration_seconds.
std::vector<double> default_buckets();

}  // namespace fluxaws::metrics
