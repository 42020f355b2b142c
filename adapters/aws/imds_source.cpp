#include "adapters/aws/imds_source.hpp"

#include <cctype>

#include "adapters/aws/container_source.hpp"
#include "adapters/aws/service_error.hpp"
#include "adapters/aws/url.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

constexpr std::string_view kTokenPath = "/latest/api/token";
constexpr std::string_view kRolesPath = "/latest/meta-data/iam/security-credentials/";

// IAM role names: up to 64 of [A-Za-z0-9+=,.@_-].
bool valid_role_name(std::string_view r) {
  if (r.empty() || r.size() > 64) return false;
  for (char c : r)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("+=,.@_-").find(c) != std::string_view::npos))
      return false;
  return true;
}

}  // namespace

std::optional<result<imds_config>> imds_config_from_env(const env_map& env) {
  using R = result<imds_config>;
  if (env_flag(env, "AWS_EC2_METADATA_DISABLED")) return std::nullopt;
  imds_config cfg;
  cfg.allow_v1_fallback = !env_flag(env, "AWS_EC2_METADATA_V1_DISABLED");
  if (auto ep = env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) {
    std::string e(str::trim(*ep));
    while (!e.empty() && e.back() == '/') e.pop_back();
    auto u = parse_url(e);
    if (!u) return R(make_error("credentials", "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http(s) URL"));
    cfg.endpoint = e;
  } else if (auto mode = env_get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")) {
    if (str::iequals(str::trim(*mode), "IPv6")) {
      cfg.endpoint = "http://[fd00:ec2::254]";
    } else if (!str::iequals(str::trim(*mode), "IPv4")) {
      return R(make_error("credentials", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE must be IPv4 or IPv6"));
    }
  }
  return R(std::move(cfg));
}

source_step imds_source::fail(std::string message, std::string code) {
  state_ = state::done;
  return result<credentials>(make_error(std::move(code), "IMDS at " + cfg_.endpoint + ": " + std::move(message)));
}

http::request imds_source::get(const std::string& path) const {
  http::request req;
  req.method = "GET";
  req.url = cfg_.endpoint + path;
  req.timeout = cfg_.timeout;
  req.max_body = 64u << 10;
  if (!token_.empty()) req.headers.emplace_back("X-aws-ec2-metadata-token", token_);
  return req;
}

source_step imds_source::start() {
  if (state_ != state::idle) return fail("source already used");
  http::request req;
  req.method = "PUT";
  req.url = cfg_.endpoint + std::string(kTokenPath);
  req.timeout = cfg_.timeout;
  req.max_body = 64u << 10;
  req.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(cfg_.token_ttl_seconds));
  state_ = state::token;
  url_ = req.url;
  return req;
}

source_step imds_source::on_file(const result<std::string>&) { return fail("unexpected file content"); }

source_step imds_source::on_http(const http::response& r) {
  if (!r.ok()) {
    auto e = transport_error(r, url_, "IMDS");
    state_ = state::done;
    return result<credentials>(std::move(e));
  }
  switch (state_) {
    case state::token: {
      if (r.status == 200) {
        token_ = std::string(str::trim(r.body));
        if (token_.empty()) return fail("the session token answer is empty");
      } else if ((r.status == 404 || r.status == 405) && cfg_.allow_v1_fallback) {
        token_.clear();  // IMDSv1
      } else if (r.status == 403) {
        return fail("a session token was refused (HTTP 403): IMDS is disabled for this instance", "AccessDenied");
      } else {
        return fail("session token request answered HTTP " + std::to_string(r.status));
      }
      state_ = state::role_name;
      auto req = get(std::string(kRolesPath));
      url_ = req.url;
      return req;
    }
    case state::role_name: {
      if (r.status == 404) return fail("no IAM role is attached to this instance (no instance profile)");
      if (r.status == 401) return fail("the session token was rejected (HTTP 401)", "ExpiredToken");
      if (r.status != 200) return fail("listing the instance's role answered HTTP " + std::to_string(r.status));
      // The first line names the role (trim() views into first_line, which must live on).
      std::string first_line = r.body.substr(0, r.body.find('\n'));
      auto first = str::trim(first_line);
      if (first.empty()) return fail("no IAM role is attached to this instance (empty role list)");
      if (!valid_role_name(first)) return fail("the role name IMDS listed is not a valid IAM role name");
      role_ = std::string(first);
      state_ = state::role_credentials;
      auto req = get(std::string(kRolesPath) + role_);
      url_ = req.url;
      return req;
    }
    case state::role_credentials: {
      if (r.status == 404) return fail("role " + role_ + " has no credentials (HTTP 404)");
      if (r.status == 401) return fail("the session token was rejected (HTTP 401)", "ExpiredToken");
      if (r.status != 200) return fail("credentials of role " + role_ + " answered HTTP " + std::to_string(r.status));
      state_ = state::done;
      auto c = parse_credentials_document(r.body, "IMDS role " + role_, "imds");
      return c;
    }
    default: return fail("unexpected HTTP answer");
  }
}

}  // namespace fluxaws::aws
