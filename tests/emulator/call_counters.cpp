#include "tests/emulator/call_counters.hpp"

#include <algorithm>
#include <tuple>

namespace emu {

void call_counters::add(std::string_view service, std::string_view operation, std::string_view principal, int status) {
  std::string key;
  key.reserve(service.size() + operation.size() + principal.size() + 8);
  key.append(service).push_back('\0');
  key.append(operation).push_back('\0');
  key.append(principal).push_back('\0');
  key.append(std::to_string(status));
  std::lock_guard lock(mu_);
  auto it = counts_.find(key);
  if (it == counts_.end())
    it = counts_.emplace(std::move(key), call_count{std::string(service), std::string(operation),
                                                     std::string(principal), status, 0}).first;
  ++it->second.count;
}

std::vector<call_count> call_counters::snapshot() const {
  std::vector<call_count> out;
  {
    std::lock_guard lock(mu_);
    out.reserve(counts_.size());
    for (const auto& [k, v] : counts_) out.push_back(v);
  }
  std::sort(out.begin(), out.end(), [](const call_count& a, const call_count& b) {
    return std::tie(a.service, a.operation, a.principal, a.status) <
           std::tie(b.service, b.operation, b.principal, b.status);
  });
  return out;
}

fluxaws::json::value call_counters::to_json() const {
  fluxaws::json::value arr = fluxaws::json::value::make_array();
  for (const auto& c : snapshot()) {
    fluxaws::json::value e = fluxaws::json::value::make_object();
    e.set("service", c.service);
    e.set("operation", c.operation);
    e.set("principal", c.principal);
    e.set("status", c.status);
    e.set("count", static_cast<uint64_t>(c.count));
    arr.push_back(std::move(e));
  }
  return arr;
}

void call_counters::reset() {
  std::lock_guard lock(mu_);
  counts_.clear();
}

uint64_t call_counters::total() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [k, v] : counts_) n += v.count;
  return n;
}

}  // namespace emu
