// Deriving the rate-limit key (limit_key.hpp) of an AWS call.
//
// AWS counts most request quotas per account and region (STS, ECR's API, KMS; the
// registry's pull quotas too), and it charges the account the calling credentials
// belong to (re:Post "Which account's API quota is used when a role is assumed?"). An
// access key id does not say its account, so the scope is, in this order:
//   1. an explicit account hint the caller gives (async_calls.hpp's call_hint);
//   2. the account learned for the credentials' key id: AssumeRoleWithWebIdentity and
//      AssumeRole answers name the assumed role's ARN, GetCallerIdentity the account
//      (installed_call_policy remembers key id -> account);
//   3. for AssumeRoleWithWebIdentity itself (unsigned: no credentials yet), the role
//      ARN's account;
//   4. else the endpoint host ("host/sts.us-east-1.amazonaws.com"): every caller whose
//      account is unknown shares one bucket per endpoint — stricter than AWS, never
//      looser.
// S3 is the exception: it throttles per bucket prefix (3,500 PUT / 5,500 GET per second
// per prefix), not per account, so its scope is the bucket.
// An OCI registry is keyed by its host; an ECR registry host names its account and
// region (<account>.dkr.ecr.<region>.amazonaws.com), which the key then uses.
//
// Contract: pure functions, no I/O; nothing here sees a secret (key ids and account ids
// are not secrets).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/aws/limit_key.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::aws {

// The 12-digit account of an ARN ("arn:aws:iam::111122223333:role/x",
// "arn:aws:sts::111122223333:assumed-role/x/s"), or "" when it has none.
std::string account_of_arn(std::string_view arn);

// The aws.rateLimits service of a SigV4 signing name: sts, ecr, ecr-public, s3, kms
// (other names as they are).
std::string limit_service(std::string_view signing_name);

// The bucket an S3 request addresses: the host for virtual-hosted style
// ("<bucket>.s3.<region>.amazonaws.com"), host + "/" + the first path segment for
// path style.
std::string s3_bucket_scope(std::string_view host, std::string_view raw_path);

// The key from its parts; account may be empty (then the host, or the bucket for s3).
limit_key make_limit_key(std::string_view service, std::string_view region, std::string_view host,
                         std::string_view raw_path, std::string_view account);

// The key of a service_request (endpoint, signing name and region, path for S3).
limit_key key_for(const service_request& r, std::string_view account);

// An HTTP request already built, recognised as an AWS call: SigV4 Authorization header
// or presigned X-Amz-Credential (service, region and key id from the credential
// scope), or an unsigned STS AssumeRoleWithWebIdentity form (the RoleArn's account).
struct aws_call_target {
  std::string service;        // limit service
  std::string region;
  std::string host;           // authority of the URL
  std::string path;           // raw path of the URL
  std::string access_key_id;  // "" when unsigned
  std::string account;        // from the request itself (RoleArn), else ""
  std::string method;
};
std::optional<aws_call_target> classify_request(const http::request& r);

// The key of an OCI registry host: ECR registries by account and region, others by host.
limit_key registry_key(std::string_view host);
// A registry key that names only a host ("host/<host>", region empty) gets the ECR
// account and region when the host is an ECR registry; other keys are returned as they are.
limit_key normalize_key(limit_key k);

}  // namespace fluxaws::aws
