// The fluxaws configuration: every tuning knob for tenant scale in one YAML file
// (a ConfigMap in a cluster), with defaults, documented in docs/config.md and
// printed by `fluxaws config defaults`. Loading reports unknown keys, wrong types
// and out-of-range values with the file, line and key, and a hint.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::runtime {

struct rate_limit {
  double per_second = 0;  // 0: unlimited
  int burst = 0;
};

struct config {
  struct {
    int threads = 0;                 // 0: number of CPUs (not max(cores,4) as CAF would)
    std::string policy = "sharing";  // sharing | stealing
    int max_throughput = 100;
    int blocking_threads = 2;
  } scheduler;

  struct {
    int max_connections = 1024;
    int max_connections_per_host = 128;
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds request_timeout{30000};
    bool http2 = false;
    std::string ca_file;
    std::string proxy;
    std::string no_proxy;
    std::vector<std::string> connect_to;
    int clients = 1;
  } http;

  struct {
    std::string region;
    std::map<std::string, std::string> env;
    std::map<std::string, std::string> endpoints;  // service -> URL override
    bool use_fips_endpoint = false;
    bool use_dualstack_endpoint = false;
    std::map<std::string, rate_limit> rate_limits;  // "sts", "ecr", "s3", "kms", "registry": per account
    int max_attempts = 3;                           // per call, throttling and 5xx
    double retry_budget = 0.1;                      // retries as a share of calls
  } aws;

  struct {
    int max_size = 100000;
    std::chrono::milliseconds max_duration{std::chrono::hours(1)};
    double refresh_at = 0.8;
    std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};
    bool background_refresh = true;
    bool serialize_misses = false;  // Flux's behaviour: one lock for every miss
  } token_cache;

  struct {
    std::map<std::string, int> concurrent;  // kind -> cap
    double interval_jitter_percentage = 5;
    std::chrono::milliseconds min_retry_delay{750};
    std::chrono::milliseconds max_retry_delay{std::chrono::minutes(15)};
    std::chrono::milliseconds requeue_dependency{std::chrono::seconds(30)};
    int bucket_fetch_concurrency = 100;
  } reconcile;

  struct {
    std::string path;  // default: <state-dir>/artifacts in local mode, /data otherwise
    std::string addr = ":9090";
    std::string adv_addr;
    std::chrono::milliseconds artifact_retention_ttl{std::chrono::minutes(1)};
    int artifact_retention_records = 2;
    std::string digest_algorithm = "sha256";
  } storage;

  struct {
    bool verify_mac = false;
  } sops;

  std::map<std::string, bool> feature_gates;

  struct {
    std::string default_service_account;
    std::string default_decryption_service_account;
    bool no_cross_namespace_refs = false;
  } lockdown;

  struct {
    bool all_namespaces = true;
    std::string label_selector;
    std::string namespace_;  // the runtime namespace (cluster mode)
  } watch;

  struct {
    std::string kubeconfig;
    double qps = 50;
    int burst = 300;
    bool leader_election = false;
    // controller-runtime's defaults; shorter ones hand over faster and cost more Lease writes.
    std::chrono::milliseconds lease_duration{std::chrono::seconds(35)};
    std::chrono::milliseconds renew_deadline{std::chrono::seconds(30)};
    std::chrono::milliseconds retry_period{std::chrono::seconds(5)};
  } kube;

  struct {
    std::string metrics_addr = ":8080";
    std::string health_addr = ":9440";
    std::string log_level = "info";
    std::string log_encoding = "json";
  } observe;

  struct {
    std::string objects_dir;
    std::string state_dir;
    std::chrono::milliseconds poll_interval{std::chrono::seconds(2)};
    std::string service_account_token_issuer;
    std::string service_account_token_key;
  } local;
};

// Parses YAML text; `file` names the source in errors. Unknown keys, wrong types and
// out-of-range values fail with "FILE:LINE: key 'a.b': reason (hint)".
result<config> parse_config(std::string_view text, const std::string& file);
result<config> load_config(const std::string& path);  // "-" reads standard input

// The full default file, with a comment per key.
std::string default_config_yaml();
// The same as a Markdown table (key, default, what it trades) for docs/config.md.
std::string config_reference_markdown();

// Sets one key from a flag value (dotted key as in the file, e.g. "reconcile.minRetryDelay").
status set_config_value(config& cfg, const std::string& dotted_key, const std::string& value,
                        const std::string& origin);

}  // namespace fluxaws::runtime
