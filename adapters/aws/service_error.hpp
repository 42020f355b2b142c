// AWS error documents turned into a code and a message, the way the AWS SDKs read
// them, for the three protocols fluxaws speaks:
//   - query (STS): <ErrorResponse><Error><Type/><Code/><Message/></Error></ErrorResponse>;
//     modelled wire codes map to the SDK's exception names (InvalidIdentityToken →
//     InvalidIdentityTokenException, …); a bare <Error> without the wrapper gives the
//     name "Unknown" (the wire code stays available).
//   - json (KMS, ECR, ECR Public): name from the x-amzn-ErrorType header (text before
//     ':'), else "__type" (text after '#'), else "code"; message from "message" or
//     "Message", "UnknownError" when missing or null; an empty body gives "Unknown".
//   - rest_xml (S3): <Error><Code/><Message/></Error>; bodiless answers (HEAD) get
//     NotFound / Forbidden / BadRequest / NotModified / MovedPermanently from the status.
// A body that is not a document of the protocol's format gives code "Unknown" and a
// message saying so. Nothing here throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws {

enum class protocol { query, json, rest_xml };

struct service_error {
  std::string code;          // the SDK's error name
  std::string wire_code;     // the code as sent (equals code unless mapped)
  std::string message;
  std::string type;          // awsQuery's Sender / Receiver
  std::string request_id;
  std::string bucket_region; // S3 x-amz-bucket-region, when sent
  int status = 0;
  bool server_fault() const { return status >= 500; }
};

service_error parse_service_error(protocol p, int status, const http::header_list& headers, std::string_view body);

// The SDK's exception name for an STS wire code (identity for unmodelled codes).
std::string sts_error_name(std::string_view wire_code);

// "<operation>: <message>" with the SDK name as code and the HTTP status; the wire
// code is mentioned when it differs from the name.
error_info to_error_info(const service_error& e, std::string_view operation);

// A transport failure (no HTTP answer) as an error_info: code "timeout", "dns",
// "connection_refused", "tls", "io", "body_too_large", "invalid_request",
// "cancelled" or "http"; the message names the operation and the host.
error_info transport_error(const http::response& r, std::string_view url, std::string_view operation);

// The error of an answer, if it is one: a transport failure, or a status outside
// 200..299 parsed per protocol. nullopt for a 2xx answer (whose body the operation's
// parser then checks).
std::optional<error_info> response_error(protocol p, const http::response& r, std::string_view url,
                                         std::string_view operation);

}  // namespace fluxaws::aws
