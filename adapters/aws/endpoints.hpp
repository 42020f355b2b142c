// Endpoint resolution for the services fluxaws calls — STS, ECR, ECR Public, S3,
// KMS — by region and partition, FIPS and dual-stack, as the AWS SDKs' endpoint
// rule sets give them (botocore 1.43 / JS SDK v3 rules), plus the standard endpoint
// overrides (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>).
//
// Notable rules reproduced here:
//   - STS is regional (sts.<region>.<suffix>); "aws-global" and, with
//     AWS_STS_REGIONAL_ENDPOINTS=legacy, the 16 legacy regions use sts.amazonaws.com
//     signed for us-east-1. FIPS in aws-us-gov is sts.<region>.amazonaws.com.
//   - ECR's API host is api.ecr.<region>.<suffix>; FIPS api.ecr-fips.<region>.<suffix>;
//     dual-stack ecr[-fips].<region>.<dual-stack suffix> (the current rules; older
//     rule sets had ecr-fips.<region>.<suffix> for FIPS).
//   - ECR Public's API is api.ecr-public.<region>.<suffix>, signing name ecr-public.
//   - S3 uses s3[-fips][.dualstack].<region>.<suffix> (dual-stack keeps the normal DNS
//     suffix), virtual-host style for DNS-compatible bucket names without dots,
//     path style otherwise (dots would break the TLS wildcard), and path style for
//     IP-address endpoints. FIPS is refused in aws-cn.
//   - A custom endpoint cannot be combined with FIPS or dual-stack: that is an error,
//     as in the SDKs.
//
// Contract: pure functions; errors are fluxaws::error_info with code "endpoint".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/aws/env.hpp"
#include "adapters/aws/url.hpp"
#include "adapters/common/result.hpp"

namespace fluxaws::aws {

enum class service { sts, ecr, ecr_public, s3, kms };

// SigV4 signing name: sts, ecr, ecr-public, s3, kms.
std::string_view signing_name(service s);
// The SERVICE part of AWS_ENDPOINT_URL_<SERVICE>: STS, ECR, ECR_PUBLIC, S3, KMS.
std::string_view env_name(service s);

struct endpoint_settings {
  bool use_fips = false;
  bool use_dualstack = false;
  std::optional<std::string> endpoint_url;  // override
  std::string endpoint_url_origin;          // where the override came from, for errors
  bool sts_legacy_global = false;           // AWS_STS_REGIONAL_ENDPOINTS=legacy
  bool s3_us_east_1_global = false;         // AWS_S3_US_EAST_1_REGIONAL_ENDPOINT=legacy
  bool s3_force_path_style = false;
};

// AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT, AWS_ENDPOINT_URL_<SERVICE> (wins)
// or AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, and the
// legacy global-endpoint switches.
endpoint_settings endpoint_settings_from_env(const env_map& env, service s);

struct endpoint {
  url_parts url;               // scheme, host, port and base path (raw, unencoded)
  std::string signing_name;
  std::string signing_region;

  // scheme://authority + base path, e.g. "https://sts.us-east-1.amazonaws.com".
  std::string to_string() const;
  // The raw request path for an operation path ("/" for the JSON and query protocols).
  std::string path_for(std::string_view operation_path) const;
};

result<endpoint> resolve_endpoint(service s, std::string_view region, const endpoint_settings& settings);

// S3 with a bucket: url.path is the bucket's base path — "" for virtual-host style,
// "/<bucket>" (after any endpoint path) for path style. Object paths are
// base + "/" + key.
struct s3_bucket_endpoint {
  endpoint ep;
  bool virtual_host = false;
  std::string bucket;
};

result<s3_bucket_endpoint> resolve_s3_bucket(std::string_view region, std::string_view bucket,
                                             const endpoint_settings& settings);

// The rules' aws.isVirtualHostableS3Bucket: 3..63 characters, lower case, each
// dot-separated label a valid host label, not an IPv4 address; dots only when
// allow_dots.
bool is_virtual_hostable_bucket(std::string_view bucket, bool allow_dots);

// A valid host label per RFC 1123 (the rules' isValidHostLabel without sub-domains).
bool is_valid_host_label(std::string_view label);

}  // namespace fluxaws::aws
