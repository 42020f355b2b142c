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
  bool stopped = false;
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
}

}  // namespace fluxaws::runtime
