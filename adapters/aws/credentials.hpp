// AWS credentials: an access key pair, an optional session token and, for temporary
// credentials, their expiry. Never logged: to_string() shows only the key id.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace fluxaws::aws {

struct credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // Absent for keys that do not expire (static IAM user keys).
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "static", "web-identity", "container", "imds", "assume-role"

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
  // "AKIA…(static)" — the key id and source only, safe for logs.
  std::string describe() const { return access_key_id + " (" + source + ")"; }
};

}  // namespace fluxaws::aws
