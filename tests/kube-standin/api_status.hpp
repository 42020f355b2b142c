// api_status.hpp — Kubernetes API errors as the API server writes them: a metav1.Status
// object ({"kind":"Status","status":"Failure","reason":...,"code":...}) with the HTTP code
// client-go maps back to its error kinds (IsNotFound, IsConflict, IsGone/IsResourceExpired...).
//
// Contract: every failing API call in the stand-in answers with one of these; messages
// use the API server's wording so clients that match on reasons behave as with a real one.
#pragma once

#include <string>
#include <string_view>

#include "adapters/common/json.hpp"

namespace kstand {

struct api_error {
  int code = 500;
  std::string reason;   // NotFound, AlreadyExists, Conflict, Expired, Gone, Invalid, BadRequest, ...
  std::string message;  // what a user reads
  fluxaws::json::value details;  // {"name","group","kind"} when known
};

// The Status object for an error, and for a successful delete of a collection.
fluxaws::json::value status_object(const api_error& e);
std::string status_body(const api_error& e);

// Builders in the API server's words. `what` is "<plural>.<group>" (or "<plural>" for core).
api_error not_found(std::string_view what, std::string_view name);
api_error already_exists(std::string_view what, std::string_view name);
api_error conflict(std::string_view what, std::string_view name);
api_error expired(std::string_view message);  // 410 reason Expired
api_error bad_request(std::string_view message);
api_error invalid(std::string_view kind, std::string_view name, std::string_view message);  // 422
api_error method_not_allowed(std::string_view message);
api_error unsupported_media_type(std::string_view content_type);
api_error unauthorized();
api_error forbidden(std::string_view message);  // 403 reason Forbidden

}  // namespace kstand
