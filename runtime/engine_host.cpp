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
#include "adapters/aws/env.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/time.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/directory_source.hpp"
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

  if (opts.cluster) return make_error("usage", "cluster mode is not available in this build yet; use --objects DIR");

  // Storage.
  fs::path state_dir = cfg.local.state_dir;
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  if (ec) return make_error("io", "cannot create the state directory " + state_dir.string() + ": " + ec.message());
  fs::path storage_root = cfg.storage.path.empty() ? state_dir / "artifacts" : fs::path(cfg.storage.path);

  artifact_server_options so;
  so.address = cfg.storage.addr;
  so.root = storage_root;
  fs::create_directories(storage_root, ec);
  auto server = artifact_server::start(so);
  if (!server) return make_error("storage", "artifact server on " + cfg.storage.addr + ": " + server.error().message);
  d.server = std::move(*server);
  std::string adv = cfg.storage.adv_addr;
  if (adv.empty()) {
    auto a = advertised_address(d.server->local_address());
    adv = a ? *a : d.server->local_address();
  }
  storage_options sto;
  sto.root = storage_root;
  sto.advertised_address = adv;
  sto.retention_ttl = cfg.storage.artifact_retention_ttl;
  sto.retention_records = cfg.storage.artifact_retention_records;
  auto storage = artifact_storage::open(sto);
  if (!storage) return make_error("storage", storage.error().message);

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
  eng.opts.state_dir = cfg.local.state_dir;
  eng.opts.bucket_fetch_concurrency = cfg.reconcile.bucket_fetch_concurrency;
  eng.opts.aws_env = controller_aws_env(cfg);
  eng.opts.aws_region = cfg.aws.region;
  if (eng.opts.aws_region.empty()) {
    if (auto r = aws::env_get(eng.opts.aws_env, "AWS_REGION")) eng.opts.aws_region = *r;
    else if (auto d = aws::env_get(eng.opts.aws_env, "AWS_DEFAULT_REGION")) eng.opts.aws_region = *d;
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

  d.sink = actors::spawn_local_status_sink(sys, state_dir, eng.pool);
  actors::supervisor_config sc;
  sc.eng = d.eng;
  sc.sink = d.sink;
  sc.kinds = make_kind_factories(cfg);
  sc.assign_generations = true;
  d.supervisor = actors::spawn_supervisor(sys, std::move(sc));
  d.storage_root = storage_root;
  if (auto st = host->start_observability(); !st) return st.error();
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
  return actors::read_statuses(impl_->opts.cfg.local.state_dir, kind);
}

std::string engine_host::artifact_address() const { return impl_->server ? impl_->server->local_address() : ""; }

void engine_host::shutdown() {
  auto& d = *impl_;
  if (d.stopped || !d.sys) return;
  d.stopped = true;
  caf::anon_send_exit(d.source, caf::exit_reason::user_shutdown);
  caf::anon_send(d.supervisor, actors::shutdown_atom::value);
  flush();
  caf::anon_send_exit(d.sink, caf::exit_reason::user_shutdown);
  auto& eng = *d.eng;
  if (eng.identities) caf::anon_send_exit(eng.identities, caf::exit_reason::user_shutdown);
  for (auto& [kind, g] : eng.gates) caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng.http, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng.pool, caf::exit_reason::user_shutdown);
  d.sys->await_all_actors_done();
  if (d.server) d.server->stop();
  if (d.metrics_server) d.metrics_server->stop();
  if (d.health_server) d.health_server->stop();
}

}  // namespace fluxaws::runtime
