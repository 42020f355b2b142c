// credential_store.hpp — every credential the emulator hands out or knows: IAM users'
// access keys, temporary session credentials (ASIA…), ECR registry passwords and
// IMDSv2 session tokens.
//
// Contract:
//   - find_key() resolves an access key id to its secret, session token, principal and
//     expiry (none for users' keys). Expired sessions stay findable for an hour after
//     expiry so callers answer ExpiredToken rather than "unknown key".
//   - Generated secrets come from RAND_bytes; nothing here logs them.
//   - Thread-safe; lookups copy out what they return.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "tests/emulator/principal.hpp"
#include "tests/emulator/world.hpp"

namespace emu {

using sys_clock = std::chrono::system_clock;

struct key_entry {
  std::string secret;
  std::string session_token;  // empty for long-term keys
  std::optional<sys_clock::time_point> expiry;
  principal_ptr who;
};

struct issued_credentials {
  std::string access_key_id, secret, session_token;
  sys_clock::time_point expiry;
};

struct ecr_token_entry {
  principal_ptr who;
  std::string account, region;  // the registry it was issued for
  sys_clock::time_point expiry;
};

class credential_store {
 public:
  explicit credential_store(const world& w);

  std::optional<key_entry> find_key(std::string_view access_key_id) const;
  issued_credentials issue_session(principal_ptr who, std::chrono::seconds lifetime);

  // Returns the password (the token is base64("AWS:" + password)).
  std::string issue_ecr_password(principal_ptr who, std::string account, std::string region,
                                 sys_clock::time_point expiry);
  std::optional<ecr_token_entry> find_ecr_password(std::string_view password) const;

  std::string issue_imds_token(std::chrono::seconds ttl);
  bool imds_token_valid(std::string_view token) const;

  // The principal of an IAM user by ARN (for AssumeRole's identity check and tests).
  principal_ptr user(std::string_view arn) const;

  // Registers a key as given (fixtures and tests: known session tokens, fixed expiry).
  void add_key(const std::string& access_key_id, key_entry entry);

 private:
  void sweep_locked(sys_clock::time_point now);

  mutable std::mutex mu_;
  std::unordered_map<std::string, key_entry> keys_;
  std::unordered_map<std::string, principal_ptr> users_;
  std::unordered_map<std::string, ecr_token_entry> ecr_;
  std::unordered_map<std::string, sys_clock::time_point> imds_;
  std::size_t issued_ = 0;
};

// Random identifiers in AWS's alphabets.
std::string random_key_id(std::string_view prefix);  // prefix + 16 of [A-Z2-7]
std::string random_secret();                         // 40 chars, base64 alphabet
std::string random_token(std::size_t bytes);         // base64 of random bytes

}  // namespace emu
