// bench_callpolicy: the cost of the AWS call policy per call. KMS Decrypt calls (signed,
// parsed) go to an in-process HTTP actor that answers at once, so the numbers are the
// engine's own work:
//   no_policy        calls with nothing installed (the baseline)
//   policy           the same calls with the policy installed and a KMS limit far above
//                    the load: one limiter round trip per call, the budget's bookkeeping
//   acquire_only     limiter acquires alone (granted at once), round trips per second
// `callers` actors each run their calls one after another. Rounds of a fixed call count;
// the median round is reported as calls per wall second, and the policy's ratio to the
// baseline. Timing only: nothing is asserted.
// Usage: bench_callpolicy [calls_per_round=20000] [rounds=5] [callers=64]
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/call_limiter.hpp"
#include "adapters/aws/call_policy.hpp"

using namespace fluxaws;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

using finished_atom = caf::atom_constant<caf::atom("finished")>;

struct bench_config : caf::actor_system_config {
  bench_config() { set("scheduler.max-threads", 2); }
};

const char* kDecryptOk =
    R"({"KeyId":"arn:aws:kms:us-east-1:111122223333:key/k1","Plaintext":"c2VjcmV0","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})";

http::client_actor::behavior_type instant_http(http::client_actor::pointer) {
  return {
      [](http::request_atom, const http::request&) -> http::response {
        http::response r;
        r.status = 200;
        r.body = kDecryptOk;
        r.body_size = r.body.size();
        return r;
      },
      [](http::stats_atom) -> http::client_stats { return {}; },
  };
}

// One caller: `count` decrypts one after another, then tells `done`.
void decrypt_loop(caf::event_based_actor* self, http::client_actor http, aws::endpoint ep, int left, caf::actor done) {
  if (left == 0) {
    self->send(done, finished_atom::value);
    return;
  }
  aws::kms::decrypt_params p;
  p.ciphertext_blob = "blob";
  aws::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "static"};
  aws::async::kms_decrypt(self, http, ep, creds, p, 10s, [=](result<aws::kms::decrypt_result> r) {
    if (!r.ok()) std::fprintf(stderr, "call failed: %s\n", r.error().to_string().c_str());
    decrypt_loop(self, http, ep, left - 1, done);
  });
}

void acquire_loop(caf::event_based_actor* self, aws::call_limiter_actor limiter, int left, caf::actor done) {
  if (left == 0) {
    self->send(done, finished_atom::value);
    return;
  }
  self->request(limiter, 10s, aws::limiter_acquire_atom::value, aws::limit_key{"kms", "us-east-1", "acct/1"},
                caf::timespan(1s))
      .then([=](aws::limiter_grant&) { acquire_loop(self, limiter, left - 1, done); });
}

double run_round(caf::actor_system& sys, int calls, int callers, bool acquire_only, http::client_actor http,
                 aws::call_limiter_actor limiter) {
  caf::scoped_actor self{sys};
  auto ep = *aws::resolve_endpoint(aws::service::kms, "us-east-1", {});
  int per_caller = calls / callers;
  auto start = clock_type::now();
  for (int i = 0; i < callers; ++i) {
    if (acquire_only)
      sys.spawn([=](caf::event_based_actor* a, caf::actor done) { acquire_loop(a, limiter, per_caller, done); },
                caf::actor(self));
    else
      sys.spawn([=](caf::event_based_actor* a, caf::actor done) { decrypt_loop(a, http, ep, per_caller, done); },
                caf::actor(self));
  }
  int n = 0;
  self->receive_for(n, callers)([](finished_atom) {});
  std::chrono::duration<double> took = clock_type::now() - start;
  return per_caller * callers / took.count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int calls = argc > 1 ? std::atoi(argv[1]) : 20000;
  int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  int callers = argc > 3 ? std::atoi(argv[3]) : 64;
  if (calls < 1 || rounds < 1 || callers < 1 || callers > calls) {
    std::fprintf(stderr, "usage: bench_callpolicy [calls_per_round>=callers] [rounds>=1] [callers>=1]\n");
    return 2;
  }
  bench_config cfg;
  caf::actor_system sys{cfg};
  auto http = sys.spawn(instant_http);
  auto limiter = aws::spawn_call_limiter(sys, {{{"kms", {1e9, 1e9}}}, 1u << 20});
  std::vector<double> baseline, with_policy, acquires;
  for (int r = 0; r < rounds; ++r) {
    aws::uninstall_call_policy();
    baseline.push_back(run_round(sys, calls, callers, false, http, limiter));
    aws::call_policy p;
    aws::install_call_policy(limiter, p);
    with_policy.push_back(run_round(sys, calls, callers, false, http, limiter));
    acquires.push_back(run_round(sys, calls, callers, true, http, limiter));
  }
  aws::uninstall_call_policy();
  caf::anon_send_exit(limiter, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(http, caf::exit_reason::user_shutdown);
  double b = median(baseline), p = median(with_policy), a = median(acquires);
  std::printf("{\"calls_per_round\":%d,\"rounds\":%d,\"callers\":%d,\"no_policy_calls_per_s\":%.0f,"
              "\"policy_calls_per_s\":%.0f,\"policy_ratio\":%.3f,\"acquires_per_s\":%.0f}\n",
              calls, rounds, callers, b, p, p / b, a);
  std::printf("KMS Decrypt through an instant HTTP actor: %.0f calls/s without a policy, %.0f with it (%.0f%%); "
              "limiter acquires alone: %.0f/s\n",
              b, p, 100.0 * p / b, a);
  return 0;
}
