// What one AWS call keeps across its attempts (async_calls.hpp drives them), and the
// decision to send it again after a failure (call_retry.hpp's rules, the installed
// policy's maxAttempts, backoff and retry budget, the call's deadline).
//
// The deadline is the timeout the caller gave for the whole call: the first attempt's
// timeout is the budget of all attempts, the limiter waits and the backoff sleeps
// included. A retry is planned only if, after its backoff, at least min_attempt_time
// is left before the deadline.
//
// Metrics (the families are described in call_policy.hpp):
//   fluxaws_aws_retries_total{service,operation,reason} per retry planned (service and
//     operation labelled as in fluxaws_aws_calls_total: "KMS", "Decrypt"),
//   fluxaws_aws_retry_budget_exhausted_total{service} per retry the budget refused.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "adapters/aws/call_policy.hpp"
#include "adapters/aws/limit_key.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::aws {

inline constexpr std::chrono::milliseconds min_attempt_time{100};

struct call_attempts {
  using clock = std::chrono::steady_clock;

  std::shared_ptr<installed_call_policy> policy;  // null: one attempt, no limit
  limit_key key;                                  // empty: not rate-limited
  std::string service;                            // the retry budget's: "kms"
  std::string operation;                          // "KMS Decrypt"
  std::string url;                                // transport errors name it
  std::string method;
  bool s3 = false;
  std::chrono::milliseconds timeout{0};           // as the caller gave it
  clock::time_point deadline;
  int attempts = 0;                               // sent (or being sent) so far
  std::optional<error_info> last_error;           // of the attempt being retried

  std::chrono::milliseconds left() const;
  // The timeout for the attempt about to be sent: the caller's own without a policy
  // (what a call always had), else what is left of the deadline (at least 1 ms).
  std::chrono::milliseconds attempt_timeout() const;
  // How long the next attempt may wait for a rate-limit token: half of what is left,
  // so that the request itself keeps the other half.
  std::chrono::milliseconds max_token_wait() const;
};

// A call starting now under policy (may be null): counts it in the retry budget.
std::shared_ptr<call_attempts> start_call(std::shared_ptr<installed_call_policy> policy, std::string operation,
                                          limit_key key, std::string url, std::string method, bool s3,
                                          std::chrono::milliseconds timeout);

// After attempt number c.attempts failed with e: the delay before sending it again, or
// nullopt to give up with e. Counts the retry (budget, metrics) when it plans one.
std::optional<std::chrono::milliseconds> next_retry(call_attempts& c, const error_info& e);

// "KMS Decrypt" -> {"KMS", "Decrypt"}: the labels of fluxaws_aws_calls_total.
std::pair<std::string, std::string> split_operation(const std::string& operation);

}  // namespace fluxaws::aws
