#include <boost/test/unit_test.hpp>

#include "adapters/aws/retry.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;

BOOST_AUTO_TEST_SUITE(retry_classification)

BOOST_AUTO_TEST_CASE(throttling_and_transient) {
  for (const char* c : {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded",
                        "SlowDown", "LimitExceededException"}) {
    BOOST_TEST_CONTEXT(c) {
      BOOST_TEST(is_throttling(make_error(c, "m", 400)));
      BOOST_TEST(is_retryable(make_error(c, "m", 400)));
      BOOST_TEST(!is_auth_error(make_error(c, "m", 400)));
    }
  }
  BOOST_TEST(is_throttling(make_error("Unknown", "m", 429)));
  for (const char* c : {"timeout", "connection_refused", "dns", "io", "InternalError", "ServiceUnavailable",
                        "KMSInternalException", "ServerException", "IDPCommunicationErrorException", "RequestTimeout"})
    BOOST_TEST_CONTEXT(c) { BOOST_TEST(is_transient(make_error(c, "m"))); }
  BOOST_TEST(is_transient(make_error("Unknown", "m", 503)));
  BOOST_TEST(is_transient(make_error("Unknown", "m", 500)));
  BOOST_TEST(!is_retryable(make_error("tls", "m")));
  BOOST_TEST(!is_retryable(make_error("parse", "m", 200)));
  BOOST_TEST(!is_retryable(make_error("NotFoundException", "m", 400)));
  BOOST_TEST(!is_retryable(make_error("body_too_large", "m")));
}

BOOST_AUTO_TEST_CASE(auth_and_expired) {
  for (const char* c : {"ExpiredToken", "ExpiredTokenException", "RequestExpired"}) {
    BOOST_TEST(is_expired_credentials(make_error(c, "m", 400)));
    BOOST_TEST(is_auth_error(make_error(c, "m", 400)));
  }
  for (const char* c : {"AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "InvalidClientTokenId",
                        "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignatureException",
                        "InvalidIdentityTokenException", "IDPRejectedClaimException"}) {
    BOOST_TEST_CONTEXT(c) {
      BOOST_TEST(is_auth_error(make_error(c, "m", 403)));
      BOOST_TEST(!is_expired_credentials(make_error(c, "m", 403)));
      BOOST_TEST(!is_retryable(make_error(c, "m", 403)));
    }
  }
  BOOST_TEST(!is_auth_error(make_error("timeout", "m")));
  BOOST_TEST(!is_auth_error(make_error("ThrottlingException", "m", 400)));
}

BOOST_AUTO_TEST_SUITE_END()
