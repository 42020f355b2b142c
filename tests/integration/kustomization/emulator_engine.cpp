#include "emulator_engine.hpp"

#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "actors/blocking_pool.hpp"
#include "actors/bucket_reconciler.hpp"
#include "actors/identity_registry.hpp"
#include "actors/kustomization_reconciler.hpp"
#include "actors/supervisor.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/env.hpp"
#include "adapters/aws/kms.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"
#include "runtime/artifact_server.hpp"
#include "runtime/artifact_storage.hpp"
#include "runtime/config.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

namespace ks_itest {

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

aws::credentials ci_credentials() {
  return aws::credentials{"AKIACONFORMANCE00001", "conformance/Secret+Key/00001", "", std::nullopt, "static"};
}

// ---- emulator ------------------------------------------------------------------------------

struct emulator::impl {
  emu::harness::emulator_process proc;
  explicit impl(const emu::harness::emulator_options& o) : proc(o) {}
};

emulator::emulator() {
  emu::harness::emulator_options o;
  o.binary = FLUXAWS_EMULATOR_BIN;
  o.world = std::string(FLUXAWS_EMULATOR_DIR) + "/worlds/conformance.yaml";
  o.extra_args = {"--no-registry"};
  o.ready_timeout = std::chrono::seconds(120);
  impl_ = std::make_unique<impl>(o);
}

emulator::~emulator() = default;

emulator& emulator::get() {
  static emulator e;
  return e;
}

unsigned short emulator::port() const { return impl_->proc.port(); }
std::string emulator::state_dir() const { return impl_->proc.state_dir(); }
std::string emulator::config_file() const { return impl_->proc.state_dir() + "/fluxaws.yaml"; }

// ---- engine --------------------------------------------------------------------------------

namespace {

struct collected {
  std::mutex mu;
  std::map<std::string, json::value> latest;
  std::map<std::string, bool> settled;
};

struct sink_state {
  std::shared_ptr<collected> c;
};

status_sink_actor::behavior_type collecting_sink(status_sink_actor::stateful_pointer<sink_state> self,
                                                 std::shared_ptr<collected> c) {
  self->state.c = std::move(c);
  return {
      [self](status_atom, status_report& r) {
        auto& c = *self->state.c;
        std::lock_guard<std::mutex> lock(c.mu);
        if (r.deleted) return;
        std::string k = r.key.kind + "/" + r.key.ns + "/" + r.key.name;
        c.latest[k] = r.object;
        c.settled[k] = r.settled;
      },
      [](flush_atom) { return true; },
  };
}

std::string ready_field(const json::value& obj, const std::string& field) {
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return "";
  for (const auto& c : conds->as_array())
    if (c.find("type") && c.find("type")->as_string() == "Ready")
      return c.find(field) ? c.find(field)->as_string() : "";
  return "";
}

std::string temp_dir(const std::string& stem) {
  std::string tmpl = (fs::temp_directory_path() / (stem + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return buf.data();
}

}  // namespace

struct engine_world::impl {
  std::ostringstream log;
  std::string state, storage;
  runtime::config cfg;
  caf::actor_system_config caf_cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<runtime::artifact_server> server;
  std::shared_ptr<engine> eng;
  std::shared_ptr<collected> c = std::make_shared<collected>();
  status_sink_actor sink;
  supervisor_actor sup;
  kube::sa_token_actor sa_tokens;
  bool stopped = false;

  http::response call(http::request req) {
    caf::scoped_actor self{*sys};
    http::response out;
    out.fail = http::failure::other;
    self->request(eng->http, req.timeout + 5s, http::request_atom::value, std::move(req))
        .receive([&](http::response& r) { out = std::move(r); }, [&](caf::error& e) { out.error = sys->render(e); });
    return out;
  }

  http::response signed_call(const aws::service_request& sreq) {
    return call(aws::sign_request(sreq, ci_credentials(), std::chrono::system_clock::now(), 20s));
  }

  aws::endpoint kms_endpoint(const std::string& region) {
    auto ep = aws::resolve_endpoint(aws::service::kms, region,
                                    aws::endpoint_settings_from_env(eng->opts.aws_env, aws::service::kms));
    BOOST_REQUIRE(ep.ok());
    return *ep;
  }

  void send(const std::string& yaml, kube::object_change::type t) {
    auto docs = yamljson::parse_yaml_all(yaml);
    BOOST_REQUIRE_MESSAGE(docs.ok(), "bad test YAML");
    for (auto& d : *docs)
      if (!d.is_null()) caf::anon_send(sup, change_atom::value, kube::object_change{t, kube::key_of(d), d});
  }
};

engine_world::engine_world() : engine_world(options{}) {}

engine_world::engine_world(options o) : impl_(std::make_unique<impl>()) {
  auto& d = *impl_;
  auto& emu = emulator::get();
  log::configure(log::level::debug, true, &d.log);
  d.state = temp_dir("fluxaws-ks-itest-state");
  d.storage = d.state + "/artifacts";
  auto cfg = runtime::load_config(emu.config_file());
  BOOST_REQUIRE_MESSAGE(cfg.ok(), "emulator config: " << (cfg.ok() ? "" : cfg.error().message));
  d.cfg = *cfg;

  d.caf_cfg.set("scheduler.max-threads", 2);
  d.sys = std::make_unique<caf::actor_system>(d.caf_cfg);
  http::global_init();

  runtime::artifact_server_options so;
  so.address = "127.0.0.1:0";
  so.root = d.storage;
  fs::create_directories(d.storage);
  auto server = runtime::artifact_server::start(so);
  BOOST_REQUIRE(server.ok());
  d.server = std::move(*server);
  runtime::storage_options sto;
  sto.root = d.storage;
  sto.advertised_address = d.server->local_address();
  auto storage = runtime::artifact_storage::open(sto);
  BOOST_REQUIRE(storage.ok());

  d.eng = std::make_shared<engine>();
  auto& eng = *d.eng;
  eng.storage = std::shared_ptr<artifact_store>(std::move(*storage));
  eng.pool = spawn_blocking_pool(*d.sys, 2);
  http::client_options ho;
  ho.ca_file = d.cfg.http.ca_file;
  ho.connect_to = d.cfg.http.connect_to;
  eng.http = http::spawn_client(*d.sys, ho);
  eng.opts.object_level_identity = o.object_level_identity;
  eng.opts.sops_verify_mac = o.verify_mac;
  eng.opts.state_dir = d.state;
  eng.opts.min_retry = 30s;  // a failure is looked at, not retried under the test
  eng.opts.max_retry = 30s;
  eng.opts.aws_env = aws::process_env();
  for (const auto& [k, v] : d.cfg.aws.env) eng.opts.aws_env[k] = v;
  eng.opts.aws_env["AWS_REGION"] = d.cfg.aws.region;
  eng.opts.aws_region = d.cfg.aws.region;
  eng.now = [] { return timefmt::rfc3339(std::chrono::system_clock::now()); };

  auto issuer = kube::spawn_local_sa_token_issuer(*d.sys, d.cfg.local.service_account_token_issuer,
                                                  d.cfg.local.service_account_token_key);
  BOOST_REQUIRE_MESSAGE(issuer.ok(), "token issuer: " << (issuer.ok() ? "" : issuer.error().message));
  d.sa_tokens = *issuer;
  identity_options io;
  io.object_level_identity = o.object_level_identity;
  io.env = eng.opts.aws_env;
  io.default_region = d.cfg.aws.region;
  io.hostname = "fluxaws-itest";
  eng.identities = spawn_identity_registry(*d.sys, io, eng.resources, eng.http, d.sa_tokens);

  d.sink = d.sys->spawn(collecting_sink, d.c);
  supervisor_config sc;
  sc.eng = d.eng;
  sc.sink = d.sink;
  sc.kinds.emplace("Bucket", [] { return make_bucket_reconciler(); });
  sc.kinds.emplace("Kustomization", [] { return make_kustomization_reconciler(); });
  d.sup = spawn_supervisor(*d.sys, std::move(sc));
  // Each test applies its objects sources first; lookups need not wait for a listing.
  caf::anon_send(d.sup, sync_atom::value);
}

engine_world::~engine_world() {
  stop();
  std::error_code ec;
  fs::remove_all(impl_->state, ec);
}

void engine_world::stop() {
  auto& d = *impl_;
  if (d.stopped) return;
  d.stopped = true;
  caf::anon_send(d.sup, shutdown_atom::value);
  caf::anon_send_exit(d.sink, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(d.eng->identities, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(d.sa_tokens, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(d.eng->http, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(d.eng->pool, caf::exit_reason::user_shutdown);
  d.sys->await_all_actors_done();
  d.server->stop();
  log::configure(log::level::info, true, &std::cerr);
}

std::string engine_world::log_text() {
  stop();
  return impl_->log.str();
}

void engine_world::apply(const std::string& yaml) { impl_->send(yaml, kube::object_change::type::added); }
void engine_world::apply_modified(const std::string& yaml) { impl_->send(yaml, kube::object_change::type::modified); }

bool engine_world::settled_with(const std::string& key, const std::string& reason, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard<std::mutex> lock(impl_->c->mu);
      auto it = impl_->c->latest.find(key);
      if (it != impl_->c->latest.end() && impl_->c->settled[key] && ready_field(it->second, "reason") == reason)
        return true;
    }
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST_MESSAGE(key << " did not settle with " << reason << "; last: " << json::dump(latest(key)));
  return false;
}

json::value engine_world::latest(const std::string& key) {
  std::lock_guard<std::mutex> lock(impl_->c->mu);
  return impl_->c->latest[key];
}

std::string engine_world::ready(const std::string& key, const std::string& field) {
  return ready_field(latest(key), field);
}

std::string engine_world::state_dir() const { return impl_->state; }

void engine_world::put_object(const std::string& bucket, const std::string& region, const std::string& key,
                              const std::string& body) {
  auto b = aws::resolve_s3_bucket(region, bucket,
                                  aws::endpoint_settings_from_env(impl_->eng->opts.aws_env, aws::service::s3));
  BOOST_REQUIRE(b.ok());
  auto r = impl_->signed_call(aws::s3::put_object_request(*b, key, body, "application/x-yaml"));
  BOOST_REQUIRE_MESSAGE(r.ok() && r.status == 200, "PutObject " << key << ": " << r.status << " " << r.error << r.body);
}

data_key engine_world::generate_data_key(const std::string& key_arn, const std::string& region,
                                         const std::vector<std::pair<std::string, std::string>>& context) {
  aws::kms::generate_data_key_params p;
  p.key_id = key_arn;
  p.context = context;
  p.key_spec = "AES_256";
  auto r = impl_->signed_call(aws::kms::generate_data_key_request(impl_->kms_endpoint(region), p));
  auto parsed = aws::kms::parse_generate_data_key(r);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), "GenerateDataKey: " << (parsed.ok() ? "" : parsed.error().to_string()));
  return data_key{parsed->plaintext, parsed->ciphertext_blob};
}

std::string engine_world::encrypt(const std::string& key_arn, const std::string& region, const std::string& plaintext,
                                  const std::vector<std::pair<std::string, std::string>>& context) {
  aws::kms::encrypt_params p;
  p.key_id = key_arn;
  p.plaintext = plaintext;
  p.context = context;
  auto r = impl_->signed_call(aws::kms::encrypt_request(impl_->kms_endpoint(region), p));
  auto parsed = aws::kms::parse_encrypt(r);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), "Encrypt: " << (parsed.ok() ? "" : parsed.error().to_string()));
  return parsed->ciphertext_blob;
}

long engine_world::calls(const std::string& service, const std::string& operation) {
  http::request req;
  req.url = "http://127.0.0.1:" + std::to_string(emulator::get().port()) + "/_emulator/calls";
  req.timeout = 10s;
  auto r = impl_->call(req);
  BOOST_REQUIRE(r.ok() && r.status == 200);
  auto doc = json::parse(r.body);
  BOOST_REQUIRE(doc.has_value());
  long n = 0;
  for (const auto& e : doc->as_array())
    if (e.find("service")->as_string() == service && e.find("operation")->as_string() == operation)
      n += e.find("count")->as_int();
  return n;
}

void engine_world::reset_calls() {
  http::request req;
  req.method = "POST";
  req.url = "http://127.0.0.1:" + std::to_string(emulator::get().port()) + "/_emulator/calls/reset";
  req.timeout = 10s;
  auto r = impl_->call(req);
  BOOST_REQUIRE(r.ok() && r.status / 100 == 2);
}

}  // namespace ks_itest
