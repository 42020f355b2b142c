// sigv4_verify.hpp — the server side of AWS Signature Version 4: recomputes the
// signature of a received request (Authorization header or presigned query) and
// resolves the caller.
//
// Contract:
//   - verify() never throws on bad input; every refusal is an auth_error with a
//     message in AWS's words. Checks, in AWS's order: well-formed auth, algorithm,
//     x-amz-date and clock skew (15 min; presigned: X-Amz-Expires), credential scope
//     (date, region, service, aws4_request), access key, session token (missing,
//     unknown, expired), payload hash (x-amz-content-sha256 when present; a hex value
//     must match the body), signature (constant-time compare).
//   - Canonicalization is rebuilt from the wire: for S3 the path is decoded and encoded
//     once, not normalized; otherwise the wire path (encoded once by the client) is
//     normalized and encoded again. The query is decoded/re-encoded/sorted, signed
//     headers trimmed and folded. A presigned URL whose session token was added after
//     signing (aws-c-auth's omit_session_token) also verifies.
//   - Signing keys are cached per (secret, day, region, service) per thread.
//   - The canonical request and string to sign are returned for S3's
//     SignatureDoesNotMatch body; they hold no secret.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "tests/emulator/credential_store.hpp"
#include "tests/emulator/http_types.hpp"

namespace emu::sigv4 {

enum class auth_error {
  none,
  missing,            // no signature at all
  malformed,          // unparsable Authorization / presign parameters
  unsupported_algorithm,
  missing_date,
  skewed,             // x-amz-date more than 15 minutes off
  presign_expired,
  bad_scope_date,
  bad_scope_region,
  bad_scope_service,
  bad_scope_terminator,
  unknown_key,
  missing_token,      // a session key without its session token
  invalid_token,      // a token that does not belong to the key
  expired_token,
  content_sha_mismatch,
  missing_content_sha,  // S3 header auth without x-amz-content-sha256
  bad_signature,
};

struct verify_input {
  std::string_view service;     // expected signing name: sts, kms, ecr, s3
  std::string_view region;      // expected region; empty = take the scope's
  bool normalize_path = true;   // false for S3
  bool s3_payload = false;      // S3 rules for x-amz-content-sha256
  std::chrono::system_clock::time_point now;
};

struct verify_result {
  auth_error error = auth_error::none;
  std::string message;
  principal_ptr who;
  std::string access_key_id;
  std::string region;   // the credential scope's
  std::string service;  // the credential scope's
  std::string payload_hash;  // as used in the canonical request
  bool presigned = false;
  std::string canonical_request, string_to_sign, signature_provided;
  bool ok() const { return error == auth_error::none; }
};

verify_result verify(const http_request& req, const credential_store& store, const verify_input& in);

// The credential scope of a signed request without verifying it (routing of requests to
// the bare loopback address). Empty when the request is not signed.
struct scope_peek {
  std::string service, region;
};
std::optional<scope_peek> peek_scope(const http_request& req);
bool is_signed(const http_request& req);

// Building blocks (exposed for tests).
std::string canonical_uri_from_wire(std::string_view wire_path, bool normalize);
std::string canonical_query_from_wire(std::string_view wire_query, bool drop_signature, bool drop_token = false);
std::string fold_header_value(std::string_view v);

}  // namespace emu::sigv4
