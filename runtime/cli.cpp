#include "runtime/cli.hpp"

#include <map>

#include "adapters/common/time.hpp"

namespace fluxaws::runtime {

namespace {

struct flag {
  const char* name;
  const char* key;  // config key it sets
  bool boolean;
  const char* help;
};

// Flux's flags, mapped onto the config file's keys.
const std::vector<flag>& flags() {
  static const std::vector<flag> all = {
      {"concurrent", "reconcile.concurrent", false, "concurrent reconciles per kind (a number, or KIND=N,...)"},
      {"feature-gates", "featureGates", false, "e.g. ObjectLevelWorkloadIdentity=true"},
      {"token-cache-max-size", "tokenCache.maxSize", false, "cached identities; 0 disables caching"},
      {"token-cache-max-duration", "tokenCache.maxDuration", false, "longest caching of a credential (max 1h)"},
      {"storage-path", "storage.path", false, "artifact storage root"},
      {"storage-addr", "storage.addr", false, "artifact server address"},
      {"storage-adv-addr", "storage.advAddr", false, "address in status.artifact.url"},
      {"artifact-retention-ttl", "storage.artifactRetentionTTL", false, "age of superseded artifacts to remove"},
      {"artifact-retention-records", "storage.artifactRetentionRecords", false, "artifacts kept per object"},
      {"requeue-dependency", "reconcile.requeueDependency", false, "retry interval for unready dependencies"},
      {"min-retry-delay", "reconcile.minRetryDelay", false, "first backoff after a failure"},
      {"max-retry-delay", "reconcile.maxRetryDelay", false, "longest backoff"},
      {"interval-jitter-percentage", "reconcile.intervalJitterPercentage", false, "interval jitter, +/- percent"},
      {"default-service-account", "lockdown.defaultServiceAccount", false, "ServiceAccount for objects naming none"},
      {"default-decryption-service-account", "lockdown.defaultDecryptionServiceAccount", false,
       "ServiceAccount for decryption when none is named"},
      {"no-cross-namespace-refs", "lockdown.noCrossNamespaceRefs", true, "refuse cross-namespace references"},
      {"watch-all-namespaces", "watch.allNamespaces", true, "watch every namespace"},
      {"watch-label-selector", "watch.labelSelector", false, "only objects matching this selector"},
      {"metrics-addr", "observe.metricsAddr", false, "Prometheus metrics address"},
      {"health-addr", "observe.healthAddr", false, "health probe address"},
      {"log-level", "observe.logLevel", false, "debug | info | error"},
      {"log-encoding", "observe.logEncoding", false, "json | console"},
      {"kube-api-qps", "kube.qps", false, "Kubernetes API queries per second"},
      {"kube-api-burst", "kube.burst", false, "Kubernetes API burst"},
      {"enable-leader-election", "kube.leaderElection", true, "elect a leader before reconciling"},
      {"leader-election-lease-duration", "kube.leaseDuration", false, "Lease duration (default 35s)"},
      {"leader-election-renew-deadline", "kube.renewDeadline", false, "leader's renew deadline (default 30s)"},
      {"leader-election-retry-period", "kube.retryPeriod", false, "Lease retry period (default 5s)"},
      {"kubeconfig", "kube.kubeconfig", false, "kubeconfig path (cluster mode)"},
      {"sops-verify-mac", "sops.verifyMac", true, "verify SOPS MACs"},
      {"objects", "local.objectsDir", false, "manifest directory (local mode)"},
      {"state-dir", "local.stateDir", false, "status store and artifacts (local mode)"},
  };
  return all;
}

const flag* find_flag(const std::string& name) {
  for (const auto& f : flags())
    if (name == f.name) return &f;
  return nullptr;
}

}  // namespace

result<run_options> parse_run_args(const std::vector<std::string>& args) {
  run_options out;
  // The config file comes first, whatever its position, so flags override it.
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--config" && i + 1 < args.size()) out.config_file = args[i + 1];
    if (a.rfind("--config=", 0) == 0) out.config_file = a.substr(9);
  }
  if (!out.config_file.empty()) {
    auto cfg = load_config(out.config_file);
    if (!cfg) return cfg.error();
    out.cfg = std::move(*cfg);
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--", 0) != 0) return make_error("usage", "unexpected argument '" + a + "'");
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    if (name == "config") {
      if (!has_value) ++i;
      continue;
    }
    if (name == "once") {
      out.once = !has_value || value == "true";
      continue;
    }
    if (name == "once-timeout") {
      if (!has_value) {
        if (i + 1 >= args.size()) return make_error("usage", "--once-timeout needs a value");
        value = args[++i];
      }
      auto d = timefmt::parse_go_duration(value);
      if (!d || d->count() <= 0) return make_error("usage", "--once-timeout: expected a duration, got '" + value + "'");
      out.once_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
      continue;
    }
    const flag* f = find_flag(name);
    if (!f) return make_error("usage", "unknown flag --" + name + " (see `fluxaws run --help`)");
    if (!has_value) {
      if (f->boolean) {
        value = "true";
      } else {
        if (i + 1 >= args.size()) return make_error("usage", "--" + name + " needs a value");
        value = args[++i];
      }
    }
    if (auto st = set_config_value(out.cfg, f->key, value, "--" + name); !st) return st.error();
  }
  out.cluster = out.cfg.local.objects_dir.empty();
  if (!out.cluster && out.cfg.local.state_dir.empty())
    return make_error("usage", "--state-dir is required with --objects (it holds status and artifacts)");
  if (auto st = validate_config(out.cfg); !st) return st.error();
  return out;
}

status validate_config(const config& cfg) {
  bool gate = false;
  if (auto it = cfg.feature_gates.find("ObjectLevelWorkloadIdentity"); it != cfg.feature_gates.end()) gate = it->second;
  for (const auto& [name, v] : cfg.feature_gates) {
    (void)v;
    if (name != "ObjectLevelWorkloadIdentity" && name != "CacheSecretsAndConfigMaps")
      return make_error("config", "unknown feature gate '" + name + "' (known: ObjectLevelWorkloadIdentity)");
  }
  if (!gate && !cfg.lockdown.default_service_account.empty())
    return make_error("config",
                      "--default-service-account requires --feature-gates=ObjectLevelWorkloadIdentity=true");
  if (!gate && !cfg.lockdown.default_decryption_service_account.empty())
    return make_error("config", "--default-decryption-service-account requires "
                                "--feature-gates=ObjectLevelWorkloadIdentity=true");
  // client-go refuses these too: a leader must renew well before others may take over.
  if (cfg.kube.renew_deadline >= cfg.kube.lease_duration)
    return make_error("config", "kube.renewDeadline must be shorter than kube.leaseDuration");
  if (cfg.kube.retry_period >= cfg.kube.renew_deadline)
    return make_error("config", "kube.retryPeriod must be shorter than kube.renewDeadline");
  return {};
}

std::string run_usage() {
  std::string out =
      "Usage: fluxaws run [--config FILE] [--objects DIR --state-dir DIR [--once] [--once-timeout 10m]] [flags]\n"
      "\nWithout --objects, fluxaws runs in cluster mode (in-cluster config or --kubeconfig).\n\nFlags:\n";
  for (const auto& f : flags()) {
    std::string n = std::string("  --") + f.name + (f.boolean ? "" : " VALUE");
    if (n.size() < 40) n += std::string(40 - n.size(), ' ');
    out += n + f.help + "  [" + f.key + "]\n";
  }
  out += "  --once                                  reconcile every object once, print the table, exit 0 if all Ready\n";
  return out;
}

}  // namespace fluxaws::runtime
