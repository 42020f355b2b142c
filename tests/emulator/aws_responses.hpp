// aws_responses.hpp — building answers in each AWS protocol the emulator speaks:
// awsQuery XML (STS), awsJson1_1 (KMS, ECR API), S3's restXml, plain JSON.
//
// Contract: every answer carries a fresh request id (x-amzn-RequestId, or for S3
// x-amz-request-id and x-amz-id-2) and a Date header; error bodies follow the shapes
// the AWS SDKs parse (see /work/shared/testdata/aws-wire/README.md). Messages are
// XML-escaped here; callers pass plain text and never a secret.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/emulator/http_types.hpp"

namespace emu {

std::string new_request_id();  // UUID v4 shape (not cryptographic)
std::string xml_escape(std::string_view s);

// awsQuery.
http_response query_ok(unsigned version, std::string_view action, std::string_view result_inner_xml);
http_response query_error(unsigned version, unsigned status, std::string_view code, std::string_view message);

// awsJson1_1. An empty message is sent as null (as KMS does for some errors).
http_response json_ok(unsigned version, std::string body);
http_response json_error(unsigned version, unsigned status, std::string_view type, std::string_view message);

// S3 restXml. extra: additional elements (name, text) between Message and RequestId.
// HEAD requests get no body, as S3 does.
http_response s3_error(const http_request& req, unsigned status, std::string_view code, std::string_view message,
                       const std::vector<std::pair<std::string, std::string>>& extra = {});
http_response s3_response(unsigned version, unsigned status);  // headers only; caller fills body

// Plain answers (IMDS, Pod Identity, admin).
http_response plain_response(unsigned version, unsigned status, std::string body,
                             std::string_view content_type = "text/plain");

}  // namespace emu
