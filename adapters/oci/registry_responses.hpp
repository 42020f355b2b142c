// Checking registry answers, as plain functions over http::response: a tags page, a
// manifest (GET) and a manifest HEAD. The registry actor calls these once the status
// is a success; they never look at credentials.
//
// Contract:
//  - parse_tag_list(): {"name": ..., "tags": [...]} with tags null or an array of
//    strings; anything else is InvalidResponse.
//  - check_manifest(): the body's SHA-256 (or the algorithm of the header) must match
//    Docker-Content-Digest when the registry sends it, and the requested digest when
//    the reference is one (DigestMismatch otherwise); the body must parse
//    (ManifestInvalid). The reported digest is the requested digest, else the header's,
//    else sha256 of the body.
//  - check_head(): Docker-Content-Digest must be a valid digest and, for a digest
//    reference, equal to it; nullopt when the header is absent (the caller falls back
//    to GET).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"
#include "adapters/oci/registry_types.hpp"

namespace fluxaws::oci {

result<std::vector<std::string>> parse_tag_list(std::string_view body, std::string_view what);

result<manifest_result> check_manifest(std::string_view reference, const http::response& r, std::string_view what);

result<std::optional<manifest_head>> check_head(std::string_view reference, const http::response& r,
                                                std::string_view what);

// True when reference is a digest ("algo:..."); tags never contain ':'.
inline bool is_digest_reference(std::string_view reference) {
  return reference.find(':') != std::string_view::npos;
}

}  // namespace fluxaws::oci
