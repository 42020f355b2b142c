#include "adapters/oci/registry_errors.hpp"

#include "adapters/common/json.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::oci {

namespace {

constexpr std::size_t max_details = 4;
constexpr std::size_t max_text = 300;

bool looks_like_text(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x09 || (u > 0x0d && u < 0x20)) return false;
  }
  return true;
}

// Whitespace runs folded into one space, for one-line messages.
std::string one_line(std::string_view s, std::size_t max) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return printable(out, max);
}

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

std::vector<registry_error_detail> parse_error_body(std::string_view body) {
  std::vector<registry_error_detail> out;
  auto doc = json::parse(body);
  if (!doc || !doc->is_object()) return out;
  const auto* errors = doc->find("errors");
  if (errors == nullptr || !errors->is_array()) return out;
  for (const auto& e : errors->as_array()) {
    if (!e.is_object()) continue;
    registry_error_detail d;
    if (const auto* c = e.find("code"); c != nullptr && c->is_string()) d.code = c->as_string();
    if (const auto* m = e.find("message"); m != nullptr && m->is_string()) d.message = m->as_string();
    if (!d.code.empty() || !d.message.empty()) out.push_back(std::move(d));
  }
  return out;
}

error_info error_from_status(int status, std::string_view body, std::string_view what) {
  std::string_view code;
  switch (status) {
    case 401: code = errc::unauthorized; break;
    case 403: code = errc::denied; break;
    case 404: code = errc::not_found; break;
    case 429: code = errc::too_many_requests; break;
    default: code = errc::registry_error; break;
  }
  std::string msg = std::string(what) + ": " + std::to_string(status);
  if (auto phrase = reason_phrase(status); !phrase.empty()) msg += " " + std::string(phrase);
  auto details = parse_error_body(body);
  if (!details.empty()) {
    msg += ":";
    for (std::size_t i = 0; i < details.size() && i < max_details; ++i) {
      if (i) msg += ";";
      if (!details[i].code.empty()) msg += " " + one_line(details[i].code, 64);
      if (!details[i].message.empty()) msg += (details[i].code.empty() ? " " : ": ") + one_line(details[i].message, max_text);
    }
  } else if (!body.empty() && looks_like_text(body)) {
    auto excerpt = one_line(body, 160);
    if (!excerpt.empty()) msg += ": " + excerpt;
  }
  return make_error(std::string(code), std::move(msg), status);
}

error_info error_from_failure(const http::response& r, std::string_view url, std::string_view what) {
  std::string_view code;
  switch (r.fail) {
    case http::failure::timeout: code = errc::timeout; break;
    case http::failure::body_too_large: code = errc::blob_too_large; break;
    default: code = errc::network_error; break;
  }
  return make_error(std::string(code), std::string(what) + ": " + r.describe_failure(url));
}

}  // namespace fluxaws::oci
