// admin_service.hpp — the test controls under /_emulator/ (any host, TLS or plain).
//
//   GET  /_emulator/health          {"ok":true}
//   GET  /_emulator/calls           [{"service","operation","principal","status","count"}, …]
//   POST /_emulator/calls/reset     zeroes the counters
//   GET  /_emulator/faults          the fault rates in force, by service
//   POST /_emulator/faults          {"sts":{"error500":0.1,…},…}; merges by service,
//                                   ?replace=true replaces the whole table
//   GET  /_emulator/latency         the latency in force, by service
//   POST /_emulator/latency         {"default":{"fixed":"5ms","jitter":"1ms"},…}; same rules
//   GET  /_emulator/settings        {"sts":{"credentialLifetime":"1h0m0s"},"ecr":{"tokenLifetime":…}}
//   POST /_emulator/settings        the same shape, either part optional
// Contract: admin calls are neither counted nor delayed nor faulted. Bad input is a 400
// with {"error": reason}; nothing is half-applied.
#pragma once

#include "tests/emulator/call_counters.hpp"
#include "tests/emulator/faults.hpp"
#include "tests/emulator/http_types.hpp"
#include "tests/emulator/service_context.hpp"

namespace emu {

class admin_service {
 public:
  admin_service(call_counters& calls, fault_plan& faults, runtime_settings& settings)
      : calls_(calls), faults_(faults), settings_(settings) {}
  http_response handle(const http_request& req);

 private:
  call_counters& calls_;
  fault_plan& faults_;
  runtime_settings& settings_;
};

}  // namespace emu
