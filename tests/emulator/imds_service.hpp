// imds_service.hpp — the EC2 instance metadata service, IMDSv2 only, with the world's
// instance role (iam.instanceRole) as the node's role.
//
// Contract:
//   PUT  /latest/api/token (X-aws-ec2-metadata-token-ttl-seconds: 1..21600) -> token
//   GET  with X-aws-ec2-metadata-token (401 without or with an invalid/expired one):
//        /latest/meta-data/iam/security-credentials/        -> the role name
//        /latest/meta-data/iam/security-credentials/<role>  -> credentials JSON
//        /latest/meta-data/iam/info, /latest/meta-data/instance-id,
//        /latest/meta-data/placement/region, .../availability-zone,
//        /latest/dynamic/instance-identity/document
//   Credentials are a session of the instance role (session name = the instance id),
//   reused until less than half their lifetime (at most 5 minutes) remains, as IMDS
//   rotates them ahead of expiry. No instance role -> 404 for the credential paths.
#pragma once

#include <mutex>
#include <optional>

#include "tests/emulator/service_context.hpp"

namespace emu {

class imds_service {
 public:
  explicit imds_service(const service_context& ctx) : ctx_(ctx) {}
  http_response handle(const http_request& req, call_record& rec);
  static std::string operation_of(const http_request& req);

  static constexpr std::string_view instance_id = "i-0fa1e2d3c4b5a6978";

 private:
  service_context ctx_;
  std::mutex mu_;
  std::optional<issued_credentials> current_;
};

}  // namespace emu
