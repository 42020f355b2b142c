#include "benchmarks/tenant_scale/src/cpu_attribution.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace fluxaws::bench {

namespace {

using matrix = std::vector<std::vector<double>>;

// Solves a x = b (Gaussian elimination with partial pivoting); nullopt when singular.
std::optional<std::vector<double>> solve(matrix a, std::vector<double> b) {
  std::size_t n = b.size();
  double scale = 0;
  for (const auto& row : a)
    for (double v : row) scale = std::max(scale, std::fabs(v));
  if (scale == 0) return std::nullopt;
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r][c]) > std::fabs(a[p][c])) p = r;
    if (std::fabs(a[p][c]) < 1e-9 * scale) return std::nullopt;
    std::swap(a[p], a[c]);
    std::swap(b[p], b[c]);
    for (std::size_t r = c + 1; r < n; ++r) {
      double f = a[r][c] / a[c][c];
      for (std::size_t k = c; k < n; ++k) a[r][k] -= f * a[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (std::size_t c = n; c-- > 0;) {
    double s = b[c];
    for (std::size_t k = c + 1; k < n; ++k) s -= a[c][k] * x[k];
    x[c] = s / a[c][c];
  }
  return x;
}

}  // namespace

cpu_attribution attribute_cpu(const std::vector<cpu_slice>& slices) {
  cpu_attribution out;
  std::vector<std::string> kinds;
  for (const auto& s : slices) {
    out.window_seconds += s.seconds;
    out.cpu_seconds += s.cpu_seconds;
    for (const auto& [k, n] : s.reconciles) {
      out.kinds[k].reconciles += n;
      out.reconciles += n;
    }
  }
  for (const auto& [k, c] : out.kinds)
    if (c.reconciles > 0) kinds.push_back(k);
  if (out.reconciles > 0) out.cpu_per_reconcile_raw = out.cpu_seconds / out.reconciles;

  // Columns: 0 = seconds (idle rate), 1.. = reconciles of each kind.
  std::size_t m = kinds.size() + 1;
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (const auto& s : slices) {
    std::vector<double> row{s.seconds};
    for (const auto& k : kinds) {
      auto it = s.reconciles.find(k);
      row.push_back(it == s.reconciles.end() ? 0 : it->second);
    }
    x.push_back(std::move(row));
    y.push_back(s.cpu_seconds);
  }

  // Non-negative least squares by trying every subset of free columns (m <= 6 here).
  double best_rss = std::numeric_limits<double>::infinity();
  std::vector<double> best(m, 0);
  std::vector<bool> best_active(m, false);
  for (unsigned mask = 1; mask < (1u << m); ++mask) {
    std::vector<std::size_t> cols;
    for (std::size_t c = 0; c < m; ++c)
      if (mask & (1u << c)) cols.push_back(c);
    if (cols.size() > slices.size()) continue;
    matrix ata(cols.size(), std::vector<double>(cols.size(), 0));
    std::vector<double> aty(cols.size(), 0);
    for (std::size_t r = 0; r < x.size(); ++r)
      for (std::size_t i = 0; i < cols.size(); ++i) {
        aty[i] += x[r][cols[i]] * y[r];
        for (std::size_t j = 0; j < cols.size(); ++j) ata[i][j] += x[r][cols[i]] * x[r][cols[j]];
      }
    auto sol = solve(ata, aty);
    if (!sol) continue;
    bool feasible = true;
    for (double v : *sol)
      if (v < 0) feasible = false;
    if (!feasible) continue;
    std::vector<double> coef(m, 0);
    for (std::size_t i = 0; i < cols.size(); ++i) coef[cols[i]] = (*sol)[i];
    double rss = 0;
    for (std::size_t r = 0; r < x.size(); ++r) {
      double pred = 0;
      for (std::size_t c = 0; c < m; ++c) pred += coef[c] * x[r][c];
      rss += (y[r] - pred) * (y[r] - pred);
    }
    // Prefer the larger model on (near) ties: a kind left out is "not identified".
    if (rss < best_rss * (1 - 1e-9) || (rss <= best_rss * (1 + 1e-9) && cols.size() > 0 &&
                                        static_cast<std::size_t>(std::count(best_active.begin(), best_active.end(), true)) <
                                            cols.size())) {
      best_rss = rss;
      best = coef;
      best_active.assign(m, false);
      for (auto c : cols) best_active[c] = true;
    }
  }
  if (std::isinf(best_rss)) return out;
  out.idle_cpu_per_second = best[0];
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    auto& kc = out.kinds[kinds[i]];
    kc.identified = best_active[i + 1] && best[i + 1] > 0;
    kc.cpu_seconds_per_reconcile = best[i + 1];
  }
  if (out.reconciles > 0)
    out.cpu_per_reconcile = std::max(0.0, out.cpu_seconds - out.idle_cpu_per_second * out.window_seconds) / out.reconciles;
  out.residual_rms = slices.empty() ? 0 : std::sqrt(best_rss / static_cast<double>(slices.size()));
  double mean = slices.empty() ? 0 : out.cpu_seconds / static_cast<double>(slices.size());
  double tss = 0;
  for (double v : y) tss += (v - mean) * (v - mean);
  out.r_squared = tss > 0 ? 1 - best_rss / tss : 0;
  return out;
}

}  // namespace fluxaws::bench
