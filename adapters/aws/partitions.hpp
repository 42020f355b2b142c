// AWS partitions (aws, aws-cn, aws-us-gov, the iso partitions, aws-eusc) and the
// region → partition mapping of the SDKs' endpoint rules library (aws.partition):
// an exact match on a known region name first, then each partition's region
// pattern, and the "aws" partition for anything else. Data from the SDKs'
// partitions.json (botocore 1.43).
#pragma once

#include <string_view>

namespace fluxaws::aws {

struct partition {
  std::string_view name;                  // "aws", "aws-cn", ...
  std::string_view dns_suffix;            // "amazonaws.com"
  std::string_view dualstack_dns_suffix;  // "api.aws"
  std::string_view implicit_global_region;
  bool supports_fips = true;
  bool supports_dualstack = true;
};

const partition& partition_for_region(std::string_view region);

}  // namespace fluxaws::aws
