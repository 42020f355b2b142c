#include "adapters/aws/ecr_api.hpp"

#include <cmath>
#include <cstdlib>

#include "adapters/aws/json_protocol.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws::ecr {

namespace {

constexpr std::string_view kOp = "ECR GetAuthorizationToken";
constexpr std::string_view kPublicOp = "ECR Public GetAuthorizationToken";

error_info parse_error(std::string_view op, std::string what) {
  return make_error("parse", std::string(op) + ": " + std::move(what));
}

// Epoch seconds from a JSON number or a numeric string.
result<std::chrono::system_clock::time_point> expires_at(const json::value* v, std::string_view op) {
  if (v == nullptr || v->is_null()) return parse_error(op, "authorizationData has no expiresAt");
  double seconds = 0;
  if (v->is_number()) {
    seconds = v->as_double();
  } else if (v->is_string()) {
    const std::string& s = v->as_string();
    char* end = nullptr;
    seconds = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size())
      return parse_error(op, "expiresAt \"" + s.substr(0, 40) + "\" is not epoch seconds");
  } else {
    return parse_error(op, "expiresAt is neither a number nor a numeric string");
  }
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 253402300799.0)
    return parse_error(op, "expiresAt is out of range");
  auto ms = std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000.0)));
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(ms));
}

result<authorization_token> token_from(const json::value& data, std::string_view op) {
  if (!data.is_object()) return parse_error(op, "authorizationData entry is not an object");
  auto tok = required_string(data, "authorizationToken", op);
  if (!tok) return tok.error();
  auto exp = expires_at(data.find("expiresAt"), op);
  if (!exp) return exp.error();
  auto pair = decode_authorization_token(*tok);
  if (!pair) return parse_error(op, pair.error().message);
  authorization_token out;
  out.username = std::move(pair->first);
  out.password = std::move(pair->second);
  out.expires_at = *exp;
  if (const auto* pe = data.find("proxyEndpoint"); pe && pe->is_string()) out.proxy_endpoint = pe->as_string();
  return out;
}

}  // namespace

result<std::pair<std::string, std::string>> decode_authorization_token(std::string_view token) {
  auto raw = enc::unbase64(str::trim(token));
  if (!raw) return make_error("parse", "authorizationToken is not valid base64");
  auto colon = raw->find(':');
  if (colon == std::string::npos) return make_error("parse", "authorizationToken does not decode to user:password");
  auto user = raw->substr(0, colon);
  auto pass = raw->substr(colon + 1);
  if (user.empty() || pass.empty()) return make_error("parse", "authorizationToken has an empty user or password");
  return std::make_pair(std::move(user), std::move(pass));
}

std::string get_authorization_token_body(const std::vector<std::string>& registry_ids) {
  json::value body = json::value::make_object();
  if (!registry_ids.empty()) {
    json::value ids = json::value::make_array();
    for (const auto& id : registry_ids) ids.push_back(id);
    body.set("registryIds", std::move(ids));
  }
  return json::dump(body);
}

service_request get_authorization_token_request(const endpoint& ep, const std::vector<std::string>& registry_ids) {
  return json_request(ep, std::string(kOp), "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
                      get_authorization_token_body(registry_ids));
}

result<authorization_token> parse_get_authorization_token(const http::response& r) {
  auto doc = parse_json_success(r, kOp);
  if (!doc) return doc.error();
  const json::value* data = doc->find("authorizationData");
  if (data == nullptr || !data->is_array()) return parse_error(kOp, "answer has no authorizationData list");
  if (data->as_array().empty()) return parse_error(kOp, "answer has an empty authorizationData list");
  return token_from(data->as_array().front(), kOp);
}

service_request get_public_authorization_token_request(const endpoint& ep) {
  return json_request(ep, std::string(kPublicOp), "SpencerFrontendService.GetAuthorizationToken", "{}");
}

result<authorization_token> parse_get_public_authorization_token(const http::response& r) {
  auto doc = parse_json_success(r, kPublicOp);
  if (!doc) return doc.error();
  const json::value* data = doc->find("authorizationData");
  if (data == nullptr || data->is_null()) return parse_error(kPublicOp, "answer has no authorizationData");
  return token_from(*data, kPublicOp);
}

}  // namespace fluxaws::aws::ecr
