// Container credentials, as ECS and EKS Pod Identity provide them.
//   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI  → http://169.254.170.2<relative URI> (ECS)
//   AWS_CONTAINER_CREDENTIALS_FULL_URI      → that URL, only if it is https or its host
//       is on the SDKs' allow-list: loopback (127.0.0.0/8, ::1, localhost), the ECS
//       endpoint 169.254.170.2, the EKS Pod Identity endpoints 169.254.170.23 and
//       fd00:ec2::23. Anything else is refused — a plain-http URL elsewhere would
//       hand the authorization token to an arbitrary host.
//   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE  → re-read at every fetch (Pod Identity
//       rotates it); wins over AWS_CONTAINER_AUTHORIZATION_TOKEN.
// The relative URI wins over the full URI, as in the SDKs. The answer is JSON with
// AccessKeyId, SecretAccessKey, Token, Expiration (RFC 3339).
//
// Steps: [read the token file] → GET the URL with "Authorization: <token>" → done.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/env.hpp"

namespace fluxaws::aws {

struct container_config {
  std::string url;         // validated
  std::string token_file;  // wins over token
  std::string token;       // secret
  std::chrono::milliseconds timeout{5000};
};

// nullopt when neither URI variable is set; an error for a URL that does not parse or
// whose host is not allowed (naming the variable and the host).
std::optional<result<container_config>> container_config_from_env(const env_map& env);

// The allow-list check for a full URI, exposed for tests: ok, or the reason.
status check_container_url(const std::string& url);

class container_source final : public credential_source {
 public:
  explicit container_source(container_config cfg) : cfg_(std::move(cfg)) {}
  std::string_view name() const override { return "container"; }
  source_step start() override;
  source_step on_http(const http::response& r) override;
  source_step on_file(const result<std::string>& content) override;

 private:
  enum class state { idle, reading_token, fetching, done };
  source_step fail(std::string message, std::string code = "credentials");
  source_step request(std::string_view token);

  container_config cfg_;
  state state_ = state::idle;
};

// Parses the JSON credentials document of the container endpoint and of IMDS
// (AccessKeyId, SecretAccessKey, Token, Expiration; Code must be "Success" when
// present). what names the source in errors.
result<credentials> parse_credentials_document(std::string_view body, std::string_view what, std::string source);

}  // namespace fluxaws::aws
