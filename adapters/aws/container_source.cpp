#include "adapters/aws/container_source.hpp"

#include "adapters/aws/service_error.hpp"
#include "adapters/aws/url.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws {

namespace {

constexpr std::string_view kEcsHost = "169.254.170.2";

bool allowed_host(const url_parts& u) {
  if (u.is_ip() && is_loopback_literal(u.host)) return true;
  if (u.ipv4) return u.host == kEcsHost || u.host == "169.254.170.23";
  if (u.ipv6) return same_ipv6(u.host, "fd00:ec2::23");
  return u.host == "localhost";
}

}  // namespace

status check_container_url(const std::string& url) {
  auto q = url.find('?');
  auto u = parse_url(std::string_view(url).substr(0, q));
  if (!u) return make_error("credentials", "container credentials: \"" + url.substr(0, q) + "\" is not an http(s) URL");
  if (u->scheme == "https") return {};
  if (!allowed_host(*u))
    return make_error("credentials", "container credentials: host " + u->host +
                                         " is not allowed for http: only loopback, 169.254.170.2, 169.254.170.23, "
                                         "fd00:ec2::23, or an https URL");
  return {};
}

std::optional<result<container_config>> container_config_from_env(const env_map& env) {
  using R = result<container_config>;
  container_config cfg;
  if (auto rel = env_get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    std::string path(str::trim(*rel));
    if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
    cfg.url = "http://" + std::string(kEcsHost) + path;
    if (!parse_url(cfg.url.substr(0, cfg.url.find('?'))))
      return R(make_error("credentials", "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not a URL path"));
  } else if (auto full = env_get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    cfg.url = std::string(str::trim(*full));
    if (auto st = check_container_url(cfg.url); !st) {
      auto e = st.error();
      e.message = "AWS_CONTAINER_CREDENTIALS_FULL_URI: " + e.message;
      return R(std::move(e));
    }
  } else {
    return std::nullopt;
  }
  if (auto f = env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    cfg.token_file = std::string(str::trim(*f));
  } else if (auto t = env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) {
    cfg.token = std::string(str::trim(*t));
  }
  return R(std::move(cfg));
}

source_step container_source::fail(std::string message, std::string code) {
  state_ = state::done;
  return result<credentials>(make_error(std::move(code), "container credentials: " + std::move(message)));
}

source_step container_source::request(std::string_view token) {
  if (token.find_first_of("\r\n") != std::string_view::npos)
    return fail("the authorization token contains a line break", "token_file");
  http::request req;
  req.method = "GET";
  req.url = cfg_.url;
  req.timeout = cfg_.timeout;
  req.max_body = 1u << 20;
  if (!token.empty()) req.headers.emplace_back("Authorization", std::string(token));
  state_ = state::fetching;
  return req;
}

source_step container_source::start() {
  if (state_ != state::idle) return fail("source already used");
  if (auto st = check_container_url(cfg_.url); !st) return fail(st.error().message);
  if (!cfg_.token_file.empty()) {
    state_ = state::reading_token;
    return read_file_step{cfg_.token_file};
  }
  return request(cfg_.token);
}

source_step container_source::on_file(const result<std::string>& content) {
  if (state_ != state::reading_token) return fail("unexpected file content");
  if (!content.ok()) return fail(content.error().message, "token_file");
  auto token = str::trim(content.value());
  if (token.empty()) return fail("token file " + cfg_.token_file + " is empty", "token_file");
  return request(token);
}

source_step container_source::on_http(const http::response& r) {
  if (state_ != state::fetching) return fail("unexpected HTTP answer");
  state_ = state::done;
  if (!r.ok()) {
    auto e = transport_error(r, cfg_.url, "container credentials");
    return result<credentials>(std::move(e));
  }
  if (r.status < 200 || r.status >= 300) {
    auto e = parse_service_error(protocol::json, r.status, r.headers, r.body);
    return result<credentials>(to_error_info(e, "container credentials from " + cfg_.url.substr(0, cfg_.url.find('?'))));
  }
  return parse_credentials_document(r.body, "container credentials", "container");
}

result<credentials> parse_credentials_document(std::string_view body, std::string_view what, std::string source) {
  auto err = [&](std::string m) { return make_error("parse", std::string(what) + ": " + m); };
  auto doc = json::parse(body);
  if (!doc || !doc->is_object()) return err("answer is not a JSON object");
  if (const auto* code = doc->find("Code"); code && code->is_string() && code->as_string() != "Success")
    return make_error(code->as_string(), std::string(what) + ": the endpoint answered Code " + code->as_string());
  credentials c;
  for (std::string_view field : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}) {
    const auto* v = doc->find(field);
    if (v == nullptr || !v->is_string() || str::trim(v->as_string()).empty()) return err("answer has no " + std::string(field));
  }
  c.access_key_id = std::string(str::trim(doc->find("AccessKeyId")->as_string()));
  c.secret_access_key = std::string(str::trim(doc->find("SecretAccessKey")->as_string()));
  c.session_token = std::string(str::trim(doc->find("Token")->as_string()));
  auto exp = timefmt::parse_rfc3339(str::trim(doc->find("Expiration")->as_string()));
  if (!exp) return err("Expiration is not an RFC 3339 time");
  c.expiration = *exp;
  c.source = std::move(source);
  return c;
}

}  // namespace fluxaws::aws
