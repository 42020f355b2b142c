// Whether and when a failed attempt of an AWS call is sent again (async_calls.hpp runs
// the attempts; the decisions are here, as plain functions).
//
// Retried: throttling (aws::is_throttling), 5xx and the services' transient codes, and
// transport failures that may pass (aws::is_transient: timeout, refused connection,
// DNS, broken connection) — up to aws.maxAttempts attempts in all, with full-jitter
// exponential backoff (retry_backoff.hpp), never past the call's deadline (the timeout
// the caller gave for the whole call), and only while the retry budget allows.
// Never retried: expired or rejected credentials, access denied, validation errors,
// a local rate-limit refusal — a retry cannot change their answer.
//
// Safety: STS (AssumeRole*, GetCallerIdentity), ECR GetAuthorizationToken, KMS
// Decrypt/Encrypt/GenerateDataKey and S3 GET/HEAD/LIST change nothing that a second
// identical request would break (a second GenerateDataKey or Encrypt just yields another
// valid ciphertext), so any retryable failure is retried. S3 writes (PUT, POST, DELETE)
// are retried only when S3 certainly did not act on the first one: it refused with
// throttling (SlowDown), or the connection was refused or the name did not resolve;
// after a 500, a timeout or a connection that broke mid-request the outcome is unknown
// and the caller decides.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::aws {

enum class retry_reason { none, throttled, server_error, transport };

// The label of fluxaws_aws_retries_total{reason}: throttled, server_error, transport.
std::string_view to_string(retry_reason r);

// Why e may pass when the call is sent again, or none.
retry_reason retry_reason_of(const error_info& e);

// Whether a request with this method may be sent again after e (see Safety above).
bool retry_is_safe(std::string_view method, bool s3, const error_info& e);

}  // namespace fluxaws::aws
