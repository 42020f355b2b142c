#include "adapters/aws/call_policy.hpp"

#include <caf/actor_cast.hpp>

#include "adapters/common/metrics.hpp"

namespace fluxaws::aws {

namespace {

struct policy_slot {
  std::mutex mu;
  std::shared_ptr<installed_call_policy> policy;
};

policy_slot& slot() {
  static policy_slot s;
  return s;
}

}  // namespace

std::map<std::string, rate_limit> default_rate_limits() {
  return {
      {"sts", {100, 200}},  {"ecr", {10, 100}},  {"ecr-public", {5, 20}},
      {"kms", {500, 1000}}, {"s3", {500, 1000}}, {"registry", {100, 200}},
  };
}

std::map<std::string, rate_limit> merge_rate_limits(std::map<std::string, rate_limit> defaults,
                                                    const std::map<std::string, rate_limit>& overrides) {
  for (const auto& [service, limit] : overrides) defaults[service] = limit;
  return defaults;
}

installed_call_policy::installed_call_policy(caf::actor_addr limiter, call_policy settings)
    : limiter_(std::move(limiter)), settings_(std::move(settings)), rng_(std::random_device{}()) {
  if (settings_.max_attempts < 1) settings_.max_attempts = 1;
}

call_limiter_actor installed_call_policy::limiter() const { return caf::actor_cast<call_limiter_actor>(limiter_); }

std::chrono::system_clock::time_point installed_call_policy::signing_time() const {
  return settings_.signing_clock ? settings_.signing_clock() : std::chrono::system_clock::now();
}

void installed_call_policy::record_call(const std::string& service) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = budgets_.find(service);
  if (it == budgets_.end())
    it = budgets_
             .emplace(service, retry_budget(settings_.retry_budget, settings_.retry_floor, settings_.budget_window))
             .first;
  it->second.record_call(now);
}

bool installed_call_policy::allow_retry(const std::string& service) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = budgets_.find(service);
  if (it == budgets_.end())
    it = budgets_
             .emplace(service, retry_budget(settings_.retry_budget, settings_.retry_floor, settings_.budget_window))
             .first;
  return it->second.try_spend(now);
}

std::chrono::milliseconds installed_call_policy::backoff(int retry, bool throttled) {
  double u;
  if (settings_.jitter) {
    u = settings_.jitter();
  } else {
    std::lock_guard<std::mutex> lock(mu_);
    u = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  }
  return backoff_delay(retry, throttled, u, settings_.backoff);
}

std::string installed_call_policy::account_of(const std::string& access_key_id) const {
  if (access_key_id.empty()) return "";
  std::lock_guard<std::mutex> lock(mu_);
  auto it = accounts_.find(access_key_id);
  return it == accounts_.end() ? std::string() : it->second;
}

void installed_call_policy::learn_account(const std::string& access_key_id, const std::string& account) {
  if (access_key_id.empty() || account.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = accounts_.insert_or_assign(access_key_id, account);
  (void)it;
  if (!inserted) return;
  account_order_.push_back(access_key_id);
  while (account_order_.size() > max_known_keys) {
    accounts_.erase(account_order_.front());
    account_order_.pop_front();
  }
}

void install_call_policy(const call_limiter_actor& limiter, call_policy settings) {
  describe_call_policy_metrics();
  auto addr = caf::actor_cast<caf::actor_addr>(limiter);
  auto p = std::make_shared<installed_call_policy>(addr, std::move(settings));
  {
    auto& ls = detail::installed_limiter_slot();
    std::lock_guard<std::mutex> lock(ls.mu);
    ls.addr = addr;
  }
  std::lock_guard<std::mutex> lock(slot().mu);
  slot().policy = std::move(p);
}

void uninstall_call_policy() {
  {
    auto& ls = detail::installed_limiter_slot();
    std::lock_guard<std::mutex> lock(ls.mu);
    ls.addr = caf::actor_addr();
  }
  std::shared_ptr<installed_call_policy> old;
  {
    std::lock_guard<std::mutex> lock(slot().mu);
    old.swap(slot().policy);
  }
  // `old` dies here, outside the lock (calls in flight may still hold it).
}

std::shared_ptr<installed_call_policy> current_call_policy() {
  std::lock_guard<std::mutex> lock(slot().mu);
  return slot().policy;
}

void describe_call_policy_metrics() {
  auto& m = metrics::registry::global();
  m.describe("fluxaws_aws_retries_total", metrics::type::counter,
             "AWS call attempts sent again, by service, operation and reason (throttled, server_error, transport).");
  m.describe("fluxaws_aws_rate_limited_total", metrics::type::counter,
             "AWS calls that waited for the local rate limiter, by service.");
  m.describe("fluxaws_aws_rate_limit_refused_total", metrics::type::counter,
             "AWS calls the local rate limiter refused (queue full, wait beyond the call's deadline).");
  m.describe("fluxaws_aws_rate_limit_wait_seconds", metrics::type::histogram,
             "Time AWS calls waited for the local rate limiter, by service.",
             {0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  m.describe("fluxaws_aws_retry_budget_exhausted_total", metrics::type::counter,
             "Retries not sent because the retry budget was spent, by service.");
}

}  // namespace fluxaws::aws
