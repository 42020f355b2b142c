// routing.hpp — which emulated service a request is for, decided from its Host header
// the way LocalStack does, and for requests to the bare loopback address from the
// SigV4 credential scope (or, unsigned, from the request's shape).
//
// Contract (pure function, no world needed):
//   sts[.<region>|-fips.<region>].amazonaws.com, sts.<region>.api.aws        -> sts
//   [api.]ecr[-fips].<region>.amazonaws.com, ecr.<region>.api.aws            -> ecr (API)
//   <account>.dkr.ecr[-fips].<region>.amazonaws.com, <account>.dkr-ecr.<region>.on.aws -> registry
//   kms[-fips].<region>.amazonaws.com                                        -> kms
//   [<bucket>.]s3[-fips][.dualstack][.<region>].amazonaws.com, s3-<region>…   -> s3
//   169.254.169.254 -> imds; 169.254.170.2 / 169.254.170.23 -> podidentity
//   /_emulator/… on any host -> admin
//   anything else is "bare": signed -> the scope's service; unsigned -> /latest/… imds,
//   /v1/credentials podidentity, /v2/… registry, form Action=… sts, X-Amz-Target
//   TrentService… kms / AmazonEC2ContainerRegistry… ecr, else s3.
#pragma once

#include <string>
#include <string_view>

#include "tests/emulator/http_types.hpp"

namespace emu {

enum class service_kind { unknown, admin, sts, ecr_api, registry, s3, kms, imds, pod_identity };

// "sts", "ecr", "registry", "s3", "kms", "imds", "podidentity", "admin", "unknown".
std::string_view service_name(service_kind s);

struct route {
  service_kind service = service_kind::unknown;
  std::string region;   // from the host name (or the signature's scope when bare)
  std::string account;  // registry hosts
  std::string bucket;   // S3 virtual-host style
  bool bare = false;    // reached by address, not by an AWS host name
};

route classify(std::string_view host, const http_request& req);

// Host header without port, lower-cased; IPv6 brackets kept.
std::string host_of(std::string_view host_header);

}  // namespace emu
