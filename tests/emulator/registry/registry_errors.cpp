#include "tests/emulator/registry/registry_errors.hpp"

#include "adapters/common/json.hpp"

namespace emu::registry {

namespace http = boost::beast::http;

std::string error_body(std::string_view code, std::string_view message) {
  std::string out = "{\"errors\":[{\"code\":";
  fluxaws::json::append_quoted(out, code);
  out += ",\"message\":";
  fluxaws::json::append_quoted(out, message);
  out += "}]}";
  return out;
}

void finish(http_response& res, const http_request& req, bool keep_length) {
  res.version(req.version());
  res.keep_alive(req.keep_alive());
  res.set("Docker-Distribution-Api-Version", "registry/2.0");
  if (!keep_length) res.content_length(res.body().size());
}

http_response error_response(const http_request& req, unsigned status, std::string_view code,
                             std::string_view message) {
  http_response res{static_cast<http::status>(status), req.version()};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  if (req.method() != http::verb::head) res.body() = error_body(code, message);
  finish(res, req);
  if (req.method() == http::verb::head) res.content_length(error_body(code, message).size());
  return res;
}

}  // namespace emu::registry
