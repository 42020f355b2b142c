// service_context.hpp — what every emulated service shares: the world, the credential
// store, settings changeable at run time, and the per-call record the dispatcher turns
// into a counter.
//
// Contract: services are synchronous functions of (request, route, context) that fill
// call_record.operation and .principal and return a complete response; only the
// registry front is asynchronous. The world is immutable after start.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "tests/emulator/credential_store.hpp"
#include "tests/emulator/http_types.hpp"
#include "tests/emulator/routing.hpp"
#include "tests/emulator/sigv4_verify.hpp"
#include "tests/emulator/world.hpp"

namespace emu {

struct call_record {
  std::string operation;
  std::string principal;
};

// Lifetimes tests shorten at run time (POST /_emulator/settings).
struct runtime_settings {
  std::atomic<int64_t> credential_lifetime_s{3600};
  std::atomic<int64_t> ecr_token_lifetime_s{12 * 3600};
};

struct service_context {
  const world& w;
  credential_store& creds;
  runtime_settings& settings;
};

// Verifies the SigV4 signature of a request for one service. The expected region is
// the host's (empty when the request came to the bare address: the scope decides).
sigv4::verify_result authenticate(const http_request& req, const route& rt, const service_context& ctx,
                                  std::string_view signing_name, std::string_view expected_region,
                                  bool s3 = false);

// Session lifetime for a role: the role's own credentialLifetime, else the run-time
// setting, shortened by DurationSeconds when given.
std::chrono::seconds session_lifetime(const iam_role& role, const runtime_settings& s,
                                      std::optional<int64_t> duration_seconds);

// A principal for a session of role (arn:aws:sts::A:assumed-role/R/S).
principal_ptr session_principal(const iam_role& role, const std::string& session_name);

}  // namespace emu
