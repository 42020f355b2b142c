// Test helper: a blocking HTTP/1.1 call to 127.0.0.1:<port> (Boost.Beast), bounded in
// time. Used to push content into the registry and by proxies to reach it; never by
// the code under test, which goes through the HTTP client actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fluxaws::oci::testing {

using header_pairs = std::vector<std::pair<std::string, std::string>>;

struct loopback_response {
  int status = 0;
  header_pairs headers;
  std::string body;
  std::string error;  // non-empty when no answer came
  // First header with this name (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

loopback_response loopback_call(uint16_t port, const std::string& method, const std::string& target,
                                const header_pairs& headers = {}, const std::string& body = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(20));

}  // namespace fluxaws::oci::testing
