#include "adapters/oci/token_exchange.hpp"

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/registry_url.hpp"

namespace fluxaws::oci {

namespace {

error_info token_error(std::string why) { return make_error(std::string(errc::token_error), std::move(why)); }

void add_param(std::string& query, std::string_view name, std::string_view value) {
  if (!query.empty()) query += '&';
  query += name;
  query += '=';
  query += enc::uri_encode(value);
}

}  // namespace

result<http::request> make_token_request(const auth_challenge& challenge, std::string_view scope,
                                         const registry_auth& auth, bool insecure,
                                         std::chrono::milliseconds timeout) {
  if (auth.type == registry_auth::kind::bearer)
    return token_error("a registry token cannot be exchanged for another token");
  auto realm_text = challenge.param("realm");
  if (realm_text.empty()) return token_error("the Bearer challenge names no realm");
  auto realm = parse_http_url(realm_text);
  if (!realm) return token_error("the Bearer challenge's realm is not a usable URL: " + realm.error().message);
  if (realm->scheme != "https" && !insecure)
    return make_error(std::string(errc::insecure_refused),
                      "the token realm " + realm->origin() +
                          " is plain HTTP; credentials are sent there only when insecure access is enabled");
  auto service = challenge.param("service");

  http::request req;
  req.timeout = timeout;
  req.max_body = 1u << 20;
  req.headers.emplace_back("Accept", "application/json");
  std::string params;
  if (auth.type == registry_auth::kind::refresh_token) {
    add_param(params, "grant_type", "refresh_token");
    add_param(params, "refresh_token", auth.secret);
    if (!service.empty()) add_param(params, "service", service);
    if (!scope.empty()) add_param(params, "scope", scope);
    add_param(params, "client_id", "fluxaws");
    req.method = "POST";
    req.url = realm->str();
    req.body = std::move(params);
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    return req;
  }
  if (!service.empty()) add_param(params, "service", service);
  if (!scope.empty()) add_param(params, "scope", scope);
  req.method = "GET";
  req.url = realm->str();
  if (!params.empty()) req.url += (realm->target.find('?') == std::string::npos ? "?" : "&") + params;
  if (auth.type == registry_auth::kind::basic) req.headers.emplace_back("Authorization", auth.basic_header());
  return req;
}

result<bearer_token> parse_token_response(std::string_view body, std::string_view what) {
  auto doc = json::parse(body);
  if (!doc || !doc->is_object()) return token_error(std::string(what) + ": the token answer is not a JSON object");
  bearer_token out;
  for (auto key : {"token", "access_token"}) {
    const auto* v = doc->find(key);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_string()) return token_error(std::string(what) + ": \"" + key + "\" in the token answer is not a string");
    if (v->as_string().empty()) continue;
    out.token = v->as_string();
    break;
  }
  if (out.token.empty()) return token_error(std::string(what) + ": the token answer holds no token");
  for (char c : out.token)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return token_error(std::string(what) + ": the token holds characters a header cannot carry");
  if (const auto* e = doc->find("expires_in"); e != nullptr && e->is_number()) {
    auto secs = e->as_double();
    if (secs >= 1 && secs < 1e9) out.expires_in = std::chrono::seconds(static_cast<int64_t>(secs));
  }
  return out;
}

}  // namespace fluxaws::oci
