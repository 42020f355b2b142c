#include "benchmarks/tenant_scale/src/prometheus_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace fluxaws::bench {

const std::string* sample::label(std::string_view key) const {
  for (const auto& [k, v] : labels)
    if (k == key) return &v;
  return nullptr;
}

namespace {

double parse_number(std::string_view s, bool& ok) {
  ok = true;
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::nan("");
  std::string tmp(s);
  char* end = nullptr;
  double v = std::strtod(tmp.c_str(), &end);
  ok = end && *end == '\0' && !tmp.empty();
  return v;
}

// Parses `{k="v",...}` starting at s[i] == '{'; i ends after '}'.
bool parse_labels(std::string_view s, std::size_t& i, std::vector<std::pair<std::string, std::string>>& out) {
  ++i;
  while (i < s.size() && s[i] != '}') {
    std::size_t eq = s.find('=', i);
    if (eq == std::string_view::npos || eq + 1 >= s.size() || s[eq + 1] != '"') return false;
    std::string key(s.substr(i, eq - i));
    std::string value;
    std::size_t j = eq + 2;
    for (; j < s.size() && s[j] != '"'; ++j) {
      if (s[j] == '\\' && j + 1 < s.size()) {
        ++j;
        value.push_back(s[j] == 'n' ? '\n' : s[j]);
      } else {
        value.push_back(s[j]);
      }
    }
    if (j >= s.size()) return false;
    out.emplace_back(std::move(key), std::move(value));
    i = j + 1;
    if (i < s.size() && s[i] == ',') ++i;
  }
  if (i >= s.size()) return false;
  ++i;
  return true;
}

bool matches(const sample& smp, const std::vector<std::pair<std::string, std::string>>& match) {
  for (const auto& [k, v] : match) {
    const std::string* have = smp.label(k);
    if (!have || *have != v) return false;
  }
  return true;
}

}  // namespace

std::vector<sample> parse_exposition(std::string_view text) {
  std::vector<sample> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#') continue;
    sample smp;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    smp.name = std::string(line.substr(0, i));
    if (smp.name.empty()) continue;
    if (i < line.size() && line[i] == '{' && !parse_labels(line, i, smp.labels)) continue;
    while (i < line.size() && line[i] == ' ') ++i;
    std::size_t end = line.find(' ', i);  // an optional timestamp follows
    bool ok = false;
    smp.value = parse_number(line.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i), ok);
    if (!ok) continue;
    out.push_back(std::move(smp));
  }
  return out;
}

double sum_of(const std::vector<sample>& samples, std::string_view name,
              const std::vector<std::pair<std::string, std::string>>& match) {
  double total = 0;
  for (const auto& s : samples)
    if (s.name == name && matches(s, match)) total += s.value;
  return total;
}

std::map<std::string, double> sum_by(const std::vector<sample>& samples, std::string_view name, std::string_view by) {
  std::map<std::string, double> out;
  for (const auto& s : samples) {
    if (s.name != name) continue;
    const std::string* v = s.label(by);
    out[v ? *v : std::string()] += s.value;
  }
  return out;
}

std::map<std::string, histogram> histograms_by(const std::vector<sample>& samples, std::string_view name,
                                               std::string_view by) {
  std::string bucket = std::string(name) + "_bucket", count = std::string(name) + "_count",
              sum = std::string(name) + "_sum";
  std::map<std::string, std::map<double, double>> buckets;
  std::map<std::string, histogram> out;
  for (const auto& s : samples) {
    bool is_bucket = s.name == bucket, is_count = s.name == count, is_sum = s.name == sum;
    if (!is_bucket && !is_count && !is_sum) continue;
    const std::string* key = s.label(by);
    std::string k = key ? *key : std::string();
    for (const std::string& target : {k, std::string()}) {
      if (is_bucket) {
        const std::string* le = s.label("le");
        bool ok = false;
        double bound = le ? parse_number(*le, ok) : 0;
        if (ok) buckets[target][bound] += s.value;
      } else if (is_count) {
        out[target].count += s.value;
      } else {
        out[target].sum += s.value;
      }
      if (k.empty()) break;  // a series without the label counts once, in ""
    }
  }
  for (auto& [k, m] : buckets)
    for (const auto& [bound, c] : m) out[k].buckets.emplace_back(bound, c);
  return out;
}

histogram subtract(const histogram& a, const histogram& b) {
  histogram d;
  d.count = a.count - b.count;
  d.sum = a.sum - b.sum;
  for (const auto& [bound, c] : a.buckets) {
    double before = 0;
    for (const auto& [bb, bc] : b.buckets)
      if (bb == bound) before = bc;
    d.buckets.emplace_back(bound, c - before);
  }
  return d;
}

double quantile(const histogram& h, double q) {
  if (h.buckets.empty()) return 0;
  double total = h.buckets.back().second;
  if (total <= 0) return 0;
  double rank = q * total;
  double lower = 0, below = 0;
  for (std::size_t i = 0; i < h.buckets.size(); ++i) {
    auto [bound, cumulative] = h.buckets[i];
    if (cumulative >= rank) {
      if (std::isinf(bound)) return i == 0 ? 0 : h.buckets[i - 1].first;
      double in_bucket = cumulative - below;
      if (in_bucket <= 0) return bound;
      return lower + (bound - lower) * (rank - below) / in_bucket;
    }
    lower = bound;
    below = cumulative;
  }
  return lower;
}

}  // namespace fluxaws::bench
