// report.hpp — a tenant-scale run's figures as JSON (benchmarks/results/latest.json)
// and as a short table, plus the targets checked against them.
//
// Contract: pure (no I/O). Every figure names its unit in its key. Targets are
// direction, not gates: each has `met` and `applies` (false when the run's scale is
// not the one the target is stated for, e.g. "< 5 s for 8,000 objects" on a
// 2,000-object profile). What makes a run broken is decided by the caller and listed
// in `broken`; the report only carries it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"
#include "benchmarks/tenant_scale/src/credential_calls.hpp"
#include "benchmarks/tenant_scale/src/engine_runs.hpp"
#include "benchmarks/tenant_scale/src/peers.hpp"
#include "benchmarks/tenant_scale/src/proc_stats.hpp"

namespace fluxaws::bench {

struct mode_results {
  std::string name;
  std::string description;
  std::string config_file;
  std::optional<cold_measurement> cold;
  std::string cold_error;
  std::optional<steady_measurement> steady;
  std::string steady_error;
};

struct bench_results {
  std::string profile;
  std::string started_at;
  double total_seconds = 0;
  plan_options plan;
  machine_info machine;
  std::map<std::string, auth_form> forms;
  std::vector<std::pair<std::string, std::string>> excluded;
  std::vector<std::string> notes;
  std::map<std::string, int> objects_by_kind;
  int objects = 0;
  int identities = 0;
  ideal_calls ideal;
  double emulator_start_seconds = 0;
  double emulator_cpu_seconds = 0;
  long empty_peak_rss_kib = 0;
  std::vector<mode_results> modes;
  std::vector<peer_comparison> peers;
  std::vector<std::string> broken;
  std::vector<std::string> warnings;
};

struct target_check {
  std::string name;
  std::string target;
  std::string value;
  bool met = false;
  bool applies = true;
  bool measured = true;
};

std::vector<target_check> check_targets(const bench_results& r);

json::value report_json(const bench_results& r);
std::string report_table(const bench_results& r);

}  // namespace fluxaws::bench
