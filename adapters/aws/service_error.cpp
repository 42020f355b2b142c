#include "adapters/aws/service_error.hpp"

#include "adapters/aws/xml.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

namespace {

std::string_view header_of(const http::header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (str::iequals(k, name)) return v;
  return {};
}

// The SDKs' sanitizeErrorCode: text before ':' and after '#'.
std::string sanitize_code(std::string_view raw) {
  auto colon = raw.find(':');
  if (colon != std::string_view::npos) raw = raw.substr(0, colon);
  auto hash = raw.find('#');
  if (hash != std::string_view::npos) raw = raw.substr(hash + 1);
  return std::string(str::trim(raw));
}

bool blank(std::string_view body) { return str::trim(body).empty(); }

void parse_json_error(service_error& e, const http::header_list& headers, std::string_view body) {
  std::string from_header = sanitize_code(header_of(headers, "x-amzn-ErrorType"));
  if (blank(body)) {
    e.code = from_header.empty() ? "Unknown" : from_header;
    e.message = "UnknownError";
    return;
  }
  auto doc = json::parse(body);
  if (!doc || !doc->is_object()) {
    e.code = from_header.empty() ? "Unknown" : from_header;
    e.message = "HTTP " + std::to_string(e.status) + " with a body that is not a JSON error document";
    return;
  }
  std::string code = from_header;
  if (code.empty())
    if (const auto* t = doc->find("__type"); t && t->is_string()) code = sanitize_code(t->as_string());
  if (code.empty())
    if (const auto* c = doc->find("code"); c && c->is_string()) code = sanitize_code(c->as_string());
  e.code = code.empty() ? "Unknown" : code;
  const json::value* m = doc->find("message");
  if (m == nullptr || m->is_null()) m = doc->find("Message");
  e.message = (m != nullptr && m->is_string()) ? m->as_string() : "UnknownError";
}

void parse_query_error(service_error& e, std::string_view body) {
  if (blank(body)) {
    e.code = "Unknown";
    e.message = "UnknownError";
    return;
  }
  auto doc = xml::parse(body);
  if (!doc) {
    e.code = "Unknown";
    e.message = "HTTP " + std::to_string(e.status) + " with a body that is not an XML error document";
    return;
  }
  const xml::element* err = nullptr;
  bool wrapped = false;
  if (doc->name == "ErrorResponse") {
    err = doc->child("Error");
    wrapped = err != nullptr;
    if (e.request_id.empty()) e.request_id = std::string(doc->child_text("RequestId"));
  } else if (doc->name == "Error") {
    err = &*doc;
  }
  if (err == nullptr) {
    e.code = "Unknown";
    e.message = "HTTP " + std::to_string(e.status) + " with an XML body that is not an error document";
    return;
  }
  e.wire_code = std::string(str::trim(err->child_text("Code")));
  e.type = std::string(str::trim(err->child_text("Type")));
  e.message = err->child("Message") != nullptr ? std::string(err->child_text("Message")) : "UnknownError";
  // The SDK names the error only when the ErrorResponse wrapper is present.
  e.code = (wrapped && !e.wire_code.empty()) ? sts_error_name(e.wire_code) : "Unknown";
}

void parse_rest_xml_error(service_error& e, std::string_view body) {
  if (blank(body)) {
    switch (e.status) {
      case 301: e.code = "MovedPermanently"; break;
      case 304: e.code = "NotModified"; break;
      case 400: e.code = "BadRequest"; break;
      case 403: e.code = "Forbidden"; break;
      case 404: e.code = "NotFound"; break;
      default: e.code = "Unknown"; break;
    }
    e.message = "UnknownError";
    return;
  }
  auto doc = xml::parse(body);
  if (!doc) {
    e.code = "Unknown";
    e.message = "HTTP " + std::to_string(e.status) + " with a body that is not an XML error document";
    return;
  }
  const xml::element* err = doc->name == "Error" ? &*doc : doc->child("Error");
  if (err == nullptr) {
    e.code = "Unknown";
    e.message = "HTTP " + std::to_string(e.status) + " with an XML body that is not an error document";
    return;
  }
  e.wire_code = std::string(str::trim(err->child_text("Code")));
  e.code = e.wire_code.empty() ? "Unknown" : e.wire_code;
  e.message = err->child("Message") != nullptr ? std::string(err->child_text("Message")) : "UnknownError";
  if (e.request_id.empty()) e.request_id = std::string(err->child_text("RequestId"));
  if (e.bucket_region.empty()) e.bucket_region = std::string(err->child_text("Region"));
}

}  // namespace

std::string sts_error_name(std::string_view wire_code) {
  static constexpr std::pair<std::string_view, std::string_view> kMapped[] = {
      {"IDPCommunicationError", "IDPCommunicationErrorException"},
      {"IDPRejectedClaim", "IDPRejectedClaimException"},
      {"InvalidIdentityToken", "InvalidIdentityTokenException"},
      {"MalformedPolicyDocument", "MalformedPolicyDocumentException"},
      {"PackedPolicyTooLarge", "PackedPolicyTooLargeException"},
  };
  for (const auto& [wire, name] : kMapped)
    if (wire == wire_code) return std::string(name);
  return std::string(wire_code);
}

service_error parse_service_error(protocol p, int status, const http::header_list& headers, std::string_view body) {
  service_error e;
  e.status = status;
  e.request_id = std::string(header_of(headers, "x-amzn-RequestId"));
  if (e.request_id.empty()) e.request_id = std::string(header_of(headers, "x-amz-request-id"));
  e.bucket_region = std::string(header_of(headers, "x-amz-bucket-region"));
  switch (p) {
    case protocol::json: parse_json_error(e, headers, body); break;
    case protocol::query: parse_query_error(e, body); break;
    case protocol::rest_xml: parse_rest_xml_error(e, body); break;
  }
  if (e.wire_code.empty()) e.wire_code = e.code;
  return e;
}

error_info to_error_info(const service_error& e, std::string_view operation) {
  std::string msg(operation);
  msg += ": ";
  msg += e.message;
  if (!e.wire_code.empty() && e.wire_code != e.code) msg += " (wire code " + e.wire_code + ")";
  msg += " (HTTP " + std::to_string(e.status) + ")";
  return make_error(e.code, std::move(msg), e.status);
}

error_info transport_error(const http::response& r, std::string_view url, std::string_view operation) {
  std::string code;
  switch (r.fail) {
    case http::failure::dns: code = "dns"; break;
    case http::failure::connection_refused: code = "connection_refused"; break;
    case http::failure::tls: code = "tls"; break;
    case http::failure::timeout: code = "timeout"; break;
    case http::failure::body_too_large: code = "body_too_large"; break;
    case http::failure::io: code = "io"; break;
    case http::failure::invalid_request: code = "invalid_request"; break;
    case http::failure::cancelled: code = "cancelled"; break;
    default: code = "http"; break;
  }
  return make_error(code, std::string(operation) + ": " + r.describe_failure(url));
}

std::optional<error_info> response_error(protocol p, const http::response& r, std::string_view url,
                                         std::string_view operation) {
  if (!r.ok()) return transport_error(r, url, operation);
  if (r.status >= 200 && r.status < 300) return std::nullopt;
  return to_error_info(parse_service_error(p, r.status, r.headers, r.body), operation);
}

}  // namespace fluxaws::aws
