// A strict parser for the endpoint URLs the AWS adapters deal with (endpoint
// overrides, container-credential URLs, IMDS): http or https, a host (name, IPv4, or
// bracketed IPv6), an optional port, an optional path. No user info, query or
// fragment — those are rejected rather than guessed at, because they would change
// where signed requests and credentials go.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::aws {

struct url_parts {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // lower case; IPv6 without the brackets
  std::string port;    // digits, empty when absent
  std::string path;    // as given ("" or starting with '/')
  bool ipv4 = false;
  bool ipv6 = false;

  bool is_ip() const { return ipv4 || ipv6; }
  // host[:port], IPv6 bracketed: what goes in the Host header.
  std::string authority() const;
  // scheme://authority
  std::string origin() const;
};

std::optional<url_parts> parse_url(std::string_view url);

// Dotted-quad IPv4 with each part 0..255 and no leading zeros.
bool is_ipv4_literal(std::string_view host);
// An IPv6 literal (without brackets), including the embedded-IPv4 form.
bool is_ipv6_literal(std::string_view host);
// Whether two IPv6 literals name the same address ("::1" and "0:0:0:0:0:0:0:1").
bool same_ipv6(std::string_view a, std::string_view b);
// Loopback: 127.0.0.0/8, ::1, or an IPv4-mapped 127.x address.
bool is_loopback_literal(std::string_view host);

}  // namespace fluxaws::aws
