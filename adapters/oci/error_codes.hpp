// The error codes of the OCI client (error_info::code), one per thing a reconciler
// may act on differently. They are stable strings: reconcilers map them to Flux
// reasons and conditions, so add codes, never rename them.
#pragma once

#include <string_view>

namespace fluxaws::oci::errc {

// 401 after the credentials given (or none) were tried: the caller may evict a cached
// registry credential (ECR authorization token) and retry once.
inline constexpr std::string_view unauthorized = "Unauthorized";
// 403: the identity is known but not allowed. The message carries the registry's text.
inline constexpr std::string_view denied = "Denied";
// 404: repository, manifest or blob unknown.
inline constexpr std::string_view not_found = "NotFound";
// 429: rate limited.
inline constexpr std::string_view too_many_requests = "TooManyRequests";
// Any other non-success answer (5xx, unexpected 3xx/4xx).
inline constexpr std::string_view registry_error = "RegistryError";
// A manifest or index that is not valid JSON of a supported type.
inline constexpr std::string_view manifest_invalid = "ManifestInvalid";
// An index without a manifest for the wanted platform.
inline constexpr std::string_view platform_not_found = "PlatformNotFound";
// Bytes that do not hash to the digest they were asked for or announced with.
inline constexpr std::string_view digest_mismatch = "DigestMismatch";
// A blob larger than the caller's cap.
inline constexpr std::string_view blob_too_large = "BlobTooLarge";
// A body that ended before its announced size.
inline constexpr std::string_view truncated = "Truncated";
// No HTTP answer: DNS, refused connection, TLS, broken connection.
inline constexpr std::string_view network_error = "NetworkError";
// The operation's time budget ran out.
inline constexpr std::string_view timeout = "Timeout";
// A tags page "next" link that leaves the registry (other scheme or host), loops or
// cannot be parsed.
inline constexpr std::string_view pagination_refused = "PaginationRefused";
// A reference (URL, image, tag, digest) that does not parse.
inline constexpr std::string_view invalid_reference = "InvalidReference";
// A kubernetes.io/dockerconfigjson payload that does not parse, or has no entry.
inline constexpr std::string_view invalid_docker_config = "InvalidDockerConfig";
// A token server answer without a usable token, or an unusable challenge.
inline constexpr std::string_view token_error = "TokenError";
// Plain HTTP (to the registry or its token realm) without the caller's consent.
inline constexpr std::string_view insecure_refused = "InsecureRefused";
// A malformed answer (tags list that is not JSON, HEAD without a digest, ...).
inline constexpr std::string_view invalid_response = "InvalidResponse";
// A local file could not be written or removed.
inline constexpr std::string_view io_error = "IOError";
// Something valid but not supported (a sha512 blob download, schema 1 manifests).
inline constexpr std::string_view unsupported = "Unsupported";

}  // namespace fluxaws::oci::errc
