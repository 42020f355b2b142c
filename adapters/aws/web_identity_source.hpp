// Web identity credentials (IRSA and any OIDC federation): AWS_ROLE_ARN,
// AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_SESSION_NAME, AWS_REGION (or
// AWS_DEFAULT_REGION). Each fetch re-reads the token file (Kubernetes rotates the
// projected token) and calls STS AssumeRoleWithWebIdentity — unsigned — on the
// regional STS endpoint (endpoint settings from the same environment).
//
// Steps: read the token file → POST to STS → done. A missing, unreadable or empty
// token file is an error naming the file.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/env.hpp"

namespace fluxaws::aws {

struct web_identity_config {
  std::string role_arn;
  std::string token_file;
  std::string session_name;  // empty: "fluxaws-<unix milliseconds>" at the fetch
  std::string region;
  endpoint sts;
  std::optional<int> duration_seconds;
  std::chrono::milliseconds timeout{10000};
};

// nullopt when AWS_WEB_IDENTITY_TOKEN_FILE is not set; an error when it is set but
// AWS_ROLE_ARN or the region is missing, or the STS endpoint does not resolve.
std::optional<result<web_identity_config>> web_identity_config_from_env(const env_map& env);

class web_identity_source final : public credential_source {
 public:
  web_identity_source(web_identity_config cfg, std::chrono::system_clock::time_point now);
  std::string_view name() const override { return "web-identity"; }
  source_step start() override;
  source_step on_http(const http::response& r) override;
  source_step on_file(const result<std::string>& content) override;

 private:
  enum class state { idle, reading_token, calling_sts, done };
  source_step fail(std::string message, std::string code = "credentials");

  web_identity_config cfg_;
  std::string sts_url_;
  state state_ = state::idle;
};

}  // namespace fluxaws::aws
