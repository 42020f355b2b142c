// peers.hpp — the tools a user would otherwise reach for, on the same data in the
// same run, against the same emulator (same latency):
//   `aws s3 sync` (Debian's awscli) of the peer bucket   vs  a Bucket reconcile of it;
//   `skopeo list-tags` of the peer repository            vs  an ImageRepository scan of it.
// Both sides use the same identity (the bench-ci user's keys; its ECR token), both are
// timed as whole processes (start to result) and the best of `runs` is kept; the
// fluxaws side also reports the reconcile's own duration from its metric.
//
// Contract: a peer tool that is missing or fails is reported (ok = false with the
// reason), not fatal; its output is checked (every object synced, every tag listed)
// before its time counts. The ECR token is passed to skopeo on its command line and to
// fluxaws in a Secret inside the work folder; it is never printed or kept in results.
#pragma once

#include <filesystem>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"
#include "benchmarks/tenant_scale/src/emulator_link.hpp"

namespace fluxaws::bench {

struct peer_tools {
  std::string aws = "/usr/bin/aws";  // not `aws` from PATH: a pyenv shim may shadow Debian's
  std::string skopeo = "/usr/bin/skopeo";
  std::string fluxaws;
  int runs = 2;
};

// The bench-ci user's ECR password (aws ecr get-login-password against the emulator).
result<std::string> ecr_password(const peer_tools& t, const emulator_link& emu, const std::filesystem::path& work);

struct peer_comparison {
  std::string peer;       // "aws s3 sync" / "skopeo list-tags"
  std::string fluxaws;    // "Bucket reconcile" / "ImageRepository scan"
  int items = 0;          // objects / tags
  bool ok = false;
  std::string problem;
  bool fluxaws_failed = false;  // the fluxaws side did not become Ready: a broken run
  double peer_seconds = 0;
  double fluxaws_start_to_ready_seconds = 0;
  double fluxaws_reconcile_seconds = 0;
  double ratio() const { return fluxaws_start_to_ready_seconds > 0 ? peer_seconds / fluxaws_start_to_ready_seconds : 0; }
};

peer_comparison compare_s3_sync(const peer_tools& t, const plan_options& plan, const emulator_link& emu,
                                const std::filesystem::path& config, const std::filesystem::path& work);
peer_comparison compare_skopeo(const peer_tools& t, const plan_options& plan, const emulator_link& emu,
                               const std::string& password, const std::filesystem::path& config,
                               const std::filesystem::path& work);

json::value to_json(const peer_comparison& p);

}  // namespace fluxaws::bench
