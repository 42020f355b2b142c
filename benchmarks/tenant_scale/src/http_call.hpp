// http_call.hpp — the benchmark's own small HTTP calls over loopback: fluxaws's
// /metrics and the emulator's admin endpoints (which the emulator neither counts,
// delays nor faults). libcurl easy, bounded by a timeout, proxies bypassed.
#pragma once

#include <chrono>
#include <string>

#include "adapters/common/result.hpp"

namespace fluxaws::bench {

struct http_answer {
  long status = 0;
  std::string body;
};

// method "GET" or "POST" (empty body). Transport failures are errors; any HTTP status is an answer.
result<http_answer> http_call(const std::string& method, const std::string& url,
                              std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace fluxaws::bench
