// credential_calls.hpp — the credential calls a run made, read from the emulator's
// counters (GET /_emulator/calls), and the ideal they are held to:
//   STS (any operation)            one per identity and region,
//   ECR GetAuthorizationToken      one per identity and ECR region,
//   KMS Decrypt                    one per distinct data key,
// for a cold start; zero more over a steady-state window (credentials live 1 h,
// ECR tokens 12 h, data keys are cached per Kustomization).
//
// Contract: pure. check_calls() returns one sentence per violation (empty: as ideal).
// Successful calls must equal the ideal exactly (fewer means work was not done, more
// means waste); without injected faults every attempt must also have succeeded, with
// faults the failed attempts (throttling, 5xx) are reported but allowed.
#pragma once

#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "benchmarks/tenant_scale/src/bench_plan.hpp"
#include "benchmarks/tenant_scale/src/object_generator.hpp"

namespace fluxaws::bench {

struct call_count {
  long calls = 0;  // attempts, any status
  long ok = 0;     // HTTP 200
};

struct credential_calls {
  call_count sts, ecr_token, kms_decrypt;
};

struct ideal_calls {
  long sts = 0, ecr_token = 0, kms_decrypt = 0;
};

credential_calls count_credential_calls(const json::value& emulator_calls);
credential_calls subtract(const credential_calls& later, const credential_calls& earlier);

ideal_calls ideal_cold(const plan_options& plan, const object_forms& forms);

std::vector<std::string> check_calls(const credential_calls& got, const ideal_calls& ideal, bool faults,
                                     const std::string& phase);

json::value to_json(const credential_calls& got, const ideal_calls& ideal);

}  // namespace fluxaws::bench
