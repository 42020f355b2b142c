#include "runtime/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <variant>

#include "adapters/common/time.hpp"

namespace fluxaws::runtime {

namespace {

using ms = std::chrono::milliseconds;
using field_ref = std::variant<int*, double*, bool*, std::string*, ms*, std::vector<std::string>*,
                               std::map<std::string, std::string>*, std::map<std::string, bool>*,
                               std::map<std::string, int>*, std::map<std::string, rate_limit>*>;

struct field_desc {
  field_desc(const char* k, const char* d, std::function<field_ref(config&)> r, double lo = -1e300, double hi = 1e300,
             std::vector<std::string> values = {})
      : key(k), doc(d), ref(std::move(r)), min(lo), max(hi), allowed(std::move(values)) {}
  const char* key;
  const char* doc;
  std::function<field_ref(config&)> ref;
  double min;
  double max;
  std::vector<std::string> allowed;  // for enumerated strings
};

// One row per knob; the order is the order of `config defaults` and docs/config.md.
const std::vector<field_desc>& fields() {
  static const std::vector<field_desc> all = {
      {"scheduler.threads", "CAF worker threads; 0 = the CPUs the process may use (CAF alone would take max(cores, 4))",
       [](config& c) { return field_ref(&c.scheduler.threads); }, 0, 1024},
      {"scheduler.policy", "work-sharing beat work-stealing 4-10x on fan-out to thousands of object actors",
       [](config& c) { return field_ref(&c.scheduler.policy); }, -1e300, 1e300, {"sharing", "stealing"}},
      {"scheduler.maxThroughput", "messages an actor handles before yielding its thread (fairness vs. throughput)",
       [](config& c) { return field_ref(&c.scheduler.max_throughput); }, 1, 1e9},
      {"scheduler.blockingThreads", "threads for blocking work: archives, extraction, file writes, decryption",
       [](config& c) { return field_ref(&c.scheduler.blocking_threads); }, 1, 256},
      {"http.maxConnections", "open connections in total (libcurl queues the rest)",
       [](config& c) { return field_ref(&c.http.max_connections); }, 1, 1e6},
      {"http.maxConnectionsPerHost", "open connections per host; bounds the load on one endpoint",
       [](config& c) { return field_ref(&c.http.max_connections_per_host); }, 1, 1e6},
      {"http.connectTimeout", "TCP+TLS connect timeout", [](config& c) { return field_ref(&c.http.connect_timeout); },
       1, 1e12},
      {"http.requestTimeout", "default timeout of one request (a reconcile's spec.timeout also bounds it)",
       [](config& c) { return field_ref(&c.http.request_timeout); }, 1, 1e12},
      {"http.http2", "negotiate HTTP/2 where the server offers it (fewer connections, more CPU per byte)",
       [](config& c) { return field_ref(&c.http.http2); }},
      {"http.caFile", "PEM bundle trusted for TLS; empty = the system's CAs",
       [](config& c) { return field_ref(&c.http.ca_file); }},
      {"http.proxy", "proxy URL for every request; empty = HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment",
       [](config& c) { return field_ref(&c.http.proxy); }},
      {"http.noProxy", "hosts that bypass http.proxy (comma-separated, as NO_PROXY)",
       [](config& c) { return field_ref(&c.http.no_proxy); }},
      {"http.connectTo", "libcurl CONNECT_TO rules HOST:PORT:TO_HOST:TO_PORT: keep the host name, connect elsewhere",
       [](config& c) { return field_ref(&c.http.connect_to); }},
      {"http.clients", "HTTP client actors (each one libcurl multi handle on its own I/O thread)",
       [](config& c) { return field_ref(&c.http.clients); }, 1, 64},
      {"aws.region", "region when an object implies none (like AWS_REGION)",
       [](config& c) { return field_ref(&c.aws.region); }},
      {"aws.env", "environment of the controller-level credential chain (AWS_ROLE_ARN, ...), over the process's",
       [](config& c) { return field_ref(&c.aws.env); }},
      {"aws.endpoints", "per-service endpoint overrides (sts, ecr, ecr-public, s3, kms), like AWS_ENDPOINT_URL_<SERVICE>",
       [](config& c) { return field_ref(&c.aws.endpoints); }},
      {"aws.useFipsEndpoint", "use FIPS endpoints (AWS_USE_FIPS_ENDPOINT)",
       [](config& c) { return field_ref(&c.aws.use_fips_endpoint); }},
      {"aws.useDualstackEndpoint", "use dual-stack endpoints (AWS_USE_DUALSTACK_ENDPOINT)",
       [](config& c) { return field_ref(&c.aws.use_dualstack_endpoint); }},
      {"aws.rateLimits",
       "per account, Region and service (S3: per bucket; registry: per host): {perSecond, burst} for sts, ecr, "
       "ecr-public, s3, kms, registry over built-in defaults; perSecond 0 = unlimited",
       [](config& c) { return field_ref(&c.aws.rate_limits); }},
      {"aws.maxAttempts",
       "attempts per AWS call on throttling, 5xx and transient network failures (full-jitter backoff, within the "
       "call's timeout)",
       [](config& c) { return field_ref(&c.aws.max_attempts); }, 1, 20},
      {"aws.retryBudget",
       "retries allowed as a share of calls over 10s, per service (0.1 = 10%, 0 = none); stops retry storms",
       [](config& c) { return field_ref(&c.aws.retry_budget); }, 0, 10},
      {"tokenCache.maxSize", "cached identities (LRU); 0 disables caching (Flux's --token-cache-max-size)",
       [](config& c) { return field_ref(&c.token_cache.max_size); }, 0, 1e9},
      {"tokenCache.maxDuration", "longest time a credential is cached; at most 1h (--token-cache-max-duration)",
       [](config& c) { return field_ref(&c.token_cache.max_duration); }, 1, 3600000},
      {"tokenCache.refreshAt", "share of a credential's lifetime after which it is refreshed",
       [](config& c) { return field_ref(&c.token_cache.refresh_at); }, 0.1, 0.95},
      {"tokenCache.idleTimeout", "a token-cache actor unused this long stops",
       [](config& c) { return field_ref(&c.token_cache.idle_timeout); }, 1, 1e12},
      {"tokenCache.backgroundRefresh", "refresh ahead of expiry in the background, so a busy identity never waits",
       [](config& c) { return field_ref(&c.token_cache.background_refresh); }},
      {"tokenCache.serializeMisses", "serialize every cache miss behind one lock, as Flux does (baseline only)",
       [](config& c) { return field_ref(&c.token_cache.serialize_misses); }},
      {"reconcile.concurrent", "per-kind cap of concurrent reconciles, e.g. {Bucket: 2}; unset kinds are uncapped",
       [](config& c) { return field_ref(&c.reconcile.concurrent); }},
      {"reconcile.intervalJitterPercentage", "spread of each interval, +/- percent",
       [](config& c) { return field_ref(&c.reconcile.interval_jitter_percentage); }, 0, 99},
      {"reconcile.minRetryDelay", "first backoff after a failure",
       [](config& c) { return field_ref(&c.reconcile.min_retry_delay); }, 1, 1e12},
      {"reconcile.maxRetryDelay", "longest backoff after repeated failures",
       [](config& c) { return field_ref(&c.reconcile.max_retry_delay); }, 1, 1e12},
      {"reconcile.requeueDependency", "retry interval while a dependency is not ready",
       [](config& c) { return field_ref(&c.reconcile.requeue_dependency); }, 1, 1e12},
      {"reconcile.bucketFetchConcurrency", "parallel object downloads per Bucket reconcile",
       [](config& c) { return field_ref(&c.reconcile.bucket_fetch_concurrency); }, 1, 10000},
      {"storage.path", "artifact storage root; empty = <state-dir>/artifacts (local) or /data",
       [](config& c) { return field_ref(&c.storage.path); }},
      {"storage.addr", "address the artifact server listens on", [](config& c) { return field_ref(&c.storage.addr); }},
      {"storage.advAddr", "address written into status.artifact.url; empty = storage.addr",
       [](config& c) { return field_ref(&c.storage.adv_addr); }},
      {"storage.artifactRetentionTTL", "age after which superseded artifacts are garbage-collected",
       [](config& c) { return field_ref(&c.storage.artifact_retention_ttl); }, 1, 1e12},
      {"storage.artifactRetentionRecords", "artifacts kept per object",
       [](config& c) { return field_ref(&c.storage.artifact_retention_records); }, 1, 1000},
      {"storage.digestAlgorithm", "artifact digest algorithm", [](config& c) { return field_ref(&c.storage.digest_algorithm); },
       -1e300, 1e300, {"sha256"}},
      {"sops.verifyMac", "verify SOPS MACs (Flux keeps this off)", [](config& c) { return field_ref(&c.sops.verify_mac); }},
      {"featureGates", "e.g. {ObjectLevelWorkloadIdentity: true}", [](config& c) { return field_ref(&c.feature_gates); }},
      {"lockdown.defaultServiceAccount", "ServiceAccount used by objects that name none (needs the feature gate)",
       [](config& c) { return field_ref(&c.lockdown.default_service_account); }},
      {"lockdown.defaultDecryptionServiceAccount", "the same for Kustomization decryption",
       [](config& c) { return field_ref(&c.lockdown.default_decryption_service_account); }},
      {"lockdown.noCrossNamespaceRefs", "refuse references to other namespaces",
       [](config& c) { return field_ref(&c.lockdown.no_cross_namespace_refs); }},
      {"watch.allNamespaces", "watch every namespace (false: only watch.namespace)",
       [](config& c) { return field_ref(&c.watch.all_namespaces); }},
      {"watch.labelSelector", "only objects matching this selector (sharding.fluxcd.io/key=...)",
       [](config& c) { return field_ref(&c.watch.label_selector); }},
      {"watch.namespace", "the runtime namespace", [](config& c) { return field_ref(&c.watch.namespace_); }},
      {"kube.kubeconfig", "kubeconfig path; empty = in-cluster or KUBECONFIG",
       [](config& c) { return field_ref(&c.kube.kubeconfig); }},
      {"kube.qps", "Kubernetes API requests per second", [](config& c) { return field_ref(&c.kube.qps); }, 0.1, 1e6},
      {"kube.burst", "Kubernetes API burst", [](config& c) { return field_ref(&c.kube.burst); }, 1, 1e6},
      {"kube.leaderElection", "elect a leader through a Lease before reconciling",
       [](config& c) { return field_ref(&c.kube.leader_election); }},
      {"kube.leaseDuration", "how long a Lease holds without renewal (whole seconds); a dead leader is replaced within about this",
       [](config& c) { return field_ref(&c.kube.lease_duration); }, 1000, 1e12},
      {"kube.renewDeadline", "a leader that cannot renew within this stops leading (and exits); below leaseDuration",
       [](config& c) { return field_ref(&c.kube.renew_deadline); }, 1000, 1e12},
      {"kube.retryPeriod", "how often candidates and the leader read and write the Lease; below renewDeadline",
       [](config& c) { return field_ref(&c.kube.retry_period); }, 1000, 1e12},
      {"observe.metricsAddr", "Prometheus /metrics address", [](config& c) { return field_ref(&c.observe.metrics_addr); }},
      {"observe.healthAddr", "/healthz and /readyz address", [](config& c) { return field_ref(&c.observe.health_addr); }},
      {"observe.logLevel", "debug | info | error", [](config& c) { return field_ref(&c.observe.log_level); }, -1e300,
       1e300, {"debug", "info", "error", "trace"}},
      {"observe.logEncoding", "json | console", [](config& c) { return field_ref(&c.observe.log_encoding); }, -1e300,
       1e300, {"json", "console"}},
      {"local.objectsDir", "manifest directory read in local mode", [](config& c) { return field_ref(&c.local.objects_dir); }},
      {"local.stateDir", "status store and (by default) artifacts in local mode",
       [](config& c) { return field_ref(&c.local.state_dir); }},
      {"local.pollInterval", "how often the manifest directory is rescanned",
       [](config& c) { return field_ref(&c.local.poll_interval); }, 1, 1e12},
      {"local.serviceAccountTokenIssuer", "`iss` of the ServiceAccount tokens fluxaws signs in local mode",
       [](config& c) { return field_ref(&c.local.service_account_token_issuer); }},
      {"local.serviceAccountTokenKey", "PEM RSA private key that signs them (RS256)",
       [](config& c) { return field_ref(&c.local.service_account_token_key); }},
  };
  return all;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string suggestion(const std::string& key) {
  std::string best;
  std::size_t best_d = 4;
  for (const auto& f : fields()) {
    auto d = edit_distance(key, f.key);
    if (d < best_d) {
      best_d = d;
      best = f.key;
    }
  }
  return best.empty() ? "see `fluxaws config defaults` for every key" : "did you mean '" + best + "'?";
}

const field_desc* find_field(const std::string& key) {
  for (const auto& f : fields())
    if (key == f.key) return &f;
  return nullptr;
}

bool is_prefix_of_field(const std::string& key) {
  for (const auto& f : fields())
    if (std::string(f.key).rfind(key + ".", 0) == 0) return true;
  return false;
}

error_info located(const std::string& file, int line, const std::string& key, const std::string& reason,
                   const std::string& hint = "") {
  std::string msg = file + ":" + std::to_string(line) + ": key '" + key + "': " + reason;
  if (!hint.empty()) msg += " (" + hint + ")";
  return make_error("config", msg);
}

std::optional<bool> parse_bool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (!end || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<ms> parse_duration(const std::string& s) {
  auto d = timefmt::parse_go_duration(s);
  if (!d || d->count() < 0) return std::nullopt;
  return std::chrono::duration_cast<ms>(*d);
}

// Sets a scalar field from text; returns an error reason or "".
std::string set_scalar(const field_desc& f, field_ref ref, const std::string& text) {
  auto range = [&](double v) -> std::string {
    if (v < f.min || v > f.max) {
      std::ostringstream os;
      os << "value " << text << " is out of range [" << f.min << ", " << f.max << "]";
      return os.str();
    }
    return "";
  };
  if (auto* p = std::get_if<int*>(&ref)) {
    auto v = parse_number(text);
    if (!v || *v != std::floor(*v)) return "expected an integer, got '" + text + "'";
    if (auto r = range(*v); !r.empty()) return r;
    **p = static_cast<int>(*v);
    return "";
  }
  if (auto* p = std::get_if<double*>(&ref)) {
    auto v = parse_number(text);
    if (!v) return "expected a number, got '" + text + "'";
    if (auto r = range(*v); !r.empty()) return r;
    **p = *v;
    return "";
  }
  if (auto* p = std::get_if<bool*>(&ref)) {
    auto v = parse_bool(text);
    if (!v) return "expected true or false, got '" + text + "'";
    **p = *v;
    return "";
  }
  if (auto* p = std::get_if<std::string*>(&ref)) {
    if (!f.allowed.empty() && std::find(f.allowed.begin(), f.allowed.end(), text) == f.allowed.end()) {
      std::string list;
      for (const auto& a : f.allowed) list += (list.empty() ? "" : ", ") + a;
      return "unsupported value '" + text + "' (one of: " + list + ")";
    }
    **p = text;
    return "";
  }
  if (auto* p = std::get_if<ms*>(&ref)) {
    auto v = parse_duration(text);
    if (!v) return "expected a duration such as 30s, 5m or 1h, got '" + text + "'";
    if (auto r = range(static_cast<double>(v->count())); !r.empty())
      return "duration " + text + " is out of range";
    **p = *v;
    return "";
  }
  if (auto* p = std::get_if<std::vector<std::string>*>(&ref)) {
    (*p)->clear();
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
      if (!item.empty()) (*p)->push_back(item);
    return "";
  }
  if (auto* p = std::get_if<std::map<std::string, bool>*>(&ref)) {
    // "A=true,B=false" (Flux's --feature-gates syntax)
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.empty()) continue;
      auto eq = item.find('=');
      if (eq == std::string::npos) return "expected NAME=true|false, got '" + item + "'";
      auto b = parse_bool(item.substr(eq + 1));
      if (!b) return "expected NAME=true|false, got '" + item + "'";
      (**p)[item.substr(0, eq)] = *b;
    }
    return "";
  }
  if (auto* p = std::get_if<std::map<std::string, int>*>(&ref)) {
    // "Bucket=2,OCIRepository=2" or a bare number for every kind
    if (auto v = parse_number(text); v && *v == std::floor(*v) && *v >= 1) {
      for (auto kind : {"Bucket", "OCIRepository", "ImageRepository", "ImagePolicy", "Kustomization"})
        (**p)[kind] = static_cast<int>(*v);
      return "";
    }
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
      auto eq = item.find('=');
      auto v = eq == std::string::npos ? std::nullopt : parse_number(item.substr(eq + 1));
      if (!v || *v < 1) return "expected KIND=N, got '" + item + "'";
      (**p)[item.substr(0, eq)] = static_cast<int>(*v);
    }
    return "";
  }
  return "cannot be set from a single value";
}

std::string scalar_text(const YAML::Node& n) { return n.IsNull() ? std::string() : n.Scalar(); }

status apply_node(config& cfg, const field_desc& f, const YAML::Node& node, const std::string& file) {
  int line = node.Mark().line + 1;
  field_ref ref = f.ref(cfg);
  auto fail = [&](const std::string& why) { return status(located(file, line, f.key, why)); };
  if (auto* p = std::get_if<std::vector<std::string>*>(&ref)) {
    if (!node.IsSequence() && !node.IsNull()) return fail("expected a list of strings");
    (*p)->clear();
    for (const auto& item : node) {
      if (!item.IsScalar()) return fail("expected a list of strings");
      (*p)->push_back(item.Scalar());
    }
    return {};
  }
  if (auto* p = std::get_if<std::map<std::string, std::string>*>(&ref)) {
    if (!node.IsMap() && !node.IsNull()) return fail("expected a mapping of strings");
    for (const auto& kv : node) {
      if (!kv.second.IsScalar()) return fail("expected a mapping of strings");
      (**p)[kv.first.Scalar()] = kv.second.Scalar();
    }
    return {};
  }
  if (auto* p = std::get_if<std::map<std::string, bool>*>(&ref)) {
    if (!node.IsMap() && !node.IsNull()) return fail("expected a mapping of names to true/false");
    for (const auto& kv : node) {
      auto b = kv.second.IsScalar() ? parse_bool(kv.second.Scalar()) : std::nullopt;
      if (!b) return fail("'" + kv.first.Scalar() + "' must be true or false");
      (**p)[kv.first.Scalar()] = *b;
    }
    return {};
  }
  if (auto* p = std::get_if<std::map<std::string, int>*>(&ref)) {
    if (!node.IsMap() && !node.IsNull()) return fail("expected a mapping of kinds to numbers");
    for (const auto& kv : node) {
      auto v = kv.second.IsScalar() ? parse_number(kv.second.Scalar()) : std::nullopt;
      if (!v || *v < 1 || *v != std::floor(*v)) return fail("'" + kv.first.Scalar() + "' must be a positive integer");
      (**p)[kv.first.Scalar()] = static_cast<int>(*v);
    }
    return {};
  }
  if (auto* p = std::get_if<std::map<std::string, rate_limit>*>(&ref)) {
    if (!node.IsMap() && !node.IsNull()) return fail("expected {service: {perSecond, burst}}");
    for (const auto& kv : node) {
      rate_limit rl;
      if (!kv.second.IsMap()) return fail("'" + kv.first.Scalar() + "' must be {perSecond, burst}");
      for (const auto& e : kv.second) {
        auto v = e.second.IsScalar() ? parse_number(e.second.Scalar()) : std::nullopt;
        if (e.first.Scalar() == "perSecond" && v && *v >= 0)
          rl.per_second = *v;
        else if (e.first.Scalar() == "burst" && v && *v >= 0)
          rl.burst = static_cast<int>(*v);
        else
          return status(located(file, e.first.Mark().line + 1,
                                std::string(f.key) + "." + kv.first.Scalar() + "." + e.first.Scalar(),
                                "unknown or invalid", "use perSecond and burst, both non-negative numbers"));
      }
      (**p)[kv.first.Scalar()] = rl;
    }
    return {};
  }
  if (!node.IsScalar() && !node.IsNull()) return fail("expected a single value");
  auto why = set_scalar(f, ref, scalar_text(node));
  if (!why.empty()) return fail(why);
  return {};
}

status walk(config& cfg, const YAML::Node& node, const std::string& prefix, const std::string& file) {
  for (const auto& kv : node) {
    std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    int line = kv.first.Mark().line + 1;
    if (const auto* f = find_field(key)) {
      if (auto st = apply_node(cfg, *f, kv.second, file); !st) return st;
      continue;
    }
    if (is_prefix_of_field(key)) {
      if (!kv.second.IsMap()) return status(located(file, line, key, "expected a mapping (a section)"));
      if (auto st = walk(cfg, kv.second, key, file); !st) return st;
      continue;
    }
    return status(located(file, line, key, "unknown key", suggestion(key)));
  }
  return {};
}

std::string yaml_scalar(const std::string& s) {
  if (s.empty()) return "\"\"";
  bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' || c == '-' || c == '_';
  });
  if (plain && !parse_bool(s) && !parse_number(s)) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string render_value(const field_ref& ref) {
  std::ostringstream os;
  std::visit(
      [&](auto* p) {
        using T = std::remove_pointer_t<decltype(p)>;
        if constexpr (std::is_same_v<T, int>)
          os << *p;
        else if constexpr (std::is_same_v<T, double>)
          os << *p;
        else if constexpr (std::is_same_v<T, bool>)
          os << (*p ? "true" : "false");
        else if constexpr (std::is_same_v<T, std::string>)
          os << yaml_scalar(*p);
        else if constexpr (std::is_same_v<T, ms>)
          os << timefmt::go_duration(*p);
        else if constexpr (std::is_same_v<T, std::vector<std::string>>)
          os << (p->empty() ? "[]" : "");
        else
          os << (p->empty() ? "{}" : "");
      },
      ref);
  return os.str();
}

}  // namespace

