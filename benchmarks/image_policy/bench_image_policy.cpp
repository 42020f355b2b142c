// bench_image_policy: how many ImagePolicy evaluations per second select_latest() sustains over
// a repository of 10,000 tags, per policy type, with the filter and range compiled once. The
// baseline is the cheapest conceivable policy over the same tags: a byte-wise maximum, no
// parsing. Also reports what compiling a policy costs, and the CPU paths of the reconcilers
// ("reconciler"): an ImagePolicy reconcile as the actor runs it on an event (spec parsed and
// compiled, the list from the tag database's memory, evaluated), the same after a restart
// (the list read back from the state directory's tags.txt), and an ImageRepository scan's
// work on the listed tags (exclusions, descending sort, sha256 revision).
//
// Usage: bench_image_policy [--quick] [--tags N]
// Output: one JSON document on stdout, then two summary lines. Exit status 1 when a selection
// is wrong or changes between runs; timing is reported, never asserted.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "actors/image_policy_select.hpp"
#include "actors/imagepolicy_spec.hpp"
#include "actors/imagerepository_scan.hpp"
#include "actors/imagerepository_spec.hpp"
#include "actors/imagerepository_tag_db.hpp"
#include "adapters/common/json.hpp"

using namespace fluxaws;
using clock_type = std::chrono::steady_clock;

namespace {

// A repository the way CI pipelines fill one: release versions (some "v"-prefixed, some
// pre-releases), Flux's recommended "main-<sha>-<timestamp>" build tags, numbered builds,
// pull-request tags and a few floating names. Deterministic.
std::vector<std::string> make_tags(std::size_t n) {
  std::mt19937_64 rng(42);
  auto hex = [&](int len) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < len; ++i) s += digits[rng() % 16];
    return s;
  };
  std::vector<std::string> tags;
  tags.reserve(n);
  const char* floating[] = {"latest", "stable", "edge", "nightly", "canary"};
  for (std::size_t i = 0; tags.size() < n; ++i) {
    switch (i % 10) {
      case 0:
      case 1:
      case 2: {  // releases
        const unsigned major = static_cast<unsigned>(rng() % 4), minor = static_cast<unsigned>(rng() % 30),
                       patch = static_cast<unsigned>(rng() % 40);
        std::string t = (rng() % 2 ? "v" : "") + std::to_string(major) + "." + std::to_string(minor) + "." +
                        std::to_string(patch);
        if (rng() % 5 == 0) t += "-rc." + std::to_string(rng() % 9 + 1);
        tags.push_back(std::move(t));
        break;
      }
      case 3:
      case 4:
      case 5:  // main-<sha>-<unix timestamp>
        tags.push_back("main-" + hex(7) + "-" + std::to_string(1600000000 + rng() % 200000000));
        break;
      case 6:
      case 7:  // build-<n>
        tags.push_back("build-" + std::to_string(rng() % 100000));
        break;
      case 8:  // pr-<n>-<sha>
        tags.push_back("pr-" + std::to_string(rng() % 5000) + "-" + hex(7));
        break;
      default:
        tags.push_back(floating[rng() % 5]);
    }
  }
  return tags;
}

// CPU time of this thread: on a shared machine it counts only the work done, not the waiting.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct measurement {
  double evals_per_cpu_second = 0;   // evaluations per second of CPU time (the headline figure)
  double evals_per_wall_second = 0;  // the same per elapsed second (lower when cores are shared)
  double ns_per_tag = 0;             // CPU nanoseconds per tag per evaluation
  long evaluations = 0;
};

// Runs `eval` repeatedly for about `seconds` of CPU time, `rounds` times; keeps the median.
measurement measure(const std::function<void()>& eval, double seconds, int rounds, std::size_t tags) {
  std::vector<double> cpu_rates, wall_rates;
  long total = 0;
  for (int r = 0; r < rounds; ++r) {
    long count = 0;
    const auto wall_start = clock_type::now();
    const double cpu_start = thread_cpu_seconds();
    double cpu = 0;
    do {
      eval();
      ++count;
      cpu = thread_cpu_seconds() - cpu_start;
    } while (cpu < seconds);
    const double wall = std::chrono::duration<double>(clock_type::now() - wall_start).count();
    cpu_rates.push_back(static_cast<double>(count) / cpu);
    wall_rates.push_back(static_cast<double>(count) / wall);
    total += count;
  }
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::sort(wall_rates.begin(), wall_rates.end());
  measurement m;
  m.evals_per_cpu_second = cpu_rates[cpu_rates.size() / 2];
  m.evals_per_wall_second = wall_rates[wall_rates.size() / 2];
  m.ns_per_tag = 1e9 / m.evals_per_cpu_second / static_cast<double>(tags);
  m.evaluations = total;
  return m;
}

