// The process-wide AWS call policy: the limiter actor (rate limits per account and
// service) plus the retry settings (maxAttempts, backoff, retry budget) that
// async_calls.hpp applies inside every call. The runtime installs it once the actor
// system exists and uninstalls it at shutdown:
//
//   auto limiter = aws::spawn_call_limiter(sys, {aws::default_rate_limits()});
//   aws::install_call_policy(limiter, aws::call_policy{3, 0.1});
//   ...
//   aws::uninstall_call_policy();  anon_send_exit(limiter, ...);
//
// Nothing installed: no limits and exactly one attempt per call (the behaviour unit
// tests elsewhere rely on).
//
// Contract: install/uninstall/current are thread-safe (a mutex guards a shared_ptr
// slot; a call takes a copy when it starts, so it finishes under the policy it began
// with). installed_call_policy is thread-safe: its budgets, accounts and random source
// sit behind its own mutex, held only for a few arithmetic steps (never while waiting).
// The limiter is held by weak address: the policy never keeps it or its system alive.
#pragma once

#include <caf/actor_addr.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>

#include "adapters/aws/call_limiter_interface.hpp"
#include "adapters/aws/retry_backoff.hpp"
#include "adapters/aws/retry_budget.hpp"
#include "adapters/aws/token_bucket.hpp"

namespace fluxaws::aws {

struct call_policy {
  int max_attempts = 3;       // attempts per call, the first included (aws.maxAttempts)
  double retry_budget = 0.1;  // retries per call over the window (aws.retryBudget); 0: no retries
  double retry_floor = 10;    // retries always allowed per window when retry_budget > 0
  std::chrono::seconds budget_window{10};
  backoff_settings backoff;
  // The clock requests are signed with (each attempt is signed afresh). Empty: the
  // system clock. Tests set it to see each attempt's X-Amz-Date.
  std::function<std::chrono::system_clock::time_point()> signing_clock;
  // The backoff's random draw in [0, 1). Empty: a generator seeded from
  // std::random_device. Tests fix it to make delays deterministic.
  std::function<double()> jitter;
};

// The limits used when aws.rateLimits names none (per account and region unless noted):
//   sts      100/s, burst 200   a sixth of the 600 requests per second per account and
//                               Region users report (awslabs/mountpoint-s3#1358); AWS's
//                               own pages only say STS throttles per account and Region
//                               and that the rate cannot be raised.
//   ecr       10/s, burst 100   half of GetAuthorizationToken's documented 20 TPS with a
//                               200 burst, leaving the rest to kubelets' credential
//                               providers in the same account.
//   ecr-public 5/s, burst 20    ECR Public's API (us-east-1 only).
//   kms      500/s, burst 1000  a tenth of the smallest shared quota for symmetric
//                               cryptographic operations (5,500/s; 10,000–50,000/s in
//                               larger Regions).
//   s3       500/s, burst 1000  per bucket, a tenth of S3's 5,500 GET/HEAD per second per
//                               prefix (3,500 PUT/COPY/POST/DELETE).
//   registry 100/s, burst 200   per registry host (per account and region for ECR).
std::map<std::string, rate_limit> default_rate_limits();

// defaults with the entries of overrides replacing theirs (per service).
std::map<std::string, rate_limit> merge_rate_limits(std::map<std::string, rate_limit> defaults,
                                                    const std::map<std::string, rate_limit>& overrides);

class installed_call_policy {
 public:
  installed_call_policy(caf::actor_addr limiter, call_policy settings);

  const call_policy& settings() const { return settings_; }
  // The limiter, or an empty handle once it is gone.
  call_limiter_actor limiter() const;
  std::chrono::system_clock::time_point signing_time() const;

  // A call's first attempt (the budget's deposit) and its retries (the budget's
  // withdrawals), per limit service.
  void record_call(const std::string& service);
  bool allow_retry(const std::string& service);
  // The jittered delay before the n-th retry (n >= 1).
  std::chrono::milliseconds backoff(int retry, bool throttled);

  // Access key id -> account, learned from STS answers (bounded, oldest forgotten first).
  std::string account_of(const std::string& access_key_id) const;
  void learn_account(const std::string& access_key_id, const std::string& account);

  static constexpr std::size_t max_known_keys = 65536;

 private:
  caf::actor_addr limiter_;
  call_policy settings_;
  mutable std::mutex mu_;
  std::map<std::string, retry_budget> budgets_;
  std::unordered_map<std::string, std::string> accounts_;
  std::deque<std::string> account_order_;
  std::mt19937_64 rng_;
};

// Installs (replacing any) the policy for every AWS call in the process.
void install_call_policy(const call_limiter_actor& limiter, call_policy settings);
void uninstall_call_policy();
// The policy in force, or null.
std::shared_ptr<installed_call_policy> current_call_policy();

// Declares the policy's metric families (also done by install_call_policy):
//   fluxaws_aws_retries_total{service,operation,reason}
//   fluxaws_aws_rate_limited_total{service}            acquires that had to wait
//   fluxaws_aws_rate_limit_refused_total{service,reason} acquires refused (queue full, too long)
//   fluxaws_aws_rate_limit_wait_seconds{service}       histogram of limiter waits
//   fluxaws_aws_retry_budget_exhausted_total{service}  retries the budget refused
void describe_call_policy_metrics();

}  // namespace fluxaws::aws
