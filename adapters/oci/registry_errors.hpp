// Turning registry answers that are not successes into error_info values a reconciler
// can act on and a user can read in a condition message.
//
// Contract:
//  - error_from_status(): 401 Unauthorized, 403 Denied, 404 NotFound, 429
//    TooManyRequests, anything else RegistryError; the message is
//    "<what>: <status> <reason phrase>" followed by the registry's own error codes and
//    messages (distribution's {"errors":[{"code","message"}]}, as ECR sends too), or a
//    short printable excerpt of a non-JSON body. error_info::status is the HTTP status.
//  - error_from_failure(): an answer that never came (fail != none): Timeout for
//    timeouts, BlobTooLarge for bodies over the cap, Truncated for transfers that
//    broke off, NetworkError otherwise; the message names what and the host.
//  - Messages carry no request headers (credentials); peer text is cut to a safe length
//    with control characters replaced.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::oci {

struct registry_error_detail {
  std::string code;     // "DENIED", "MANIFEST_UNKNOWN", ...
  std::string message;
};

// The entries of a distribution error body; empty when the body is not one.
std::vector<registry_error_detail> parse_error_body(std::string_view body);

error_info error_from_status(int status, std::string_view body, std::string_view what);
error_info error_from_failure(const http::response& r, std::string_view url, std::string_view what);

std::string_view reason_phrase(int status);

}  // namespace fluxaws::oci
