#include "adapters/http/types.hpp"

#include <ostream>

#include "adapters/common/strings.hpp"

namespace fluxaws::http {

std::string_view to_string(failure f) {
  switch (f) {
    case failure::none: return "ok";
    case failure::dns: return "DNS lookup failed";
    case failure::connection_refused: return "connection refused";
    case failure::tls: return "TLS failure";
    case failure::timeout: return "timeout";
    case failure::body_too_large: return "response body over the size limit";
    case failure::io: return "I/O error";
    case failure::invalid_request: return "invalid request";
    case failure::cancelled: return "cancelled";
    case failure::other: return "HTTP failure";
  }
  return "HTTP failure";
}

std::ostream& operator<<(std::ostream& os, failure f) { return os << to_string(f); }

std::string_view response::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (str::iequals(k, name)) return v;
  return {};
}

namespace {
// scheme://host[:port]/... -> host[:port]; credentials in the URL are dropped.
std::string_view authority(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  auto end = url.find_first_of("/?#");
  url = url.substr(0, end);
  auto at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  return url;
}
}  // namespace

std::string response::describe_failure(std::string_view url) const {
  std::string out(to_string(fail));
  out += ": ";
  out += authority(url);
  if (!error.empty()) {
    out += " (";
    out += error;
    out += ")";
  }
  return out;
}

}  // namespace fluxaws::http
