// The ImageRepository kind's spec (image.toolkit.fluxcd.io/v1), read from an object
// whose CRD defaults are applied (exclusionList, provider), and the checks
// image-reflector-controller makes before it scans. No I/O.
//
// Contract:
//  - parse_spec() never fails: absent fields keep their Flux defaults (exclusionList
//    ["^.*\\.sig$"] when absent or empty, provider "generic", timeout = interval).
//  - parse_image() is Flux's registry.ParseImageReference: spec.image is a repository
//    without scheme, tag or digest. Its errors carry code "ImageURLInvalid" and Flux's
//    message ("image 'x' should not include URL scheme; remove 'https://'", "image 'x'
//    should not include a tag; remove ':v1'") or the parser's reason.
//  - canonical_name() is go-containerregistry's Repository.String(): Docker Hub is
//    "index.docker.io/library/alpine", any other registry "host[:port]/path".
//  - validate() stalls what no retry can fix: an invalid image (ImageURLInvalid), a
//    provider fluxaws does not serve (azure, gcp), and spec fields it does not
//    implement (certSecretRef, proxySecretRef) — InvalidSpec, naming the field.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/reconcile_result.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::actors::imagerepository {

inline constexpr std::string_view kind = "ImageRepository";
inline constexpr std::string_view default_exclusion = "^.*\\.sig$";
inline constexpr const char* reason_image_url_invalid = "ImageURLInvalid";
inline constexpr const char* reason_authentication_failed = "AuthenticationFailed";
inline constexpr const char* reason_read_operation_failed = "ReadOperationFailed";

struct spec {
  std::string image;
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
  std::optional<std::chrono::milliseconds> timeout;
  std::string provider = "generic";
  std::string secret_ref;
  std::string service_account;
  std::vector<std::string> exclusion_list;  // the effective list (default applied)
  bool insecure = false;
  bool suspend = false;
  bool cert_secret_ref = false;   // set but not implemented
  bool proxy_secret_ref = false;  // set but not implemented
};

spec parse_spec(const json::value& obj);

// Flux's GetTimeout(): spec.timeout, else spec.interval; at least one second.
std::chrono::milliseconds timeout_of(const spec& s);

result<oci::repository_ref> parse_image(std::string_view image);

std::string canonical_name(const oci::repository_ref& repo);

std::optional<reconcile_error> validate(const spec& s);

}  // namespace fluxaws::actors::imagerepository
