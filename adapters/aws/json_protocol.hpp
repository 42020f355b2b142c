// The awsJson1_1 protocol shared by KMS, ECR and ECR Public: POST "/" with
// Content-Type application/x-amz-json-1.1 and X-Amz-Target <prefix>.<Operation>, a JSON
// body; answers are JSON objects, errors as in service_error.hpp.
#pragma once

#include <string>
#include <string_view>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws {

service_request json_request(const endpoint& ep, std::string operation, std::string target, std::string body);

// The body of a successful answer as a JSON object. Transport failures and error
// statuses become their errors; a 200 whose body is not a JSON object, or that
// carries an error document ("__type"), is a "parse" error naming the operation.
result<json::value> parse_json_success(const http::response& r, std::string_view operation);

// A required string member, or a "parse" error naming it (never its value).
result<std::string> required_string(const json::value& obj, std::string_view member, std::string_view operation);

}  // namespace fluxaws::aws
