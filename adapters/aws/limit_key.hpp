// What an AWS call is rate-limited by: the service (the aws.rateLimits name: sts, ecr,
// ecr-public, s3, kms, registry), the region, and a scope — the account whose quota
// the call spends when it is known ("acct/111122223333"), the bucket for S3
// ("s3/<host>[/<bucket>]", S3 throttles per bucket prefix, not per account), else the
// endpoint host ("host/api.ecr.us-east-1.amazonaws.com"). call_key.hpp derives keys.
// Plain data; account ids and host names are not secrets, so keys may be printed.
#pragma once

#include <caf/meta/type_name.hpp>

#include <string>
#include <tuple>

namespace fluxaws::aws {

struct limit_key {
  std::string service;
  std::string region;
  std::string scope;

  bool empty() const { return service.empty(); }
  // "sts us-east-1 acct/111122223333"
  std::string to_string() const { return service + " " + (region.empty() ? "-" : region) + " " + scope; }
  friend bool operator<(const limit_key& a, const limit_key& b) {
    return std::tie(a.service, a.region, a.scope) < std::tie(b.service, b.region, b.scope);
  }
  friend bool operator==(const limit_key& a, const limit_key& b) {
    return a.service == b.service && a.region == b.region && a.scope == b.scope;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, limit_key& x) {
  return f(caf::meta::type_name("fluxaws.aws.limit_key"), x.service, x.region, x.scope);
}

}  // namespace fluxaws::aws
