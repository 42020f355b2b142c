#include "runtime/engine_host.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <chrono>
#include <random>
#include <thread>

#include "actors/blocking_pool.hpp"
#include "actors/gate.hpp"
#include "actors/status_sink.hpp"
#include "actors/status_store.hpp"
#include "actors/supervisor.hpp"
#include "adapters/aws/call_limiter.hpp"
#include "adapters/aws/call_policy.hpp"
#include "adapters/aws/env.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/time.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/applier.hpp"
#include "adapters/kube/cluster_config.hpp"
#include "adapters/kube/directory_source.hpp"
#include "adapters/kube/event_recorder.hpp"
#include "adapters/kube/kube_client.hpp"
#include "adapters/kube/leader_elector.hpp"
#include "adapters/kube/lease_logic.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"
#include "adapters/kube/token_request.hpp"
#include "adapters/kube/watch_source.hpp"
#include "actors/cluster_status_sink.hpp"
#include "actors/identity_registry.hpp"
#include <caf/event_based_actor.hpp>
#include "runtime/artifact_server.hpp"
#include "runtime/artifact_storage.hpp"
#include "runtime/kinds.hpp"
#include "runtime/observe_server.hpp"
#include "adapters/common/metrics.hpp"
#include <unistd.h>
#include <atomic>

namespace fluxaws::runtime {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct engine_host::impl {
  run_options opts;
  caf::actor_system_config caf_cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<actors::engine> eng;
  std::unique_ptr<artifact_server> server;
  actors::status_sink_actor sink;
  actors::supervisor_actor supervisor;
  caf::actor source;
  // Cluster mode.
  kube::client_actor kube;
  http::client_actor kube_http;
  kube::event_recorder_actor events;
  kube::leader_elector_actor elector;
  caf::actor leader_listener;
  kube::sa_token_actor sa_tokens;
  std::string runtime_namespace;
  std::shared_ptr<std::atomic<int>> leadership = std::make_shared<std::atomic<int>>(0);  // 1 leading, -1 lost
  aws::call_limiter_actor call_limiter;  // AWS rate limits and retries (aws/call_policy.hpp)
  std::unique_ptr<observe_server> metrics_server;
  std::unique_ptr<observe_server> health_server;
  std::atomic<bool> synced{false};
  fs::path storage_root;
  bool stopped = false;

