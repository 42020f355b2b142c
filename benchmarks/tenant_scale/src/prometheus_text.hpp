// prometheus_text.hpp — reading fluxaws's /metrics (Prometheus text format 0.0.4) for
// the benchmark: samples, sums over label filters, histograms merged per kind, and
// quantiles interpolated from buckets the way PromQL's histogram_quantile() does.
//
// Contract: pure functions. Comment and malformed lines are skipped (a scrape is
// never fatal: a missing family reads as zero). Label values are unescaped (\\, \",
// \n). Histograms are merged by summing bucket counts with equal `le`.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::bench {

struct sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  const std::string* label(std::string_view key) const;
};

std::vector<sample> parse_exposition(std::string_view text);

// Sum of the samples of `name` whose labels include every pair of `match`.
double sum_of(const std::vector<sample>& samples, std::string_view name,
              const std::vector<std::pair<std::string, std::string>>& match = {});

// Sum of `name` per value of label `by` (e.g. reconciles per kind).
std::map<std::string, double> sum_by(const std::vector<sample>& samples, std::string_view name, std::string_view by);

struct histogram {
  std::vector<std::pair<double, double>> buckets;  // (upper bound, cumulative count), +Inf last
  double count = 0;
  double sum = 0;
};

// Every series of histogram `name` merged per value of label `by`; key "" holds all.
std::map<std::string, histogram> histograms_by(const std::vector<sample>& samples, std::string_view name,
                                               std::string_view by);

// a - b, bucket by bucket (a window's observations from two scrapes).
histogram subtract(const histogram& a, const histogram& b);

// The q-quantile (0..1); 0 with no observations; observations above the largest
// finite bound give that bound, as histogram_quantile() does.
double quantile(const histogram& h, double q);

}  // namespace fluxaws::bench
