#include "adapters/aws/call_attempts.hpp"

#include <algorithm>

#include "adapters/aws/call_retry.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

using std::chrono::milliseconds;

std::pair<std::string, std::string> split_operation(const std::string& operation) {
  auto space = operation.find(' ');
  if (space == std::string::npos) return {operation, operation};
  return {operation.substr(0, space), operation.substr(space + 1)};
}

milliseconds call_attempts::left() const {
  return std::chrono::duration_cast<milliseconds>(deadline - clock::now());
}

milliseconds call_attempts::attempt_timeout() const {
  if (!policy) return timeout;
  return std::max(left(), milliseconds(1));
}

milliseconds call_attempts::max_token_wait() const { return std::max(left() / 2, milliseconds(0)); }

std::shared_ptr<call_attempts> start_call(std::shared_ptr<installed_call_policy> policy, std::string operation,
                                          limit_key key, std::string url, std::string method, bool s3,
                                          milliseconds timeout) {
  auto c = std::make_shared<call_attempts>();
  c->policy = std::move(policy);
  c->key = std::move(key);
  c->service = c->key.empty() ? str::to_lower(split_operation(operation).first) : c->key.service;
  c->operation = std::move(operation);
  c->url = std::move(url);
  c->method = std::move(method);
  c->s3 = s3;
  c->timeout = timeout;
  c->deadline = call_attempts::clock::now() + timeout;
  if (c->policy) c->policy->record_call(c->service);
  return c;
}

std::optional<milliseconds> next_retry(call_attempts& c, const error_info& e) {
  if (!c.policy) return std::nullopt;
  auto reason = retry_reason_of(e);
  if (reason == retry_reason::none) return std::nullopt;
  if (c.attempts >= c.policy->settings().max_attempts) return std::nullopt;
  if (!retry_is_safe(c.method, c.s3, e)) return std::nullopt;
  auto delay = c.policy->backoff(c.attempts, reason == retry_reason::throttled);
  // Never past the deadline: the next attempt must still have time to be answered.
  if (call_attempts::clock::now() + delay + min_attempt_time >= c.deadline) return std::nullopt;
  auto& m = metrics::registry::global();
  if (!c.policy->allow_retry(c.service)) {
    m.counter_add("fluxaws_aws_retry_budget_exhausted_total", {{"service", c.service}});
    return std::nullopt;
  }
  // Labelled as fluxaws_aws_calls_total is ("KMS", "Decrypt"), so the two divide.
  auto [service, operation] = split_operation(c.operation);
  m.counter_add("fluxaws_aws_retries_total",
                {{"service", service}, {"operation", operation}, {"reason", std::string(to_string(reason))}});
  return delay;
}

}  // namespace fluxaws::aws
