// call_counters.hpp — per-service, per-operation, per-principal, per-status call counts,
// served as JSON by GET /_emulator/calls and zeroed by POST /_emulator/calls/reset.
//
// Contract: add() is thread-safe and cheap (one lock, one hash lookup); snapshot()
// returns entries sorted by service, operation, principal, status so answers are
// stable. The principal is the caller's ARN, the role ARN asked for on an unsigned STS
// call, or "" when the caller could not be identified.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "adapters/common/json.hpp"

namespace emu {

struct call_count {
  std::string service, operation, principal;
  int status = 0;
  uint64_t count = 0;
};

class call_counters {
 public:
  void add(std::string_view service, std::string_view operation, std::string_view principal, int status);
  std::vector<call_count> snapshot() const;
  fluxaws::json::value to_json() const;
  void reset();
  uint64_t total() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, call_count> counts_;
};

}  // namespace emu
