// EC2 instance metadata (IMDSv2) credentials: the instance profile's role.
//   PUT  <endpoint>/latest/api/token  (X-aws-ec2-metadata-token-ttl-seconds: 21600)
//   GET  <endpoint>/latest/meta-data/iam/security-credentials/        → role name
//   GET  <endpoint>/latest/meta-data/iam/security-credentials/<role>  → JSON credentials
// each GET with X-aws-ec2-metadata-token. The endpoint is http://169.254.169.254,
// http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6, or
// AWS_EC2_METADATA_SERVICE_ENDPOINT. AWS_EC2_METADATA_DISABLED=true removes the source.
// A token request answered 404 or 405 (an IMDS without v2) falls back to IMDSv1
// (no token) unless AWS_EC2_METADATA_V1_DISABLED=true; 403 and anything else is an
// error, as in the Go SDK.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/env.hpp"

namespace fluxaws::aws {

struct imds_config {
  std::string endpoint = "http://169.254.169.254";  // origin, no trailing '/'
  int token_ttl_seconds = 21600;
  bool allow_v1_fallback = true;
  std::chrono::milliseconds timeout{5000};
};

// nullopt when AWS_EC2_METADATA_DISABLED=true; an error for a bad endpoint or mode.
std::optional<result<imds_config>> imds_config_from_env(const env_map& env);

class imds_source final : public credential_source {
 public:
  explicit imds_source(imds_config cfg) : cfg_(std::move(cfg)) {}
  std::string_view name() const override { return "imds"; }
  source_step start() override;
  source_step on_http(const http::response& r) override;
  source_step on_file(const result<std::string>& content) override;

 private:
  enum class state { idle, token, role_name, role_credentials, done };
  source_step fail(std::string message, std::string code = "credentials");
  http::request get(const std::string& path) const;

  imds_config cfg_;
  state state_ = state::idle;
  std::string token_;  // secret; empty in IMDSv1 fallback
  std::string role_;
  std::string url_;    // of the request in flight
};

}  // namespace fluxaws::aws
