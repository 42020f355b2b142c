// OCI content digests ("algorithm:encoded", OCI image-spec descriptor rules) and
// their verification against bytes.
//
// Contract:
//  - parse_digest() accepts the grammar of the image spec
//      algorithm := component ([+._-] component)*   component := [a-z0-9]+
//      encoded   := [a-zA-Z0-9=_-]+
//    and, for the registered algorithms, the exact form: sha256 is 64 and sha512 128
//    lower-case hex characters. Anything else is an InvalidReference error naming the
//    input (trimmed to a safe length).
//  - verify_digest() hashes the exact bytes with the digest's algorithm (sha256 or
//    sha512; others are Unsupported) and reports DigestMismatch naming both digests.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/result.hpp"

namespace fluxaws::oci {

struct digest_parts {
  std::string algorithm;  // "sha256"
  std::string encoded;    // hex for sha256/sha512
  std::string str() const { return algorithm + ":" + encoded; }
};

result<digest_parts> parse_digest(std::string_view text);
bool is_valid_digest(std::string_view text);

// "sha256:<hex>" of bytes.
std::string sha256_digest(std::string_view bytes);
// The digest of bytes with the given algorithm ("sha256" or "sha512"); Unsupported
// otherwise.
result<std::string> compute_digest(std::string_view algorithm, std::string_view bytes);

// Ok when bytes hash to expected. what names the object in the error ("manifest
// host/repo:tag", "blob sha256:...").
status verify_digest(std::string_view bytes, std::string_view expected, std::string_view what);

// Ok when a streamed body's SHA-256 (hex, as the HTTP client reports it) matches
// expected, which must be a sha256 digest.
status verify_sha256_hex(std::string_view actual_hex, std::string_view expected, std::string_view what);

// A digest or other peer-provided text shortened for an error message.
std::string printable(std::string_view text, std::size_t max = 80);

}  // namespace fluxaws::oci