  bool ready() const { return synced.load() && ::access(storage_root.c_str(), W_OK) == 0; }
};

engine_host::engine_host() : impl_(std::make_unique<impl>()) {}
engine_host::~engine_host() { shutdown(); }

namespace {

http::client_options http_options(const config& cfg) {
  http::client_options o;
  o.max_total_connections = cfg.http.max_connections;
  o.max_host_connections = cfg.http.max_connections_per_host;
  o.connect_timeout = cfg.http.connect_timeout;
  o.http2 = cfg.http.http2;
  o.ca_file = cfg.http.ca_file;
  o.proxy = cfg.http.proxy;
  o.no_proxy = cfg.http.no_proxy;
  o.connect_to = cfg.http.connect_to;
  return o;
}

// The controller's AWS environment: the process's, overlaid by the config file's
// aws.env, endpoint overrides and FIPS/dual-stack switches.
aws::env_map controller_aws_env(const config& cfg) {
  aws::env_map env = aws::process_env();
  for (const auto& [k, v] : cfg.aws.env) env[k] = v;
  for (const auto& [service, url] : cfg.aws.endpoints) {
    std::string name = "AWS_ENDPOINT_URL_";
    for (char c : service) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    env[name] = url;
  }
  if (cfg.aws.use_fips_endpoint) env["AWS_USE_FIPS_ENDPOINT"] = "true";
  if (cfg.aws.use_dualstack_endpoint) env["AWS_USE_DUALSTACK_ENDPOINT"] = "true";
  if (!cfg.aws.region.empty()) env["AWS_REGION"] = cfg.aws.region;
  return env;
}

}  // namespace

result<std::unique_ptr<engine_host>> engine_host::start(const run_options& opts) {
  std::unique_ptr<engine_host> host(new engine_host());
  auto& d = *host->impl_;
  d.opts = opts;
  const auto& cfg = opts.cfg;

  // Storage: local mode keeps artifacts in the state directory by default.
  std::error_code ec;
  fs::path state_dir = cfg.local.state_dir;
  if (!opts.cluster) {
    fs::create_directories(state_dir, ec);
    if (ec) return make_error("io", "cannot create the state directory " + state_dir.string() + ": " + ec.message());
  }
  fs::path storage_root = !cfg.storage.path.empty() ? fs::path(cfg.storage.path)
                          : opts.cluster            ? fs::path("/data")
                                                    : state_dir / "artifacts";
  fs::create_directories(storage_root, ec);
  if (ec) return make_error("storage", "cannot create the storage path " + storage_root.string() + ": " + ec.message());

  artifact_server_options so;
  so.address = cfg.storage.addr;
  so.root = storage_root;
  auto server = artifact_server::start(so);
  if (!server) return make_error("storage", "artifact server on " + cfg.storage.addr + ": " + server.error().message);
  d.server = std::move(*server);
  std::string adv = cfg.storage.adv_addr;
  if (adv.empty()) {
    // An explicit port 0 only becomes known once bound: advertise what was bound.
    auto a = advertised_address(cfg.storage.addr.size() >= 2 && cfg.storage.addr.substr(cfg.storage.addr.size() - 2) == ":0"
                                    ? d.server->local_address()
                                    : cfg.storage.addr);
    adv = a ? *a : d.server->local_address();
  }
  storage_options sto;
  sto.root = storage_root;
  sto.advertised_address = adv;
  sto.retention_ttl = cfg.storage.artifact_retention_ttl;
  sto.retention_records = cfg.storage.artifact_retention_records;
  auto storage = artifact_storage::open(sto);
  if (!storage) return make_error("storage", storage.error().message);

  // Cluster mode: the Kubernetes API before anything starts.
  kube::cluster_config kube_cfg;
  if (opts.cluster) {
    auto resolved = kube::resolve_cluster_config(cfg.kube.kubeconfig, "", kube::process_env());
    if (!resolved) return make_error("kube", "cannot configure the Kubernetes client: " + resolved.error().message);
    kube_cfg = std::move(*resolved);
  }

  // Actor system: threads from the config (CAF alone would take max(cores, 4)).
  int threads = cfg.scheduler.threads > 0 ? cfg.scheduler.threads
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  d.caf_cfg.set("scheduler.max-threads", threads);
  if (cfg.scheduler.policy == "stealing")
    d.caf_cfg.set("scheduler.policy", caf::atom("stealing"));
  else
    d.caf_cfg.set("scheduler.policy", caf::atom("sharing"));
  d.caf_cfg.set("scheduler.max-throughput", cfg.scheduler.max_throughput);
  d.sys = std::make_unique<caf::actor_system>(d.caf_cfg);
  auto& sys = *d.sys;

  http::global_init();
  d.eng = std::make_shared<actors::engine>();
  auto& eng = *d.eng;
  eng.storage = std::shared_ptr<actors::artifact_store>(std::move(*storage));
  eng.pool = actors::spawn_blocking_pool(sys, static_cast<std::size_t>(cfg.scheduler.blocking_threads));
  eng.http = http::spawn_client(sys, http_options(cfg));
  // AWS call policy: rate limits per account and service (aws.rateLimits over the
  // defaults), retries (aws.maxAttempts) within the retry budget (aws.retryBudget), for
  // every AWS call from here on; uninstalled and stopped in shutdown().
  {
    std::map<std::string, aws::rate_limit> limits;
    for (const auto& [service, rl] : cfg.aws.rate_limits) limits[service] = {rl.per_second, double(rl.burst)};
    d.call_limiter = aws::spawn_call_limiter(sys, {aws::merge_rate_limits(aws::default_rate_limits(), limits)});
    aws::call_policy policy;
    policy.max_attempts = cfg.aws.max_attempts;
    policy.retry_budget = cfg.aws.retry_budget;
    aws::install_call_policy(d.call_limiter, policy);
  }
  auto gate_it = cfg.feature_gates.find("ObjectLevelWorkloadIdentity");
  eng.opts.object_level_identity = gate_it != cfg.feature_gates.end() && gate_it->second;
  eng.opts.default_service_account = cfg.lockdown.default_service_account;
  eng.opts.default_decryption_service_account = cfg.lockdown.default_decryption_service_account;
  eng.opts.no_cross_namespace_refs = cfg.lockdown.no_cross_namespace_refs;
  eng.opts.sops_verify_mac = cfg.sops.verify_mac;
  eng.opts.jitter_percent = cfg.reconcile.interval_jitter_percentage;
  eng.opts.min_retry = cfg.reconcile.min_retry_delay;
  eng.opts.max_retry = cfg.reconcile.max_retry_delay;
  eng.opts.requeue_dependency = cfg.reconcile.requeue_dependency;
  eng.opts.once = opts.once;
  eng.opts.state_dir = opts.cluster ? std::string() : cfg.local.state_dir;
  eng.opts.bucket_fetch_concurrency = cfg.reconcile.bucket_fetch_concurrency;
  eng.opts.aws_env = controller_aws_env(cfg);
  eng.opts.aws_region = cfg.aws.region;
  if (eng.opts.aws_region.empty()) {
    if (auto r = aws::env_get(eng.opts.aws_env, "AWS_REGION")) eng.opts.aws_region = *r;
    else if (auto dr = aws::env_get(eng.opts.aws_env, "AWS_DEFAULT_REGION")) eng.opts.aws_region = *dr;
  }
  eng.now = [] { return timefmt::rfc3339(std::chrono::system_clock::now()); };
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto rng_mu = std::make_shared<std::mutex>();
  eng.random01 = [rng, rng_mu] {
    std::lock_guard<std::mutex> lock(*rng_mu);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
  };
  for (const auto& [kind, cap] : cfg.reconcile.concurrent)
    eng.gates.emplace(kind, actors::spawn_gate(sys, static_cast<std::size_t>(cap)));

  // The Kubernetes client (cluster mode): through the shared HTTP client when the
  // config allows, else per-request streams (client certificates, inline CAs).
  if (opts.cluster) {
    http::client_actor kube_http;
    if (!kube::needs_stream_transport(kube_cfg)) {
      auto ho = http_options(cfg);
      ho.ca_file = kube_cfg.ca_file;
      ho.verify_tls = !kube_cfg.insecure_skip_tls_verify;
      ho.connect_to.clear();
      kube_http = http::spawn_client(sys, ho);
      d.kube_http = kube_http;
    }
    d.kube = kube::spawn_kube_client(sys, kube::client_settings{kube_cfg, cfg.kube.qps, cfg.kube.burst}, kube_http);
    eng.applier = kube::spawn_applier(sys, d.kube);
  }

  // The credential plane. ServiceAccount tokens: TokenRequest in a cluster; signed by
  // fluxaws itself in local mode when the config names an issuer and key.
  kube::sa_token_actor sa_tokens;
  if (opts.cluster) {
    sa_tokens = kube::spawn_token_request_issuer(sys, d.kube);
  } else if (!cfg.local.service_account_token_issuer.empty() && !cfg.local.service_account_token_key.empty()) {
    kube::local_sa_token_options lo;
    auto resources = eng.resources;
    lo.uid_of = [resources](const std::string& ns, const std::string& name) -> std::string {
      auto sa = resources->service_account(ns, name);
      const json::value* uid = sa ? sa->at({"metadata", "uid"}) : nullptr;
      return uid ? uid->as_string() : std::string();
    };
    auto issuer = kube::spawn_local_sa_token_issuer(sys, cfg.local.service_account_token_issuer,
                                                    cfg.local.service_account_token_key, lo);
    if (!issuer) return make_error("config", "local.serviceAccountTokenKey: " + issuer.error().message);
    sa_tokens = *issuer;
  }
  d.sa_tokens = sa_tokens;
  actors::identity_options io;
  io.object_level_identity = eng.opts.object_level_identity;
  io.default_service_account = cfg.lockdown.default_service_account;
  io.default_decryption_service_account = cfg.lockdown.default_decryption_service_account;
  io.token_cache_max_size = static_cast<std::size_t>(std::max(0, cfg.token_cache.max_size));
  io.token_cache_max_duration = std::chrono::duration_cast<std::chrono::seconds>(cfg.token_cache.max_duration);
  io.reuse_fraction = cfg.token_cache.refresh_at;
  io.background_refresh = cfg.token_cache.background_refresh;
  io.serialize_misses = cfg.token_cache.serialize_misses;
  io.idle_timeout = cfg.token_cache.idle_timeout;
  io.env = eng.opts.aws_env;
  io.default_region = eng.opts.aws_region;
  char hostname[256] = {0};
  if (::gethostname(hostname, sizeof hostname - 1) == 0) io.hostname = hostname;
  if (auto st = actors::check_identity_options(io); !st) return make_error("config", st.error().message);
  eng.identities = actors::spawn_identity_registry(sys, io, eng.resources, eng.http, sa_tokens);

  // Status goes to files (local) or to the API's status subresource (cluster).
  if (opts.cluster) {
    char pod[256] = {0};
    std::string instance = std::getenv("POD_NAME") ? std::getenv("POD_NAME") : "";
    if (instance.empty() && ::gethostname(pod, sizeof pod - 1) == 0) instance = pod;
    d.events = kube::spawn_event_recorder(sys, d.kube, kube::event_recorder_options{"fluxaws", instance});
    d.sink = actors::spawn_cluster_status_sink(sys, actors::cluster_status_sink_options{d.kube, d.events});
  } else {
    d.sink = actors::spawn_local_status_sink(sys, state_dir, eng.pool);
  }
  actors::supervisor_config sc;
  sc.eng = d.eng;
  sc.sink = d.sink;
  sc.kinds = make_kind_factories(cfg);
  sc.assign_generations = !opts.cluster;
  d.supervisor = actors::spawn_supervisor(sys, std::move(sc));
  d.storage_root = storage_root;
  if (auto st = host->start_observability(); !st) return st.error();

  if (!opts.cluster) {
    d.source = kube::spawn_directory_source(sys, cfg.local.objects_dir,
                                            caf::actor_cast<kube::change_sink_actor>(d.supervisor),
                                            cfg.local.poll_interval);
    log::info("fluxaws started", {{"mode", "local"},
                                  {"objects", cfg.local.objects_dir},
                                  {"stateDir", cfg.local.state_dir},
                                  {"storageAddr", d.server->local_address()},
                                  {"schedulerThreads", std::to_string(threads)}});
    return host;
  }

  // Cluster mode: the runtime namespace, then the watch — at once, or once elected.
  const char* rns = std::getenv("RUNTIME_NAMESPACE");
  d.runtime_namespace = rns && *rns ? rns : kube_cfg.default_namespace;
  log::info("fluxaws started", {{"mode", "cluster"},
                                {"kube", kube_cfg.origin},
                                {"namespace", cfg.watch.all_namespaces ? std::string("(all)") : d.runtime_namespace},
                                {"labelSelector", cfg.watch.label_selector},
                                {"storageAddr", d.server->local_address()},
                                {"schedulerThreads", std::to_string(threads)}});
  if (cfg.kube.leader_election) {
    auto leadership = d.leadership;
    d.leader_listener = sys.spawn([leadership](caf::event_based_actor* self) -> caf::behavior {
      (void)self;
      return {[leadership](kube::leader_atom, bool leading) { leadership->store(leading ? 1 : -1); }};
    });
    kube::election_params ep;
    ep.ns = d.runtime_namespace;
    ep.name = kube::lease_name("fluxaws-leader-election", cfg.watch.label_selector);
    ep.identity = kube::default_identity();
    ep.lease_duration = std::chrono::duration_cast<std::chrono::seconds>(cfg.kube.lease_duration);
    ep.renew_deadline = std::chrono::duration_cast<std::chrono::seconds>(cfg.kube.renew_deadline);
    ep.retry_period = std::chrono::duration_cast<std::chrono::seconds>(cfg.kube.retry_period);
    d.elector = kube::spawn_leader_elector(sys, d.kube, ep, d.leader_listener);
    log::info("waiting for leadership", {{"lease", d.runtime_namespace + "/" + ep.name}, {"identity", ep.identity}});
  } else {
    host->start_watch();
  }
  return host;
}

void engine_host::start_watch() {
  auto& d = *impl_;
  if (d.source) return;
  const auto& cfg = d.opts.cfg;
  kube::watch_source_options wo;
  wo.ns = cfg.watch.all_namespaces ? std::string() : d.runtime_namespace;
  wo.label_selector = cfg.watch.label_selector;
  for (const auto& sa : {cfg.lockdown.default_service_account, cfg.lockdown.default_decryption_service_account})
    if (!sa.empty()) wo.default_service_accounts.push_back(sa);
  d.source = kube::spawn_watch_source(*d.sys, d.kube, caf::actor_cast<kube::change_sink_actor>(d.supervisor), wo);
}

int engine_host::leadership() const { return impl_->leadership->load(); }

status engine_host::start_observability() {
  auto& d = *impl_;
  const auto& cfg = d.opts.cfg;
  auto& m = metrics::registry::global();
  m.describe("gotk_reconcile_duration_seconds", metrics::type::histogram,
             "The duration in seconds of a gitops toolkit resource reconciliation.");
  m.describe("fluxaws_objects", metrics::type::gauge, "Flux objects by kind and Ready status.");
  m.describe("fluxaws_reconciles_total", metrics::type::counter, "Finished reconciles by kind and result.");
  m.describe("fluxaws_aws_calls_total", metrics::type::counter, "AWS calls by service, operation and outcome.");
  m.describe("fluxaws_http_requests_in_flight", metrics::type::gauge, "HTTP requests in flight.");
  m.describe("fluxaws_http_requests_total", metrics::type::gauge, "HTTP requests sent.");
  m.describe("fluxaws_http_connections_opened_total", metrics::type::gauge, "TCP connections opened.");
  m.describe("fluxaws_http_connections_reused_total", metrics::type::gauge, "Requests served on a kept-alive connection.");
  m.describe("fluxaws_actor_mailbox_depth", metrics::type::gauge, "Messages waiting in a key actor's mailbox.");
  m.describe("fluxaws_artifact_storage_bytes", metrics::type::gauge, "Bytes of artifacts in storage.");
  auto* self = this;
  observe_handler metrics_handler = [](const std::string& path) {
    if (path == "/metrics")
      return observe_reply{200, "text/plain; version=0.0.4; charset=utf-8", metrics::registry::global().render()};
    return observe_reply{404, "text/plain; charset=utf-8", "not found\n"};
  };
  observe_handler health_handler = [self](const std::string& path) {
    if (path == "/healthz") return observe_reply{200, "text/plain; charset=utf-8", "ok\n"};
    if (path == "/readyz") {
      bool ok = self->impl_->ready();
      return observe_reply{ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n"};
    }
    return observe_reply{404, "text/plain; charset=utf-8", "not found\n"};
  };
  bool same = cfg.observe.metrics_addr == cfg.observe.health_addr;
  if (!cfg.observe.metrics_addr.empty() && cfg.observe.metrics_addr != "0") {
    observe_handler h = metrics_handler;
    if (same)
      h = [metrics_handler, health_handler](const std::string& path) {
        return path == "/metrics" ? metrics_handler(path) : health_handler(path);
      };
    auto srv = observe_server::start(cfg.observe.metrics_addr, h, "metrics");
    if (!srv) return srv.error();
    d.metrics_server = std::move(*srv);
  }
  if (!same && !cfg.observe.health_addr.empty() && cfg.observe.health_addr != "0") {
    auto srv = observe_server::start(cfg.observe.health_addr, health_handler, "health");
    if (!srv) return srv.error();
    d.health_server = std::move(*srv);
  }
  log::info("observability", {{"metricsAddr", d.metrics_server ? d.metrics_server->local_address() : "off"},
                              {"healthAddr", d.health_server ? d.health_server->local_address()
                                             : same && d.metrics_server ? d.metrics_server->local_address()
                                                                        : "off"}});
  return {};
}

void engine_host::refresh() {
  auto& d = *impl_;
  auto s = summary();
  d.synced.store(s.source_synced);
  caf::scoped_actor self{*d.sys};
  self->request(d.eng->http, 5s, http::stats_atom::value)
      .receive(
          [](http::client_stats& st) {
            auto& m = metrics::registry::global();
            m.gauge_set("fluxaws_http_requests_in_flight", {}, static_cast<double>(st.in_flight));
            m.gauge_set("fluxaws_http_requests_total", {}, static_cast<double>(st.requests_total));
            m.gauge_set("fluxaws_http_connections_opened_total", {}, static_cast<double>(st.connections_opened));
            m.gauge_set("fluxaws_http_connections_reused_total", {}, static_cast<double>(st.connections_reused));
          },
          [](caf::error&) {});
  if (d.eng->storage)
    metrics::registry::global().gauge_set("fluxaws_artifact_storage_bytes", {},
                                          static_cast<double>(d.eng->storage->bytes_stored()));
}

actors::engine_summary engine_host::summary() {
  actors::engine_summary out;
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->supervisor, 10s, actors::summary_atom::value)
      .receive([&](actors::engine_summary& s) { out = s; }, [](caf::error&) {});
  return out;
}

void engine_host::flush() {
  caf::scoped_actor self{*impl_->sys};
  self->request(impl_->sink, 60s, actors::flush_atom::value).receive([](bool) {}, [](caf::error&) {});
}

std::vector<json::value> engine_host::statuses(const std::string& kind) const {
  if (impl_->opts.cluster) return {};
  return actors::read_statuses(impl_->opts.cfg.local.state_dir, kind);
}

std::string engine_host::artifact_address() const { return impl_->server ? impl_->server->local_address() : ""; }

void engine_host::shutdown() {
  auto& d = *impl_;
  if (d.stopped || !d.sys) return;
  d.stopped = true;
  if (d.source) caf::anon_send_exit(d.source, caf::exit_reason::user_shutdown);
  caf::anon_send(d.supervisor, actors::shutdown_atom::value);
  flush();
  caf::anon_send_exit(d.sink, caf::exit_reason::user_shutdown);
  if (d.elector) {
    caf::scoped_actor self{*d.sys};
    self->request(d.elector, 10s, kube::resign_atom::value).receive([](bool) {}, [](caf::error&) {});
    caf::anon_send_exit(d.elector, caf::exit_reason::user_shutdown);
  }
  for (auto a : {caf::actor_cast<caf::actor>(d.events), caf::actor_cast<caf::actor>(d.kube),
                 caf::actor_cast<caf::actor>(d.kube_http), d.leader_listener,
                 caf::actor_cast<caf::actor>(d.sa_tokens)})
    if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  auto& eng = *d.eng;
  if (eng.applier) caf::anon_send_exit(eng.applier, caf::exit_reason::user_shutdown);
  if (eng.identities) caf::anon_send_exit(eng.identities, caf::exit_reason::user_shutdown);
  for (auto& [kind, g] : eng.gates) caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  aws::uninstall_call_policy();  // calls waiting for a token are answered and go ahead
  if (d.call_limiter) caf::anon_send_exit(d.call_limiter, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng.http, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng.pool, caf::exit_reason::user_shutdown);
  d.sys->await_all_actors_done();
  if (d.server) d.server->stop();
  if (d.metrics_server) d.metrics_server->stop();
  if (d.health_server) d.health_server->stop();
}

}  // namespace fluxaws::runtime
