#include "adapters/aws/call_retry.hpp"

#include "adapters/aws/retry.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

// The transport codes of service_error.hpp's transport_error().
bool transport_code(const std::string& code) {
  return code == "timeout" || code == "connection_refused" || code == "dns" || code == "io" || code == "tls" ||
         code == "http" || code == "cancelled" || code == "body_too_large" || code == "invalid_request";
}

}  // namespace

std::string_view to_string(retry_reason r) {
  switch (r) {
    case retry_reason::throttled: return "throttled";
    case retry_reason::server_error: return "server_error";
    case retry_reason::transport: return "transport";
    case retry_reason::none: break;
  }
  return "none";
}

retry_reason retry_reason_of(const error_info& e) {
  if (e.code == "rate_limited") return retry_reason::none;  // our own refusal
  if (is_throttling(e)) return retry_reason::throttled;
  if (!is_transient(e)) return retry_reason::none;
  return transport_code(e.code) && e.status == 0 ? retry_reason::transport : retry_reason::server_error;
}

bool retry_is_safe(std::string_view method, bool s3, const error_info& e) {
  auto reason = retry_reason_of(e);
  if (reason == retry_reason::none) return false;
  bool write = s3 && !str::iequals(method, "GET") && !str::iequals(method, "HEAD");
  if (!write) return true;
  // S3 did not act: it refused (SlowDown / 429), or the request never reached it.
  return reason == retry_reason::throttled || e.code == "connection_refused" || e.code == "dns";
}

}  // namespace fluxaws::aws
