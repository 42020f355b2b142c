#include "adapters/aws/web_identity_source.hpp"

#include "adapters/aws/service_error.hpp"
#include "adapters/aws/sts.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

std::optional<result<web_identity_config>> web_identity_config_from_env(const env_map& env) {
  auto file = env_get(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!file) return std::nullopt;
  using R = result<web_identity_config>;
  auto role = env_get(env, "AWS_ROLE_ARN");
  if (!role)
    return R(make_error("credentials", "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"));
  auto region = env_get(env, "AWS_REGION");
  if (!region) region = env_get(env, "AWS_DEFAULT_REGION");
  if (!region)
    return R(make_error("credentials",
                        "web identity: no AWS region for STS (set AWS_REGION; EKS sets it for IRSA and Pod Identity)"));
  web_identity_config cfg;
  cfg.role_arn = std::string(str::trim(*role));
  cfg.token_file = std::string(str::trim(*file));
  cfg.region = std::string(str::trim(*region));
  if (auto s = env_get(env, "AWS_ROLE_SESSION_NAME")) cfg.session_name = std::string(str::trim(*s));
  auto ep = resolve_endpoint(service::sts, cfg.region, endpoint_settings_from_env(env, service::sts));
  if (!ep) return R(make_error("credentials", "web identity: " + ep.error().message));
  cfg.sts = std::move(ep).value();
  return R(std::move(cfg));
}

web_identity_source::web_identity_source(web_identity_config cfg, std::chrono::system_clock::time_point now)
    : cfg_(std::move(cfg)) {
  if (cfg_.session_name.empty()) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    cfg_.session_name = "fluxaws-" + std::to_string(ms);
  }
}

source_step web_identity_source::fail(std::string message, std::string code) {
  state_ = state::done;
  return result<credentials>(make_error(std::move(code), "web identity (" + cfg_.role_arn + "): " + message));
}

source_step web_identity_source::start() {
  if (state_ != state::idle) return fail("source already used");
  state_ = state::reading_token;
  return read_file_step{cfg_.token_file};
}

source_step web_identity_source::on_file(const result<std::string>& content) {
  if (state_ != state::reading_token) return fail("unexpected file content");
  if (!content.ok()) return fail(content.error().message, "token_file");
  auto token = str::trim(content.value());
  if (token.empty()) return fail("token file " + cfg_.token_file + " is empty", "token_file");

  sts::web_identity_params p;
  p.role_arn = cfg_.role_arn;
  p.role_session_name = cfg_.session_name;
  p.web_identity_token = std::string(token);
  p.duration_seconds = cfg_.duration_seconds;
  state_ = state::calling_sts;
  auto req = to_http_request(sts::assume_role_with_web_identity_request(cfg_.sts, p), cfg_.timeout);
  sts_url_ = req.url;
  return req;
}

source_step web_identity_source::on_http(const http::response& r) {
  if (state_ != state::calling_sts) return fail("unexpected HTTP answer");
  state_ = state::done;
  if (!r.ok()) {
    auto e = transport_error(r, sts_url_, "STS AssumeRoleWithWebIdentity");
    return fail(e.message, e.code);
  }
  auto parsed = sts::parse_assume_role_with_web_identity(r);
  if (!parsed) {
    auto e = parsed.error();
    e.message = "web identity (" + cfg_.role_arn + "): " + e.message;
    return result<credentials>(std::move(e));
  }
  return result<credentials>(std::move(parsed->creds));
}

}  // namespace fluxaws::aws
