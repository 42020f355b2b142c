// The Kustomization's integration world: fluxaws-emulator with the conformance world
// (started once per test binary, stopped at exit) and, per test, an in-process engine
// assembled like runtime/engine_host — real HTTP client (the emulator's CA and
// connect-to rules), artifact storage and server, blocking pool, the real Bucket and
// Kustomization reconcilers under the real supervisor — plus the real credential plane
// (identity registry and the local ServiceAccount token issuer signing with the
// conformance OIDC key), as runtime/engine_host wires them. Statuses are collected in
// memory; the process log is captured and readable once the engine has stopped.
//
// Helpers sign AWS calls as the conformance `ci` user (fixtures: PutObject,
// GenerateDataKey, Encrypt) and read the emulator's call counters.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/aws/credentials.hpp"
#include "adapters/common/json.hpp"

namespace ks_itest {

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kTenantAKey = "arn:aws:kms:us-east-1:111122223333:alias/tenant-a";
inline constexpr const char* kTenantBKey = "arn:aws:kms:eu-west-1:111122223333:alias/tenant-b";

fluxaws::aws::credentials ci_credentials();

// The emulator, started on first use.
struct emulator {
  static emulator& get();
  unsigned short port() const;
  std::string state_dir() const;
  std::string config_file() const;  // fluxaws.yaml for `fluxaws run --config`
  ~emulator();

 private:
  emulator();
  struct impl;
  std::unique_ptr<impl> impl_;
};

struct data_key {
  std::string plaintext;   // 32 bytes
  std::string ciphertext;  // the KMS CiphertextBlob
};

class engine_world {
 public:
  struct options {
    bool verify_mac = false;
    bool object_level_identity = true;
  };
  engine_world();
  explicit engine_world(options o);
  ~engine_world();  // stops the engine
  engine_world(const engine_world&) = delete;
  engine_world& operator=(const engine_world&) = delete;

  // Objects (YAML, several documents) handed to the supervisor as the object source would.
  void apply(const std::string& yaml);
  void apply_modified(const std::string& yaml);

  // Waits (bounded) until the object ("Kind/ns/name") has settled with this Ready reason.
  bool settled_with(const std::string& key, const std::string& reason,
                    std::chrono::milliseconds limit = std::chrono::seconds(60));
  fluxaws::json::value latest(const std::string& key);
  std::string ready(const std::string& key, const std::string& field = "status");
  std::string state_dir() const;

  // AWS as the ci user, through the engine's HTTP client.
  void put_object(const std::string& bucket, const std::string& region, const std::string& key,
                  const std::string& body);
  data_key generate_data_key(const std::string& key_arn, const std::string& region,
                             const std::vector<std::pair<std::string, std::string>>& context);
  std::string encrypt(const std::string& key_arn, const std::string& region, const std::string& plaintext,
                      const std::vector<std::pair<std::string, std::string>>& context);
  // Calls counted by the emulator for service/operation (e.g. "kms", "Decrypt").
  long calls(const std::string& service, const std::string& operation);
  void reset_calls();

  // Stops the engine (idempotent); the log is complete afterwards.
  void stop();
  std::string log_text();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ks_itest
