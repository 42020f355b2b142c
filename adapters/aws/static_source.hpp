// Static keys from the environment: AWS_ACCESS_KEY_ID (or AWS_ACCESS_KEY),
// AWS_SECRET_ACCESS_KEY (or AWS_SECRET_KEY), optional AWS_SESSION_TOKEN and
// AWS_CREDENTIAL_EXPIRATION (RFC 3339; the JS SDK's variable). The first source of the
// SDKs' default chain; it needs no I/O, so its step machine is done at start().
#pragma once

#include <memory>
#include <optional>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/env.hpp"

namespace fluxaws::aws {

struct static_config {
  credentials creds;  // source "static"
};

// nullopt when no access key id is set; an error when it is set but the secret is
// missing or the expiration does not parse (naming the variable, never its value).
std::optional<result<static_config>> static_config_from_env(const env_map& env);

class static_source final : public credential_source {
 public:
  explicit static_source(static_config cfg) : cfg_(std::move(cfg)) {}
  std::string_view name() const override { return "static"; }
  source_step start() override;
  source_step on_http(const http::response&) override;
  source_step on_file(const result<std::string>&) override;

 private:
  static_config cfg_;
};

}  // namespace fluxaws::aws
