#include "tests/kube-standin/api_status.hpp"

namespace kstand {

using fluxaws::json::value;

value status_object(const api_error& e) {
  value s = value::make_object();
  s.set("kind", "Status");
  s.set("apiVersion", "v1");
  s.set("metadata", value::make_object());
  s.set("status", e.code < 400 ? "Success" : "Failure");
  s.set("message", e.message);
  if (!e.reason.empty()) s.set("reason", e.reason);
  if (!e.details.is_null()) s.set("details", e.details);
  s.set("code", e.code);
  return s;
}

std::string status_body(const api_error& e) { return fluxaws::json::dump(status_object(e)); }

namespace {

value details_for(std::string_view what, std::string_view name) {
  value d = value::make_object();
  d.set("name", std::string(name));
  auto dot = what.find('.');
  if (dot != std::string_view::npos) d.set("group", std::string(what.substr(dot + 1)));
  d.set("kind", std::string(what.substr(0, dot)));
  return d;
}

}  // namespace

api_error not_found(std::string_view what, std::string_view name) {
  return {404, "NotFound", std::string(what) + " \"" + std::string(name) + "\" not found", details_for(what, name)};
}

api_error already_exists(std::string_view what, std::string_view name) {
  return {409, "AlreadyExists", std::string(what) + " \"" + std::string(name) + "\" already exists",
          details_for(what, name)};
}

api_error conflict(std::string_view what, std::string_view name) {
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + std::string(what) + " \"" + std::string(name) +
              "\": the object has been modified; please apply your changes to the latest version and try again",
          details_for(what, name)};
}

api_error expired(std::string_view message) { return {410, "Expired", std::string(message), {}}; }

api_error bad_request(std::string_view message) { return {400, "BadRequest", std::string(message), {}}; }

api_error invalid(std::string_view kind, std::string_view name, std::string_view message) {
  value d = value::make_object();
  d.set("name", std::string(name));
  d.set("kind", std::string(kind));
  return {422, "Invalid", std::string(kind) + " \"" + std::string(name) + "\" is invalid: " + std::string(message), d};
}

api_error method_not_allowed(std::string_view message) { return {405, "MethodNotAllowed", std::string(message), {}}; }

api_error unsupported_media_type(std::string_view content_type) {
  return {415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
                                       "application/json, application/yaml, application/merge-patch+json, "
                                       "application/strategic-merge-patch+json, application/json-patch+json, "
                                       "application/apply-patch+yaml (got \"" + std::string(content_type) + "\")",
          {}};
}

api_error unauthorized() { return {401, "Unauthorized", "Unauthorized", {}}; }
api_error forbidden(std::string_view message) { return {403, "Forbidden", std::string(message), {}}; }

}  // namespace kstand
