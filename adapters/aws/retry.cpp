#include "adapters/aws/retry.hpp"

#include <string_view>

namespace fluxaws::aws {

namespace {

template <std::size_t N>
bool one_of(const std::string& code, const std::string_view (&codes)[N]) {
  for (auto c : codes)
    if (code == c) return true;
  return false;
}

}  // namespace

bool is_throttling(const error_info& e) {
  static constexpr std::string_view kCodes[] = {
      "Throttling",           "ThrottlingException",  "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
      "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
      "EC2ThrottledException"};
  return e.status == 429 || one_of(e.code, kCodes);
}

bool is_transient(const error_info& e) {
  static constexpr std::string_view kTransport[] = {"timeout", "connection_refused", "dns", "io"};
  static constexpr std::string_view kCodes[] = {
      "RequestTimeout",     "RequestTimeoutException", "InternalError",          "InternalFailure",
      "InternalServerError", "ServiceUnavailable",     "ServiceUnavailableException", "KMSInternalException",
      "DependencyTimeoutException", "KeyUnavailableException", "ServerException", "IDPCommunicationError",
      "IDPCommunicationErrorException"};
  if (one_of(e.code, kTransport) || one_of(e.code, kCodes)) return true;
  return e.status == 500 || e.status == 502 || e.status == 503 || e.status == 504;
}

bool is_retryable(const error_info& e) { return is_throttling(e) || is_transient(e); }

bool is_expired_credentials(const error_info& e) {
  static constexpr std::string_view kCodes[] = {"ExpiredToken", "ExpiredTokenException", "RequestExpired",
                                                "InvalidToken", "TokenRefreshRequired"};
  return one_of(e.code, kCodes);
}

bool is_auth_error(const error_info& e) {
  static constexpr std::string_view kCodes[] = {
      "AccessDenied",           "AccessDeniedException",     "UnrecognizedClientException",
      "InvalidClientTokenId",   "InvalidSignatureException", "SignatureDoesNotMatch",
      "IncompleteSignature",    "IncompleteSignatureException", "MissingAuthenticationToken",
      "MissingAuthenticationTokenException", "AuthFailure", "InvalidAccessKeyId",
      "InvalidIdentityToken",   "InvalidIdentityTokenException", "IDPRejectedClaim",
      "IDPRejectedClaimException", "NotAuthorized", "Forbidden", "RegionDisabledException"};
  return is_expired_credentials(e) || one_of(e.code, kCodes);
}

}  // namespace fluxaws::aws