result<config> parse_config(std::string_view text, const std::string& file) {
  config cfg;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) return cfg;
    if (!root.IsMap()) return located(file, root.Mark().line + 1, "", "the file must be a mapping of sections");
    if (auto st = walk(cfg, root, "", file); !st) return st.error();
  } catch (const YAML::Exception& e) {
    return make_error("config", file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (cfg.reconcile.min_retry_delay > cfg.reconcile.max_retry_delay)
    return make_error("config", file + ": key 'reconcile.minRetryDelay': must not exceed reconcile.maxRetryDelay");
  return cfg;
}

result<config> load_config(const std::string& path) {
  std::stringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("config", path + ": cannot open the file");
    buf << in.rdbuf();
  }
  return parse_config(buf.str(), path == "-" ? "<stdin>" : path);
}

std::string default_config_yaml() {
  config cfg;
  std::string out = "# fluxaws configuration: every key with its default (fluxaws config defaults).\n";
  std::string section;
  for (const auto& f : fields()) {
    std::string key = f.key;
    auto dot = key.find('.');
    std::string sec = dot == std::string::npos ? "" : key.substr(0, dot);
    std::string leaf = dot == std::string::npos ? key : key.substr(dot + 1);
    if (sec != section) {
      section = sec;
      if (!sec.empty()) out += sec + ":\n";
    }
    std::string indent = sec.empty() ? "" : "  ";
    out += indent + "# " + f.doc + "\n";
    out += indent + leaf + ": " + render_value(f.ref(cfg)) + "\n";
  }
  return out;
}

std::string config_reference_markdown() {
  config cfg;
  std::string out = "| key | default | what it sets and trades |\n| --- | --- | --- |\n";
  for (const auto& f : fields()) {
    std::string def = render_value(f.ref(cfg));
    if (def.empty()) def = "(see example)";
    out += std::string("| `") + f.key + "` | `" + def + "` | " + f.doc + " |\n";
  }
  return out;
}

status set_config_value(config& cfg, const std::string& dotted_key, const std::string& value,
                        const std::string& origin) {
  const auto* f = find_field(dotted_key);
  if (!f) return make_error("config", origin + ": unknown key '" + dotted_key + "'");
  auto why = set_scalar(*f, f->ref(cfg), value);
  if (!why.empty()) return make_error("config", origin + ": " + why);
  return {};
}

}  // namespace fluxaws::runtime
