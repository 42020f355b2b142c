// engine_runs.hpp — running the real fluxaws binary (local mode) against the emulator
// and measuring it from outside:
//
//   measure_cold    `fluxaws run --once`: process start to exit, which the engine
//                   allows only once every object has finished its first reconcile;
//                   CPU time and peak RSS from the kernel (wait4), Ready objects from
//                   the status store, credential calls from the emulator's counters
//                   (reset before the run).
//   measure_steady  `fluxaws run` with short intervals: waits until every object is
//                   Ready (scraping /metrics: fluxaws_objects), then scrapes once per
//                   slice for a fixed window, reading the process's CPU time from /proc
//                   just before each scrape; reconciles per kind come from
//                   fluxaws_reconciles_total, latencies from
//                   gotk_reconcile_duration_seconds, credential calls from the counters'
//                   difference over the window. Stopped with SIGTERM afterwards.
//   measure_single  one object (a peer comparison): process start until its status
//                   file says Ready, and the reconcile's own duration from /metrics.
//
// Contract: every wait is bounded; a run that misses its bound is reported (finished
// = false / all_ready = false), never waited on forever. The child is always stopped.
// Logs stay in the work folder (the engine never logs secrets).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/cpu_attribution.hpp"
#include "benchmarks/tenant_scale/src/credential_calls.hpp"
#include "benchmarks/tenant_scale/src/emulator_link.hpp"
#include "benchmarks/tenant_scale/src/prometheus_text.hpp"
#include "benchmarks/tenant_scale/src/status_store_reader.hpp"

namespace fluxaws::bench {

struct engine_run_options {
  std::string fluxaws_binary;
  std::filesystem::path config;
  std::filesystem::path objects;
  std::filesystem::path work;  // the run's own folder (state, logs) is work/<label>
  std::string label;
  std::chrono::seconds bound{600};
};

struct cold_measurement {
  bool finished = false;
  int exit_code = -1;
  double seconds = 0;
  double cpu_seconds = 0;
  long peak_rss_kib = 0;
  status_summary statuses;
  credential_calls calls;
};

result<cold_measurement> measure_cold(const engine_run_options& o, const emulator_link& emu);

struct steady_options {
  int expected_objects = 0;
  std::chrono::seconds window{20};
  std::chrono::milliseconds slice{1000};
};

struct steady_measurement {
  bool all_ready = false;
  int ready_objects = 0;
  double ready_seconds = 0;  // start to all Ready, at the resolution of the scrapes
  long rss_kib_at_ready = 0;
  long peak_rss_kib = 0;
  double mean_scrape_seconds = 0;
  std::map<std::string, histogram> cold_latency;    // by kind ("" = all): every reconcile until all Ready
  std::map<std::string, histogram> steady_latency;  // over the window
  std::map<std::string, double> failed_reconciles;  // by kind, over the window (result != success)
  cpu_attribution cpu;
  credential_calls calls;  // over the window
  // Engine counters (from /metrics) at the moment every object was Ready, and their
  // growth over the window: HTTP requests, connections opened and reused, AWS calls by
  // service ("aws:<service>").
  std::map<std::string, double> counters_at_ready;
  std::map<std::string, double> counters_window;
  status_summary statuses;  // read when not every object became Ready
};

result<steady_measurement> measure_steady(const engine_run_options& o, const steady_options& s,
                                          const emulator_link& emu);

// An engine with no objects, serving for a second: the fixed memory that "RSS per
// object" leaves out (peak, as for the cold run).
result<long> measure_empty_peak_rss(const engine_run_options& o);

struct single_measurement {
  bool ready = false;
  double start_to_ready_seconds = 0;
  double reconcile_seconds = 0;  // gotk_reconcile_duration_seconds_sum of the object
  std::string problem;
};

// kind_dir/ns/name: where the object's status lands (e.g. "bucket", "bench-peer", "peer").
result<single_measurement> measure_single(const engine_run_options& o, const std::string& kind_dir,
                                          const std::string& ns, const std::string& name);

}  // namespace fluxaws::bench