// Microseconds to compile a policy (range or regex), median of many.
template <class F>
double compile_micros(F&& compile, int times) {
  std::vector<double> us;
  for (int i = 0; i < times; ++i) {
    const auto start = clock_type::now();
    compile();
    us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

struct policy_case {
  const char* name;
  const char* description;
  policy::selector selector;
  std::optional<policy::tag_filter> filter;
  double compile_us = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_image_policy: %s\n", what.c_str());
  std::exit(1);
}

template <class T>
T must(result<T> r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message);
  return std::move(r.value());
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::size_t n = 10000;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) {
      quick = true;
    } else if (std::strcmp(argv[i], "--tags") == 0 && i + 1 < argc) {
      n = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
    } else {
      std::fprintf(stderr, "usage: bench_image_policy [--quick] [--tags N]\n");
      return 2;
    }
  }
  const double seconds = quick ? 0.05 : 0.4;
  const int rounds = quick ? 1 : 5;
  const auto tags = make_tags(n);

  const char* range = ">=1.0.0 <3.0.0";
  const char* pattern = "^main-[a-fA-F0-9]+-(?P<ts>[0-9]+)$";
  std::vector<policy_case> cases;
  cases.push_back({"semver", "semver range >=1.0.0 <3.0.0, no filter", must(policy::selector::semver(range), "range"),
                   std::nullopt});
  cases.push_back({"semver_prerelease", "semver range >=1.0.0-0 (pre-releases admitted), no filter",
                   must(policy::selector::semver(">=1.0.0-0"), "range"), std::nullopt});
  cases.push_back({"alphabetical", "alphabetical asc, no filter", must(policy::selector::alphabetical("asc"), "order"),
                   std::nullopt});
  cases.push_back({"numerical_filter_extract", "numerical asc, filter ^main-[a-fA-F0-9]+-(?P<ts>[0-9]+)$ extract $ts",
                   must(policy::selector::numerical("asc"), "order"),
                   must(policy::tag_filter::compile(pattern, "$ts"), "filter")});
  cases.push_back({"alphabetical_filter", "alphabetical asc, filter ^build- (no extract)",
                   must(policy::selector::alphabetical("asc"), "order"),
                   must(policy::tag_filter::compile("^build-", ""), "filter")});

  const int compile_times = quick ? 20 : 500;
  cases[0].compile_us = compile_micros([&] { (void)policy::selector::semver(range); }, compile_times);
  cases[1].compile_us = compile_micros([&] { (void)policy::selector::semver(">=1.0.0-0"); }, compile_times);
  cases[2].compile_us = compile_micros([&] { (void)policy::selector::alphabetical("asc"); }, compile_times);
  cases[3].compile_us = compile_micros([&] { (void)policy::tag_filter::compile(pattern, "$ts"); }, compile_times);
  cases[4].compile_us = compile_micros([&] { (void)policy::tag_filter::compile("^build-", ""); }, compile_times);

  // Baseline: the byte-wise maximum of the tags, nothing else.
  std::size_t sink = 0;
  const measurement baseline = measure(
      [&] {
        const auto it = std::max_element(tags.begin(), tags.end(),
                                          [](const std::string& a, const std::string& b) { return a < b; });
        sink += it->size();
      },
      seconds, rounds, tags.size());

  std::vector<measurement> results;
  std::vector<std::string> chosen;
  for (const auto& c : cases) {
    const policy::tag_filter* f = c.filter ? &*c.filter : nullptr;
    auto first = policy::select_latest(tags, f, c.selector);
    if (!first) die(std::string(c.name) + ": " + first.error().message);
    const std::string expected = first->tag;
    bool stable = true;
    results.push_back(measure(
        [&] {
          auto r = policy::select_latest(tags, f, c.selector);
          if (!r || r->tag != expected) stable = false;
        },
        seconds, rounds, tags.size()));
    if (!stable) die(std::string(c.name) + ": the selection changed between evaluations");
    chosen.push_back(expected);
  }

  // Sanity: check each choice against an independent reading of the tag list.
  {
    std::string best_ts;
    std::string best_tag;
    for (const auto& t : tags) {
      if (t.rfind("main-", 0) != 0) continue;
      const std::string ts = t.substr(t.rfind('-') + 1);
      if (ts.size() > best_ts.size() || (ts.size() == best_ts.size() && ts >= best_ts)) {
        best_ts = ts;
        best_tag = t;
      }
    }
    if (chosen[3] != best_tag) die("numerical selection " + chosen[3] + " is not the newest main- tag " + best_tag);
    if (chosen[2] != *std::max_element(tags.begin(), tags.end())) die("alphabetical selection is not the maximum");
  }

  std::printf("{\n  \"benchmark\": \"image_policy\",\n  \"tags\": %zu,\n  \"quick\": %s,\n", tags.size(),
              quick ? "true" : "false");
  std::printf("  \"baseline\": {\"description\": \"byte-wise max over the tags\", "
              "\"evaluations_per_cpu_second\": %.0f, \"evaluations_per_wall_second\": %.0f, \"ns_per_tag\": %.2f},\n",
              baseline.evals_per_cpu_second, baseline.evals_per_wall_second, baseline.ns_per_tag);
  std::printf("  \"policies\": [\n");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    const auto& m = results[i];
    std::printf("    {\"policy\": \"%s\", \"description\": \"%s\", \"selected\": \"%s\", "
                "\"evaluations_per_cpu_second\": %.0f, \"evaluations_per_wall_second\": %.0f, \"ns_per_tag\": %.2f, "
                "\"cost_vs_baseline\": %.2f, \"compile_us\": %.2f}%s\n",
                c.name, c.description, chosen[i].c_str(), m.evals_per_cpu_second, m.evals_per_wall_second, m.ns_per_tag,
                baseline.evals_per_cpu_second / m.evals_per_cpu_second, c.compile_us, i + 1 < cases.size() ? "," : "");
  }
  // ---- the reconcilers' paths -------------------------------------------------------------
  namespace ip = fluxaws::actors::imagepolicy;
  namespace ir = fluxaws::actors::imagerepository;
  auto ex = must(ir::exclusions::compile({std::string(ir::default_exclusion)}), "exclusions");
  auto stored_list = ir::stored_tag_list(tags, ex);
  std::string tmpl = (std::filesystem::temp_directory_path() / "fluxaws-bench-tags-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) die("mkdtemp failed");
  const std::string state_dir = tmpl;
  auto db = std::make_shared<ir::tag_db>(state_dir, 16);
  const std::string revision = must(db->set_tags("bench", "repo", stored_list), "set_tags");

  struct path_case {
    const char* name;
    const char* description;
    json::value object;
    std::string expected;
  };
  auto policy_object = [](const std::string& spec_json) {
    auto v = json::parse("{\"apiVersion\":\"image.toolkit.fluxcd.io/v1\",\"kind\":\"ImagePolicy\","
                         "\"metadata\":{\"name\":\"p\",\"namespace\":\"bench\"},\"spec\":" +
                         spec_json + "}");
    if (!v) die("bad policy object");
    return *v;
  };
  std::vector<path_case> paths;
  paths.push_back({"policy_reconcile_semver", "ImagePolicy reconcile: parse + compile semver >=1.0.0 <3.0.0, list from "
                   "the tag database's memory, evaluate",
                   policy_object("{\"imageRepositoryRef\":{\"name\":\"repo\"},\"policy\":{\"semver\":{\"range\":"
                                 "\">=1.0.0 <3.0.0\"}}}"),
                   chosen[0]});
  paths.push_back({"policy_reconcile_numerical_extract", "ImagePolicy reconcile: parse + compile numerical asc with "
                   "filter and extract, list from memory, evaluate",
                   policy_object("{\"imageRepositoryRef\":{\"name\":\"repo\"},\"policy\":{\"numerical\":{\"order\":"
                                 "\"asc\"}},\"filterTags\":{\"pattern\":\"^main-[a-fA-F0-9]+-(?P<ts>[0-9]+)$\","
                                 "\"extract\":\"$ts\"}}"),
                   chosen[3]});
  std::vector<measurement> path_results;
  for (const auto& pc : paths) {
    bool right = true;
    path_results.push_back(measure(
        [&] {
          auto stored = db->tags("bench", "repo");
          auto compiled = ip::compile(ip::parse_spec(pc.object));
          if (!stored || !compiled || (*stored)->revision != revision) {
            right = false;
            return;
          }
          auto r = ip::evaluate(*compiled, (*stored)->tags);
          if (!r || r->tag != pc.expected) right = false;
        },
        seconds, rounds, tags.size()));
    if (!right) die(std::string(pc.name) + ": the reconcile path chose differently from select_latest");
  }
  // After a restart: a tag database with nothing in memory reads tags.txt back.
  bool cold_right = true;
  const measurement cold = measure(
      [&] {
        fluxaws::actors::imagerepository::tag_db fresh(state_dir, 16);
        auto stored = fresh.tags("bench", "repo");
        auto compiled = ip::compile(ip::parse_spec(paths[0].object));
        if (!stored || !compiled || (*stored)->revision != revision) {
          cold_right = false;
          return;
        }
        auto r = ip::evaluate(*compiled, (*stored)->tags);
        if (!r || r->tag != paths[0].expected) cold_right = false;
      },
      seconds, rounds, tags.size());
  if (!cold_right) die("policy_reconcile_cold: wrong list or selection after reading tags.txt");
  // The repository side of a scan, on the listed tags (no I/O).
  bool scan_right = true;
  const measurement scan = measure(
      [&] {
        auto kept = ir::stored_tag_list(tags, ex);
        if (ir::revision(kept) != revision) scan_right = false;
      },
      seconds, rounds, tags.size());
  if (!scan_right) die("repository_scan_filter: the revision changed between scans of the same tags");
  std::error_code rm_ec;
  std::filesystem::remove_all(state_dir, rm_ec);

  std::printf("  ],\n  \"reconciler\": [\n");
  for (std::size_t i = 0; i < paths.size(); ++i)
    std::printf("    {\"path\": \"%s\", \"description\": \"%s\", \"selected\": \"%s\", "
                "\"evaluations_per_cpu_second\": %.0f, \"evaluations_per_wall_second\": %.0f, \"ns_per_tag\": %.2f},\n",
                paths[i].name, paths[i].description, paths[i].expected.c_str(), path_results[i].evals_per_cpu_second,
                path_results[i].evals_per_wall_second, path_results[i].ns_per_tag);
  std::printf("    {\"path\": \"policy_reconcile_cold\", \"description\": \"semver reconcile after a restart: "
              "tags.txt read back from the state directory\", \"evaluations_per_cpu_second\": %.0f, "
              "\"evaluations_per_wall_second\": %.0f, \"ns_per_tag\": %.2f},\n",
              cold.evals_per_cpu_second, cold.evals_per_wall_second, cold.ns_per_tag);
  std::printf("    {\"path\": \"repository_scan_filter\", \"description\": \"ImageRepository scan on the listed "
              "tags: default exclusion, descending sort, sha256 revision\", \"scans_per_cpu_second\": %.0f, "
              "\"scans_per_wall_second\": %.0f, \"ns_per_tag\": %.2f, \"stored_tags\": %zu}\n",
              scan.evals_per_cpu_second, scan.evals_per_wall_second, scan.ns_per_tag, stored_list.size());
  std::printf("  ]\n}\n");
  std::printf("image_policy reconciles per CPU second over %zu tags: semver %.0f, numerical+extract %.0f, "
              "semver after a restart %.0f; repository scan filtering %.0f/s\n",
              tags.size(), path_results[0].evals_per_cpu_second, path_results[1].evals_per_cpu_second,
              cold.evals_per_cpu_second, scan.evals_per_cpu_second);
  std::printf("image_policy over %zu tags, evaluations per CPU second: semver %.0f, alphabetical %.0f, "
              "numerical+filter+extract %.0f (baseline byte-wise max %.0f)%s\n",
              tags.size(), results[0].evals_per_cpu_second, results[2].evals_per_cpu_second,
              results[3].evals_per_cpu_second, baseline.evals_per_cpu_second, sink == 0 ? " " : "");
  return 0;
}
