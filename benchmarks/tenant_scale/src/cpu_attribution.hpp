// cpu_attribution.hpp — CPU per reconcile, per kind, from a steady-state window in
// which every kind re-reconciles at its own interval.
//
// The window is cut into slices (one /metrics scrape each); per slice we know the
// process's CPU time, its length and the reconciles finished per kind. The model is
//     cpu(slice) = idle_rate * seconds(slice) + sum_k cost_k * reconciles_k(slice)
// (idle_rate: timers, the manifest-directory poll, the scrapes themselves), fitted by
// non-negative least squares. Kinds interleave differently from slice to slice because
// their intervals differ, which is what makes the costs separable.
//
// Contract: pure. With fewer slices than unknowns, or when a kind's counts cannot be
// told apart from the others', that kind is reported as not identified (identified =
// false, cost 0) rather than given a made-up number. The aggregate figures need no
// model: total CPU over total reconciles, with and without the fitted idle share.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace fluxaws::bench {

struct cpu_slice {
  double seconds = 0;
  double cpu_seconds = 0;
  std::map<std::string, double> reconciles;  // by kind
};

struct kind_cost {
  double reconciles = 0;
  double cpu_seconds_per_reconcile = 0;
  bool identified = false;
};

struct cpu_attribution {
  double window_seconds = 0;
  double cpu_seconds = 0;
  double reconciles = 0;
  double idle_cpu_per_second = 0;        // fitted
  double cpu_per_reconcile_raw = 0;      // cpu / reconciles
  double cpu_per_reconcile = 0;          // (cpu - idle share) / reconciles
  double residual_rms = 0;               // CPU seconds per slice
  double r_squared = 0;
  std::map<std::string, kind_cost> kinds;
};

cpu_attribution attribute_cpu(const std::vector<cpu_slice>& slices);

}  // namespace fluxaws::bench
