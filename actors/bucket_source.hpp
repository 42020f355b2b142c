// The Bucket kind's pure logic (source.toolkit.fluxcd.io/v1 Bucket, provider aws and
// generic): reading the spec, the CRD's CEL rules and Flux's own checks, S3
// addressing from spec.endpoint/region, Flux's revision algorithm over the listing,
// and safe key paths. No I/O; the reconciler sequences the calls.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/reconcile_result.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::actors::bucket {

struct spec {
  std::string bucket_name;
  std::string endpoint;
  std::string region;
  std::string prefix;
  std::string provider = "generic";
  std::string secret_ref;
  std::string service_account;
  bool has_sts = false;
  std::string sts_provider;
  std::string sts_endpoint;
  bool sts_secret_ref = false;
  bool sts_cert_secret_ref = false;
  std::optional<std::string> ignore;
  bool insecure = false;
};

spec parse_spec(const json::value& obj);

// The CRD's x-kubernetes-validations and Flux's STS checks; an error stalls the object.
std::optional<reconcile_error> validate(const spec& s);

// Where to send S3 requests. spec.endpoint naming an AWS S3 host (s3.amazonaws.com,
// s3.<region>.amazonaws.com, FIPS/dual-stack/China forms) uses AWS's own addressing
// for the region (virtual host where the bucket name allows); any other endpoint is
// used as given (https, or http with spec.insecure), path style for IPs.
// default_region: AWS_REGION from the controller's environment.
result<aws::s3_bucket_endpoint> resolve(const spec& s, const aws::endpoint_settings& settings,
                                        const std::string& default_region);

// The region for S3 signing and for the object's identity: spec.region, else the
// region in an AWS endpoint host, else the default; empty when none.
std::string region_of(const spec& s, const std::string& default_region);

// minio-go trims the quotes of ETags; Flux's index holds them trimmed.
std::string trim_etag(std::string_view etag);

// Flux's index digest: sha256 over "<key> <etag>\n" for the keys in byte order,
// as "sha256:<hex>".
std::string revision(const std::map<std::string, std::string>& index);

// The local path of a key under root; an error for keys that would leave it
// (absolute, "..", empty segments that resolve outside) or that are not files.
result<std::filesystem::path> key_path(const std::filesystem::path& root, const std::string& key);

}  // namespace fluxaws::actors::bucket
