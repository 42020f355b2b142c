#include "adapters/aws/static_source.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws {

std::optional<result<static_config>> static_config_from_env(const env_map& env) {
  auto id = env_get(env, "AWS_ACCESS_KEY_ID");
  if (!id) id = env_get(env, "AWS_ACCESS_KEY");
  if (!id) return std::nullopt;
  auto secret = env_get(env, "AWS_SECRET_ACCESS_KEY");
  if (!secret) secret = env_get(env, "AWS_SECRET_KEY");
  if (!secret)
    return result<static_config>(make_error(
        "credentials", "static credentials: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
  static_config cfg;
  cfg.creds.access_key_id = std::string(str::trim(*id));
  cfg.creds.secret_access_key = std::string(str::trim(*secret));
  if (auto token = env_get(env, "AWS_SESSION_TOKEN")) cfg.creds.session_token = std::string(str::trim(*token));
  if (auto exp = env_get(env, "AWS_CREDENTIAL_EXPIRATION")) {
    auto t = timefmt::parse_rfc3339(str::trim(*exp));
    if (!t)
      return result<static_config>(
          make_error("credentials", "static credentials: AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time"));
    cfg.creds.expiration = *t;
  }
  cfg.creds.source = "static";
  return result<static_config>(std::move(cfg));
}

source_step static_source::start() { return result<credentials>(cfg_.creds); }

source_step static_source::on_http(const http::response&) {
  return result<credentials>(make_error("credentials", "static credentials: unexpected HTTP answer"));
}

source_step static_source::on_file(const result<std::string>&) {
  return result<credentials>(make_error("credentials", "static credentials: unexpected file content"));
}

}  // namespace fluxaws::aws
