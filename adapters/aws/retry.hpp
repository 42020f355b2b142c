// Classifying AWS failures for the callers' retry and credential-refresh decisions,
// after the SDKs' standard retry mode:
//   is_throttling        — Throttling, ThrottlingException, TooManyRequestsException,
//                          RequestLimitExceeded, SlowDown, … and HTTP 429.
//   is_transient         — transport failures that may pass (timeout, connection
//                          refused, DNS, broken connection), HTTP 500/502/503/504,
//                          InternalError, ServiceUnavailable, KMSInternalException,
//                          ServerException, IDPCommunicationError, RequestTimeout, ….
//   is_retryable         — either of the two.
//   is_expired_credentials — ExpiredToken(Exception), RequestExpired, InvalidToken…:
//                          drop cached credentials, fetch new ones, then retry.
//   is_auth_error        — the identity was rejected or lacks permission
//                          (AccessDenied*, UnrecognizedClient, InvalidClientTokenId,
//                          signature errors, InvalidIdentityToken, IDPRejectedClaim…,
//                          and the expired family): retrying with the same credentials
//                          cannot succeed.
// Plain functions over error_info (code + HTTP status).
#pragma once

#include "adapters/common/result.hpp"

namespace fluxaws::aws {

bool is_throttling(const error_info& e);
bool is_transient(const error_info& e);
bool is_retryable(const error_info& e);
bool is_expired_credentials(const error_info& e);
bool is_auth_error(const error_info& e);

}  // namespace fluxaws::aws
