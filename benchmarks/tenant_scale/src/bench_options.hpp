// bench_options.hpp — the command line of bench_tenant_scale: a profile (smoke, short,
// large, memory) that sets the scale and what is measured, and flags that override
// any part of it.
//
// Contract: parse_options() is pure; unknown flags and bad values are errors naming
// the flag. Defaults for the binaries come from the build (CMake) and can be overridden.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"

namespace fluxaws::bench {

struct bench_options {
  std::string profile = "short";
  plan_options plan;
  std::vector<std::string> modes = {"fluxaws", "baseline"};
  std::vector<std::string> kinds;  // empty: every kind
  bool steady = true;
  bool peers = true;
  int peer_runs = 2;
  std::chrono::seconds window{20};
  std::chrono::milliseconds slice{1000};
  std::chrono::seconds run_bound{600};
  int emulator_threads = 2;
  bool keep_rate_limits = false;  // never lift fluxaws's STS/ECR limits, whatever the world
  std::string out_dir = "benchmarks/results";
  std::string work_dir;  // empty: a fresh folder under $TMPDIR
  bool keep_work = false;
  std::string fluxaws_binary;
  std::string emulator_binary;
  std::string emulator_dir;  // tests/emulator (the OIDC test key pair)
  std::string aws_binary = "/usr/bin/aws";
  std::string skopeo_binary = "/usr/bin/skopeo";
  bool help = false;
};

// Applies a profile's defaults (before flags): smoke, short, large, memory.
status apply_profile(bench_options& o, const std::string& profile);
result<bench_options> parse_options(const std::vector<std::string>& args, bench_options defaults);
std::string usage();

}  // namespace fluxaws::bench
