// Recognising Amazon ECR registry hosts, so that ECR credentials are only ever sent
// to ECR. Accepted forms (those of fluxcd/pkg auth/aws, which takes its pattern from
// amazon-ecr-credential-helper):
//   <12-digit account>.dkr.ecr[-fips].<region>.<suffix>
//       suffix: amazonaws.com, amazonaws.com.cn, amazonaws.eu, c2s.ic.gov,
//               sc2s.sgov.gov, cloud.adc-e.uk, csp.hci.ic.gov
//   <12-digit account>.dkr-ecr[-fips].<region>.on.aws                   (dual-stack)
//   <12-digit account>.dkr-ecr[-fips].<region>.on.amazonwebservices.com.cn (dual-stack, China)
//   public.ecr.aws                       (ECR Public; its API lives in us-east-1)
//   ecr-public.aws.com                   (ECR Public's dual-stack registry host)
//
// Unlike Flux's unanchored pattern, the whole host must match: look-alikes such as
// "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com", "evil.com/…", an account
// that is not exactly 12 digits, a trailing dot, or user info are refused. A port is
// accepted only when it is 443 (ECR serves HTTPS on 443 only); any other port means
// "not ECR". Host names are compared case-insensitively (DNS).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::aws {

struct ecr_registry {
  std::string host;         // lower case, without port
  std::string account;      // 12 digits; empty for ECR Public
  std::string region;       // "us-east-1" for ECR Public
  std::string dns_suffix;   // "amazonaws.com", "on.aws", ... ("" for public)
  bool is_public = false;
  bool fips = false;
  bool dualstack = false;
};

// host is "name" or "name:port"; nothing else (no scheme, no path).
std::optional<ecr_registry> parse_ecr_host(std::string_view host);

// The registry host of an image or repository reference ("oci://" and "https://"
// prefixes allowed; "http://" is refused, credentials never go in clear text; the
// host ends at the first '/'), parsed as above.
std::optional<ecr_registry> parse_ecr_reference(std::string_view reference);

}  // namespace fluxaws::aws
