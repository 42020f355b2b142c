// AWS Signature Version 4: canonical request, string to sign, signature, for the
// Authorization header and for presigned (query) URLs. Pure functions over OpenSSL's
// HMAC/SHA-256; no I/O, no clock (the caller passes the time).
//
// Canonicalization rules (AWS General Reference, "Create a canonical request"):
//   - path: S3 (normalize=false) — the path is URI-encoded once, '/' kept, and not
//     normalized ('.', '..', '//' stay); other services — normalized, then each
//     segment encoded twice.
//   - query: split on '&', each key and value decoded then RFC 3986-encoded, sorted by
//     encoded key then value; "a" and "a=" both become "a=".
//   - headers: names lower-cased, values trimmed with inner runs of spaces folded to
//     one, duplicate names joined with ',', sorted by name.
//   - payload hash: hex SHA-256 of the body, or the literal given (UNSIGNED-PAYLOAD).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/aws/credentials.hpp"

namespace fluxaws::aws::sigv4 {

// A request to sign. path is the raw (unencoded) path as the request line would
// carry it before encoding; query is the raw query string (already percent-encoded
// as it appears on the wire, without '?').
struct http_request {
  std::string method;
  std::string path;
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // must include Host
  std::string body;
};

struct signing_params {
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
  // false for S3: the path is encoded once and not normalized.
  bool normalize_path = true;
  // Adds and signs x-amz-content-sha256 (S3 always does; the JS SDK does everywhere).
  bool sign_body_header = false;
  // Payload hash to use instead of hashing the body, e.g. "UNSIGNED-PAYLOAD".
  std::optional<std::string> payload_hash;
  // Do not sign X-Amz-Security-Token (added after signing; aws-c-auth's
  // omit_session_token). Default: signed, as every SDK does.
  bool omit_session_token = false;
  // Presigned URLs only: X-Amz-Expires.
  std::chrono::seconds expires{3600};
};

// Every intermediate step, for tests and for the emulator's verification.
struct signature_parts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;        // 64 lower-case hex
  std::string credential_scope; // 20150830/us-east-1/service/aws4_request
  std::string signed_headers;   // host;x-amz-date
};

// Signs with the Authorization header: returns the parts and appends to req.headers
// X-Amz-Date, X-Amz-Security-Token (when the credentials have one), x-amz-content-sha256
// (when sign_body_header), then Authorization.
signature_parts sign_headers(http_request& req, const credentials& creds, const signing_params& params);

// Presigns: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Security-Token, X-Amz-Signature to req.query.
signature_parts sign_query(http_request& req, const credentials& creds, const signing_params& params);

// Building blocks, exposed for the emulator's verifier and for tests.
std::string canonical_uri(std::string_view raw_path, bool normalize);
std::string canonical_query(std::string_view raw_query);
std::string signing_key(std::string_view secret, std::string_view day, std::string_view region,
                        std::string_view service);
std::string authorization_header(std::string_view access_key_id, const signature_parts& parts);

// The parsed Authorization header of a signed request (emulator side).
struct parsed_authorization {
  std::string access_key_id;
  std::string day, region, service;  // from the credential scope
  std::vector<std::string> signed_headers;
  std::string signature;
};
std::optional<parsed_authorization> parse_authorization(std::string_view header_value);

}  // namespace fluxaws::aws::sigv4
