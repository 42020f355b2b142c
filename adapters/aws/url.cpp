#include "adapters/aws/url.hpp"

#include <arpa/inet.h>

#include <cctype>

#include "adapters/common/strings.hpp"

namespace fluxaws::aws {

std::string url_parts::authority() const {
  std::string out = ipv6 ? "[" + host + "]" : host;
  if (!port.empty()) out += ":" + port;
  return out;
}

std::string url_parts::origin() const { return scheme + "://" + authority(); }

bool is_ipv4_literal(std::string_view host) {
  auto parts = str::split(host, '.');
  if (parts.size() != 4) return false;
  for (auto p : parts) {
    if (p.empty() || p.size() > 3) return false;
    if (p.size() > 1 && p[0] == '0') return false;
    int v = 0;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v > 255) return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view host) {
  if (host.empty() || host.size() > 45) return false;
  std::string copy(host);
  unsigned char buf[16];
  return inet_pton(AF_INET6, copy.c_str(), buf) == 1;
}

namespace {

bool ipv6_bytes(std::string_view host, unsigned char (&out)[16]) {
  if (host.empty() || host.size() > 45) return false;
  std::string copy(host);
  return inet_pton(AF_INET6, copy.c_str(), out) == 1;
}

}  // namespace

bool same_ipv6(std::string_view a, std::string_view b) {
  unsigned char x[16], y[16];
  if (!ipv6_bytes(a, x) || !ipv6_bytes(b, y)) return false;
  for (int i = 0; i < 16; ++i)
    if (x[i] != y[i]) return false;
  return true;
}

bool is_loopback_literal(std::string_view host) {
  if (is_ipv4_literal(host)) return str::starts_with(host, "127.");
  unsigned char x[16];
  if (!ipv6_bytes(host, x)) return false;
  bool mapped = true;
  for (int i = 0; i < 10; ++i) mapped = mapped && x[i] == 0;
  mapped = mapped && x[10] == 0xff && x[11] == 0xff;
  if (mapped) return x[12] == 127;
  for (int i = 0; i < 15; ++i)
    if (x[i] != 0) return false;
  return x[15] == 1;
}

namespace {

bool valid_host_name(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  for (auto label : str::split(h, '.')) {
    if (label.empty() || label.size() > 63) return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::optional<url_parts> parse_url(std::string_view url) {
  url_parts out;
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  out.scheme = str::to_lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  auto rest = url.substr(sep + 3);
  if (rest.find_first_of("?#") != std::string_view::npos) return std::nullopt;
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host, port;
  if (authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
    if (!is_ipv6_literal(host)) return std::nullopt;
    out.ipv6 = true;
  } else {
    auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (is_ipv4_literal(host)) {
      out.ipv4 = true;
    } else if (!valid_host_name(host)) {
      return std::nullopt;
    }
  }
  if (port.size() > 5) return std::nullopt;
  unsigned port_value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    port_value = port_value * 10 + static_cast<unsigned>(c - '0');
  }
  if (!port.empty() && (port_value == 0 || port_value > 65535)) return std::nullopt;
  out.host = str::to_lower(host);
  out.port = std::string(port);
  return out;
}

}  // namespace fluxaws::aws
