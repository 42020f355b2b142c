#include "adapters/common/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fluxaws::metrics {

namespace {

std::string format_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void escape_label(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
}

std::string render_labels(const labels& l, const std::pair<std::string, std::string>* extra = nullptr) {
  if (l.empty() && !extra) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    escape_label(out, v);
    out += '"';
  };
  for (const auto& [k, v] : l) add(k, v);
  if (extra) add(extra->first, extra->second);
  out += '}';
  return out;
}

labels sorted(labels l) {
  std::sort(l.begin(), l.end());
  return l;
}

}  // namespace

std::vector<double> default_buckets() { return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}; }

registry& registry::global() {
  static registry r;
  return r;
}

registry::family& registry::get(const std::string& name, type t) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    family f;
    f.t = t;
    if (t == type::histogram) f.buckets = default_buckets();
    it = families_.emplace(name, std::move(f)).first;
  }
  return it->second;
}

void registry::describe(const std::string& name, type t, std::string help, std::vector<double> buckets) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = get(name, t);
  f.t = t;
  f.help = std::move(help);
  if (t == type::histogram) {
    if (buckets.empty()) buckets = default_buckets();
    std::sort(buckets.begin(), buckets.end());
    f.buckets = std::move(buckets);
  }
}

void registry::counter_add(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  get(name, type::counter).data[sorted(l)].value += v;
}

void registry::gauge_set(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  get(name, type::gauge).data[sorted(l)].value = v;
}

void registry::gauge_add(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  get(name, type::gauge).data[sorted(l)].value += v;
}

void registry::histogram_observe(const std::string& name, const labels& l, double v) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& f = get(name, type::histogram);
  auto& s = f.data[sorted(l)];
  if (s.counts.size() != f.buckets.size()) s.counts.assign(f.buckets.size(), 0);
  for (std::size_t i = 0; i < f.buckets.size(); ++i)
    if (v <= f.buckets[i]) {
      ++s.counts[i];
      break;
    }
  ++s.count;
  s.sum += v;
}

void registry::remove_series_with(std::string_view key, std::string_view value) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : families_) {
    for (auto it = f.data.begin(); it != f.data.end();) {
      bool hit = std::any_of(it->first.begin(), it->first.end(),
                             [&](const auto& kv) { return kv.first == key && kv.second == value; });
      it = hit ? f.data.erase(it) : std::next(it);
    }
  }
}

void registry::remove_series_matching(const labels& match) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : families_) {
    for (auto it = f.data.begin(); it != f.data.end();) {
      bool all = std::all_of(match.begin(), match.end(), [&](const auto& m) {
        return std::find(it->first.begin(), it->first.end(), m) != it->first.end();
      });
      it = all ? f.data.erase(it) : std::next(it);
    }
  }
}

std::string registry::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    if (!f.help.empty()) out += "# HELP " + name + " " + f.help + "\n";
    out += "# TYPE " + name + " " +
           (f.t == type::counter ? "counter" : f.t == type::gauge ? "gauge" : "histogram") + "\n";
    for (const auto& [l, s] : f.data) {
      if (f.t != type::histogram) {
        out += name + render_labels(l) + " " + format_value(s.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += i < s.counts.size() ? s.counts[i] : 0;
        std::pair<std::string, std::string> le{"le", format_value(f.buckets[i])};
        out += name + "_bucket" + render_labels(l, &le) + " " + std::to_string(cumulative) + "\n";
      }
      std::pair<std::string, std::string> inf{"le", "+Inf"};
      out += name + "_bucket" + render_labels(l, &inf) + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + render_labels(l) + " " + format_value(s.sum) + "\n";
      out += name + "_count" + render_labels(l) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

double registry::value(const std::string& name, const labels& l) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  auto s = it->second.data.find(sorted(l));
  if (s == it->second.data.end()) return 0;
  return it->second.t == type::histogram ? static_cast<double>(s->second.count) : s->second.value;
}

double registry::total(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) return 0;
  double sum = 0;
  for (const auto& [l, s] : it->second.data)
    sum += it->second.t == type::histogram ? static_cast<double>(s.count) : s.value;
  return sum;
}

void registry::reset() {
  std::lock_guard<std::mutex> lock(mu_);
  families_.clear();
}

}  // namespace fluxaws::metrics
