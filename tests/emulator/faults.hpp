// faults.hpp — latency and fault injection, per service, set in the world file and
// changed at run time through the admin endpoint.
//
// Contract:
//   - Services are named "sts", "ecr", "registry", "s3", "kms", "imds", "podidentity";
//     "default" applies to every service without its own entry.
//   - latency: fixed + uniform jitter in [0, jitter]. JSON/YAML shape
//     {"default": {"fixed": "5ms", "jitter": "1ms"}, "sts": {...}} (Go durations or
//     integer milliseconds).
//   - faults: rates in [0, 1] per request: error500, error503, throttle, reset,
//     slowBody, checked in that order with one random draw. Shape
//     {"sts": {"error500": 0.01, "throttle": 0.05}, "default": {...}}.
//   - fault_plan is thread-safe; draw() is cheap when nothing is configured.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace emu {

struct latency_spec {
  std::chrono::microseconds fixed{0};
  std::chrono::microseconds jitter{0};
  bool active() const { return fixed.count() > 0 || jitter.count() > 0; }
};

struct fault_spec {
  double error500 = 0, error503 = 0, throttle = 0, reset = 0, slow_body = 0;
  bool active() const { return error500 + error503 + throttle + reset + slow_body > 0; }
};

enum class fault_kind { none, error500, error503, throttle, reset, slow_body };

// What to do to one request: wait `delay`, then apply `fault`.
struct fault_decision {
  std::chrono::microseconds delay{0};
  fault_kind fault = fault_kind::none;
};

class fault_plan {
 public:
  // Replaces (replace=true) or merges per-service entries from a JSON object.
  fluxaws::status set_latency(const fluxaws::json::value& v, bool replace);
  fluxaws::status set_faults(const fluxaws::json::value& v, bool replace);
  fluxaws::json::value latency_json() const;
  fluxaws::json::value faults_json() const;

  fault_decision draw(std::string_view service);

 private:
  mutable std::mutex mu_;
  std::map<std::string, latency_spec, std::less<>> latency_;
  std::map<std::string, fault_spec, std::less<>> faults_;
  bool any_ = false;  // fast path: nothing configured
};

bool known_fault_service(std::string_view name);

}  // namespace emu
