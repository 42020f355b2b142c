// AWS Signature Version 4: canonical request, string to sign, signature, for the
// Authorization header and for presigned (query) URLs, plus the verifier the emulator
// uses. Pure functions over OpenSSL's HMAC/SHA-256; no I/O, no clock (the caller passes
// the time). Thread-safe: the only shared state is the signing-key cache, which locks.
//
// Canonicalization rules (AWS General Reference, "Create a canonical request"):
//   - path: taken as the request line carries it (normally already percent-encoded).
//     S3 (normalize=false) — not normalized ('.', '..', '//' stay) and encoded once:
//     bytes outside RFC 3986's unreserved set and '/' are %XX-encoded, but an existing
//     valid %XX escape is kept, so a wire path such as /test%24file.text is its own
//     canonical form. Other services (normalize=true) — '.', '..' and empty segments are
//     removed (a trailing '/' is kept), then every byte but unreserved and '/' is encoded,
//     '%' included: the wire path is encoded a second time (/a%20b -> /a%2520b).
//   - query: split on '&', each key and value decoded then RFC 3986-encoded, sorted by
//     encoded key then value; "a" and "a=" both become "a=". '+' is a literal plus, and
//     so is a '%' that starts no valid escape.
//   - headers: names lower-cased, values trimmed with inner runs of whitespace folded to
//     one space, duplicate names joined with ',' in order of appearance, sorted by name.
//   - payload hash: hex SHA-256 of the body, or the literal given (UNSIGNED-PAYLOAD).
//
// Headers signed by sign_headers/sign_query: every header of the request except the
// hop-by-hop and client-identity ones a proxy or HTTP stack may change after signing
// (authorization, connection, expect, keep-alive, proxy-authorization, proxy-connection,
// te, trailer, transfer-encoding, upgrade, user-agent, x-amzn-trace-id) — as aws-c-auth
// and the JS SDK do.
//
// Secrets: nothing here logs. Derived signing keys live only in the in-process cache,
// which is bounded and wipes entries it drops.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/aws/credentials.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::aws::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// A request to sign. path is the path as the request line carries it (normally already
// percent-encoded; raw bytes such as a space or UTF-8 are accepted and encoded, see the
// rules above); query is the raw query string (already percent-encoded as it appears on
// the wire, without '?').
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
  // Header signing only; presigned URLs never carry it.
  bool sign_body_header = false;
  // Payload hash to use instead of hashing the body, e.g. "UNSIGNED-PAYLOAD".
  std::optional<std::string> payload_hash;
  // Do not sign X-Amz-Security-Token (added after signing; aws-c-auth's
  // omit_session_token). Default: signed, as every SDK does.
  bool omit_session_token = false;
  // Presigned URLs only: X-Amz-Expires.
  std::chrono::seconds expires{3600};
  // Reuse the derived signing key through the process-wide cache (see
  // cached_signing_key). Off only to measure what the cache saves.
  bool cache_signing_key = true;
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
// (when sign_body_header), then Authorization. Any of these already present (a request
// signed before, e.g. a retry) is removed first, so signing again is idempotent.
signature_parts sign_headers(http_request& req, const credentials& creds, const signing_params& params);

// Presigns: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires,
// X-Amz-SignedHeaders, X-Amz-Security-Token, X-Amz-Signature to req.query. The payload
// hash is params.payload_hash or the body's hash (S3 presigned URLs pass
// UNSIGNED-PAYLOAD).
signature_parts sign_query(http_request& req, const credentials& creds, const signing_params& params);

// Building blocks, exposed for the emulator's verifier and for tests.
std::string canonical_uri(std::string_view raw_path, bool normalize);
std::string canonical_query(std::string_view raw_query);
// The raw 32-byte signing key (hex-encode it to compare with AWS's examples):
// HMAC chain "AWS4"+secret -> day -> region -> service -> "aws4_request".
std::string signing_key(std::string_view secret, std::string_view day, std::string_view region,
                        std::string_view service);
// signing_key through a process-wide, thread-safe, bounded cache keyed by all four
// inputs (a key is valid for one day, so entries of past days age out).
std::string cached_signing_key(std::string_view secret, std::string_view day, std::string_view region,
                               std::string_view service);
std::string authorization_header(std::string_view access_key_id, const signature_parts& parts);

// The canonical request of req over exactly the headers named in signed_headers
// (lower-case names separated by ';', as in SignedHeaders), with the given payload hash.
// Headers of req not named are ignored; a named header req lacks is canonicalized empty.
std::string canonical_request(const http_request& req, std::string_view signed_headers,
                              std::string_view payload_hash, bool normalize_path);
// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical_request)>".
std::string string_to_sign(std::string_view amz_date, std::string_view credential_scope,
                           std::string_view canonical_request);

// The parsed Authorization header of a signed request (emulator side).
struct parsed_authorization {
  std::string access_key_id;
  std::string day, region, service;  // from the credential scope
  std::vector<std::string> signed_headers;
  std::string signature;
};
// Accepts "AWS4-HMAC-SHA256 Credential=<id>/<yyyymmdd>/<region>/<service>/aws4_request,
// SignedHeaders=<a;b;c>, Signature=<64 hex>" with the three parts in any order, separated
// by ',' and optional spaces. Anything else (another algorithm, a missing, repeated or
// empty part, a bad scope or signature, > 16 KiB) gives nullopt; never throws.
std::optional<parsed_authorization> parse_authorization(std::string_view header_value);

struct verify_options {
  // false for S3 (see canonical_uri).
  bool normalize_path = true;
  // When set, X-Amz-Date must be within max_skew of it (AWS allows 15 minutes).
  std::optional<std::chrono::system_clock::time_point> now;
  std::chrono::seconds max_skew{900};
};

// Verifies a request signed with the Authorization header, the emulator's side of
// sign_headers. The caller parses the header (parse_authorization) and looks up the
// secret of auth.access_key_id. Checks: X-Amz-Date present, well-formed, on the scope's
// day (and within the skew when asked); host and every signed header present; a hex
// x-amz-content-sha256 matches the body; the signature (compared in constant time).
// The payload hash is x-amz-content-sha256 when present, else the body's hash. Error
// codes: IncompleteSignature, SignatureDoesNotMatch, RequestTimeTooSkewed,
// XAmzContentSHA256Mismatch; messages name the reason, never a secret. expected, when
// given, receives the recomputed parts (it holds header values: do not log it).
fluxaws::status verify_headers(const http_request& req, const parsed_authorization& auth,
                               std::string_view secret_access_key, const verify_options& options,
                               signature_parts* expected = nullptr);

}  // namespace fluxaws::aws::sigv4
