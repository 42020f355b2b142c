#include "adapters/aws/json_protocol.hpp"

#include "adapters/aws/service_error.hpp"

namespace fluxaws::aws {

service_request json_request(const endpoint& ep, std::string operation, std::string target, std::string body) {
  service_request r;
  r.operation = std::move(operation);
  r.method = "POST";
  r.ep = ep;
  r.path = ep.path_for("/");
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.headers.emplace_back("X-Amz-Target", std::move(target));
  r.body = std::move(body);
  r.auth = auth_mode::sigv4;
  return r;
}

result<json::value> parse_json_success(const http::response& r, std::string_view operation) {
  if (auto err = response_error(protocol::json, r, r.effective_url, operation)) return *err;
  std::string why;
  auto doc = json::parse(r.body, &why);
  if (!doc) return make_error("parse", std::string(operation) + ": answer is not JSON (" + why + ")", r.status);
  if (!doc->is_object()) return make_error("parse", std::string(operation) + ": answer is not a JSON object", r.status);
  if (const auto* t = doc->find("__type")) {
    auto e = parse_service_error(protocol::json, r.status, r.headers, r.body);
    (void)t;
    return make_error("parse",
                      std::string(operation) + ": HTTP " + std::to_string(r.status) +
                          " answer carries an error document (" + e.code + ") instead of a result",
                      r.status);
  }
  return std::move(doc).value();
}

result<std::string> required_string(const json::value& obj, std::string_view member, std::string_view operation) {
  const json::value* v = obj.find(member);
  if (v == nullptr || v->is_null()) return make_error("parse", std::string(operation) + ": answer has no " + std::string(member));
  if (!v->is_string()) return make_error("parse", std::string(operation) + ": " + std::string(member) + " is not a string");
  if (v->as_string().empty()) return make_error("parse", std::string(operation) + ": " + std::string(member) + " is empty");
  return v->as_string();
}

}  // namespace fluxaws::aws
