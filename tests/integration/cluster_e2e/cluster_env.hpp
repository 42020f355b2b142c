// The cluster-mode end-to-end environment: the AWS emulator with the conformance world
// (one per test binary), the Kubernetes API stand-in with Flux's CRDs (one per test,
// TokenRequest tokens signed with the conformance OIDC key so the emulator's STS
// federates them), the real kubectl against it, and fluxaws replicas in cluster mode
// (out of cluster, through the stand-in's kubeconfig) as child processes with their
// own storage, metrics endpoint and log.
//
// Contract:
//  - Everything started here is stopped by the destructors (replicas first); every
//    wait is bounded.
//  - kubectl is the one CMake found (KUBECTL in the environment); a missing kubectl
//    fails the test that needs it, loudly.
//  - Objects are read back through kubectl (`get -o json`), as a user would.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/json.hpp"
#include "tests/integration/bucket/test_http.hpp"
#include "tests/integration/cluster_e2e/process.hpp"
#include "tests/kube-standin/harness/standin_process.hpp"

namespace e2e {

using fluxaws::json::value;
using namespace std::chrono_literals;

inline constexpr const char* kAccount = "111122223333";
inline constexpr const char* kCiKeyId = "AKIACONFORMANCE00001";
inline constexpr const char* kCiSecret = "conformance/Secret+Key/00001";  // test material of the world
inline constexpr const char* kTenantAKey = "arn:aws:kms:us-east-1:111122223333:alias/tenant-a";
inline constexpr const char* kTenantBKey = "arn:aws:kms:eu-west-1:111122223333:alias/tenant-b";

// Polls pred every 100 ms until it holds or `limit` passes; returns pred().
bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit);

// A temporary directory removed with its contents by the destructor.
class temp_dir {
 public:
  explicit temp_dir(const std::string& prefix = "fluxaws-e2e-");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// fluxaws-emulator with a world file, its fluxaws.yaml, counters and the ci user's writes.
class aws_world {
 public:
  explicit aws_world(const std::string& world_file);
  ~aws_world();
  static aws_world& conformance();  // started on first use, stopped at exit

  std::string config_file() const;  // fluxaws.yaml for `fluxaws run --config`
  std::string base_url() const;     // http://127.0.0.1:PORT (the port serves TLS and plain HTTP)
  const fluxaws::testing::connection_settings& conn() const;
  // Calls counted by the emulator (service, operation, principal, HTTP status as text).
  long calls(const std::string& service, const std::string& operation, const std::string& principal = "",
             const std::string& status = "") const;
  void reset_calls() const;
  // PutObject as the given access key (default: the conformance ci user).
  void put_object(const std::string& bucket, const std::string& region, const std::string& key,
                  const std::string& body, const std::string& key_id = kCiKeyId,
                  const std::string& secret = kCiSecret) const;
  // The manifest SOPS-encrypted under key_arn by fluxaws-sops-fixture (GenerateDataKey as ci).
  std::string sops_encrypt(const std::string& manifest_yaml, const std::string& key_arn,
                           const std::string& key_id = kCiKeyId, const std::string& secret = kCiSecret) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// The Kubernetes API stand-in with Flux's CRDs installed, driven through kubectl.
class api_server {
 public:
  api_server();
  ~api_server();

  kstand::harness::standin_process& standin() { return *standin_; }
  std::string kubeconfig() const { return standin_->kubeconfig(); }

  run_result kubectl(const std::vector<std::string>& args, const std::string& stdin_text = "",
                     std::chrono::seconds limit = 90s);
  // kubectl apply -f - (server-side validation off: the stand-in serves no schemas);
  // fails the test when kubectl does.
  void apply(const std::string& yaml);
  void remove(const std::string& resource, const std::string& ns, const std::string& name);
  // kubectl get -o json; nullopt when the object does not exist.
  std::optional<value> get(const std::string& resource, const std::string& ns, const std::string& name);
  // kubectl wait --for=condition=Ready on each "resource/name" of a namespace; true when all are.
  bool wait_ready(const std::string& ns, const std::vector<std::string>& objects, std::chrono::seconds limit);

  // The stand-in's test endpoints (POST /_standin/...), answering its state.
  value admin(const std::string& path_and_query);
  value state();

 private:
  std::unique_ptr<kstand::harness::standin_process> standin_;
};

struct replica_options {
  std::string name = "replica";      // POD_NAME and the log/storage directory names
  std::vector<std::string> args;     // extra `fluxaws run` flags
  bool leader_election = false;
  std::string label_selector;        // --watch-label-selector
  std::vector<std::string> env;      // extra environment (NAME=VALUE)

  static replica_options named(std::string n) {
    replica_options o;
    o.name = std::move(n);
    return o;
  }
};

// One fluxaws process in cluster mode against an api_server and an aws_world.
class replica {
 public:
  replica(api_server& api, const aws_world& aws, const std::string& dir, replica_options opts);
  ~replica();

  process& proc() { return *proc_; }
  const std::string& storage() const { return storage_; }
  std::string logs() const;
  // The last log lines (for failure messages).
  std::string log_tail(std::size_t lines = 40) const;
  // Waits (bounded) for the log line whose msg is `msg` and returns it parsed.
  std::optional<value> wait_log(const std::string& msg, std::chrono::milliseconds limit) const;
  std::vector<value> log_lines(const std::string& msg) const;
  // The leader-election identity this replica logged ("waiting for leadership").
  std::string identity() const;

  // GET /metrics as "name{labels}" -> value; empty when the endpoint does not answer.
  std::map<std::string, double> metrics();
  // gotk_reconcile_duration_seconds_count of one object (0 when it has no series).
  double reconciles(const std::string& kind, const std::string& ns, const std::string& name);
  // Objects ("Kind/ns/name") with a reconcile series.
  std::vector<std::string> reconciled_objects();

 private:
  std::string metrics_address();
  std::string dir_, storage_, err_file_;
  std::string metrics_addr_;
  std::unique_ptr<process> proc_;
};

// A condition's field ("status", "reason", "message", "observedGeneration") of an
// object's status.conditions, "" when absent.
std::string condition(const value& obj, const std::string& type, const std::string& field = "status");
int64_t generation(const value& obj);
int64_t observed_generation(const value& obj);

}  // namespace e2e
