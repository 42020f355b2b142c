#include "tests/integration/cluster_e2e/cluster_env.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

namespace e2e {

namespace fs = std::filesystem;
using fluxaws::json::parse;
namespace testing = fluxaws::testing;

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= until) return pred();
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

temp_dir::temp_dir(const std::string& prefix) {
  std::string tmpl = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed for " + tmpl);
  path_ = buf.data();
}

temp_dir::~temp_dir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

// ---- aws_world ---------------------------------------------------------------------------

struct aws_world::impl {
  std::unique_ptr<emu::harness::emulator_process> emulator;
  testing::connection_settings conn;
};

aws_world::aws_world(const std::string& world_file) : impl_(std::make_unique<impl>()) {
  emu::harness::emulator_options o;
  o.binary = FLUXAWS_EMULATOR_BIN;
  o.world = world_file;
  o.ready_timeout = std::chrono::seconds(300);
  impl_->emulator = std::make_unique<emu::harness::emulator_process>(o);
  impl_->conn = testing::settings_from_emulator_config(config_file());
}

aws_world::~aws_world() = default;

aws_world& aws_world::conformance() {
  static aws_world world(std::string(FLUXAWS_EMULATOR_WORLDS) + "/conformance.yaml");
  return world;
}

std::string aws_world::config_file() const { return impl_->emulator->state_dir() + "/fluxaws.yaml"; }
std::string aws_world::base_url() const { return "http://127.0.0.1:" + std::to_string(impl_->emulator->port()); }
const testing::connection_settings& aws_world::conn() const { return impl_->conn; }

long aws_world::calls(const std::string& service, const std::string& operation, const std::string& principal,
                      const std::string& status) const {
  return testing::emulator_calls(base_url(), service, operation, principal, status);
}

void aws_world::reset_calls() const { testing::http_post(base_url() + "/_emulator/calls/reset", ""); }

void aws_world::put_object(const std::string& bucket, const std::string& region, const std::string& key,
                           const std::string& body, const std::string& key_id, const std::string& secret) const {
  auto ep = fluxaws::aws::resolve_s3_bucket(region, bucket, {});
  BOOST_REQUIRE(ep.ok());
  fluxaws::aws::credentials creds;
  creds.access_key_id = key_id;
  creds.secret_access_key = secret;
  auto r = testing::send_signed(fluxaws::aws::s3::put_object_request(*ep, key, body, "application/x-yaml"), creds,
                                impl_->conn);
  BOOST_REQUIRE_MESSAGE(r.status == 200, "PutObject " << bucket << "/" << key << ": " << r.status << " " << r.error
                                                      << r.body);
}

std::string aws_world::sops_encrypt(const std::string& manifest_yaml, const std::string& key_arn,
                                    const std::string& key_id, const std::string& secret) const {
  auto r = run({FLUXAWS_SOPS_FIXTURE_BIN, "--emulator-config", config_file(), "--key-arn", key_arn,
                "--access-key-id", key_id, "--secret-access-key", secret},
               60s, manifest_yaml);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "fluxaws-sops-fixture failed: " << r.err);
  BOOST_REQUIRE(r.out.find("ENC[AES256_GCM") != std::string::npos);
  return r.out;
}

// ---- api_server --------------------------------------------------------------------------

namespace {

std::string kubectl_binary() {
  const char* k = std::getenv("KUBECTL");
  if (!k || !*k || !fs::exists(k)) {
    BOOST_FAIL("kubectl is required for the cluster e2e tests and was not found at configure time "
               "(KUBECTL is empty); install kubectl v1.32 and re-run cmake");
  }
  return k;
}

}  // namespace

api_server::api_server() {
  kstand::harness::standin_options o;
  o.extra_args = {"--issuer", "https://oidc.conformance.local", "--signing-key",
                  std::string(FLUXAWS_EMULATOR_WORLDS) + "/conformance-oidc.key", "--bookmark-interval-ms", "2000"};
  standin_ = std::make_unique<kstand::harness::standin_process>(o);
  const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
  BOOST_REQUIRE_MESSAGE(shared && *shared, "FLUXAWS_SHARED_DIR is not set (run through ctest)");
  auto r = kubectl({"apply", "--validate=false", "-f", std::string(shared) + "/testdata/flux-crds/"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "kubectl apply of Flux's CRDs failed: " << r.err);
  // The namespace fluxaws runs in (RUNTIME_NAMESPACE): its Leases and Events.
  apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n");
}

api_server::~api_server() = default;

run_result api_server::kubectl(const std::vector<std::string>& args, const std::string& stdin_text,
                               std::chrono::seconds limit) {
  std::vector<std::string> argv{kubectl_binary(), "--kubeconfig", kubeconfig(), "--request-timeout=30s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, limit, stdin_text);
}

void api_server::apply(const std::string& yaml) {
  auto r = kubectl({"apply", "--validate=false", "-f", "-"}, yaml);
  // kubectl's answer only: the manifests may hold Secrets' values.
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "kubectl apply failed: " << r.err);
}

void api_server::remove(const std::string& resource, const std::string& ns, const std::string& name) {
  auto r = kubectl({"-n", ns, "delete", resource, name, "--wait=false"});
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, "kubectl delete " << resource << "/" << name << " failed: " << r.err);
}

std::optional<value> api_server::get(const std::string& resource, const std::string& ns, const std::string& name) {
  std::vector<std::string> args{"get", resource, name, "-o", "json"};
  if (!ns.empty()) args.insert(args.begin(), {"-n", ns});
  auto r = kubectl(args);
  if (r.exit_code != 0) {
    BOOST_REQUIRE_MESSAGE(r.err.find("NotFound") != std::string::npos || r.err.find("not found") != std::string::npos,
                          "kubectl get " << resource << "/" << name << " failed: " << r.err);
    return std::nullopt;
  }
  auto doc = parse(r.out);
  BOOST_REQUIRE_MESSAGE(doc.has_value(), "kubectl get " << resource << "/" << name << " printed no JSON ("
                                                         << r.out.size() << " bytes)");
  return doc;
}

bool api_server::wait_ready(const std::string& ns, const std::vector<std::string>& objects,
                            std::chrono::seconds limit) {
  std::vector<std::string> args{"-n", ns, "wait", "--for=condition=Ready", "--timeout=" + std::to_string(limit.count()) + "s"};
  args.insert(args.end(), objects.begin(), objects.end());
  auto r = kubectl(args, "", limit + 30s);
  if (r.exit_code != 0) BOOST_TEST_MESSAGE("kubectl wait: " << r.out << r.err);
  return r.exit_code == 0;
}

value api_server::admin(const std::string& path_and_query) {
  auto r = testing::http_post(standin_->http_url() + path_and_query, "");
  BOOST_REQUIRE_MESSAGE(r.status == 200, "POST " << path_and_query << ": " << r.status << " " << r.error << r.body);
  auto doc = parse(r.body);
  BOOST_REQUIRE(doc.has_value());
  return *doc;
}

value api_server::state() {
  auto r = testing::http_get(standin_->http_url() + "/_standin/state");
  auto doc = parse(r.body);
  BOOST_REQUIRE_MESSAGE(doc.has_value(), "the stand-in's state: " << r.status << " " << r.error);
  return *doc;
}

// ---- replica -----------------------------------------------------------------------------

replica::replica(api_server& api, const aws_world& aws, const std::string& dir, replica_options opts)
    : dir_(dir + "/" + opts.name), storage_(dir_ + "/storage"), err_file_(dir_ + "/stderr.log") {
  fs::create_directories(storage_);
  std::vector<std::string> argv{FLUXAWS_BIN,
                                "run",
                                "--config",
                                aws.config_file(),
                                "--kubeconfig",
                                api.kubeconfig(),
                                // The tenants' namespaces, not only RUNTIME_NAMESPACE (Flux's default).
                                "--watch-all-namespaces",
                                "--feature-gates=ObjectLevelWorkloadIdentity=true",
                                "--storage-path",
                                storage_,
                                "--storage-addr",
                                "127.0.0.1:0",
                                "--metrics-addr",
                                "127.0.0.1:0",
                                "--health-addr",
                                "0",
                                "--requeue-dependency",
                                "2s"};
  if (opts.leader_election) argv.push_back("--enable-leader-election");
  if (!opts.label_selector.empty()) argv.push_back("--watch-label-selector=" + opts.label_selector);
  argv.insert(argv.end(), opts.args.begin(), opts.args.end());
  std::vector<std::string> env{"RUNTIME_NAMESPACE=flux-system", "POD_NAME=" + opts.name};
  env.insert(env.end(), opts.env.begin(), opts.env.end());
  proc_ = std::make_unique<process>(argv, std::move(env), dir_ + "/stdout.log", err_file_);
}

replica::~replica() {
  if (proc_) proc_->stop();
}

std::string replica::logs() const { return read_file(err_file_); }

std::string replica::log_tail(std::size_t lines) const {
  auto text = logs();
  std::size_t pos = text.size();
  for (std::size_t n = 0; n <= lines && pos > 0; ++n) {
    auto p = text.rfind('\n', pos - 1);
    if (p == std::string::npos) {
      pos = 0;
      break;
    }
    pos = p;
  }
  return text.substr(pos);
}

std::vector<value> replica::log_lines(const std::string& msg) const {
  std::vector<value> out;
  std::stringstream ss(logs());
  std::string line;
  while (std::getline(ss, line)) {
    auto doc = parse(line);
    if (!doc || !doc->is_object()) continue;
    const value* m = doc->find("msg");
    if (m && m->is_string() && m->as_string() == msg) out.push_back(std::move(*doc));
  }
  return out;
}

std::optional<value> replica::wait_log(const std::string& msg, std::chrono::milliseconds limit) const {
  std::optional<value> found;
  wait_until(
      [&] {
        auto lines = log_lines(msg);
        if (!lines.empty()) found = lines.front();
        return found.has_value();
      },
      limit);
  return found;
}

std::string replica::identity() const {
  auto line = wait_log("waiting for leadership", 30s);
  if (!line) return "";
  const value* id = line->find("identity");
  return id ? id->as_string() : "";
}

std::string replica::metrics_address() {
  if (!metrics_addr_.empty()) return metrics_addr_;
  auto line = wait_log("observability", 60s);
  if (line)
    if (const value* a = line->find("metricsAddr")) metrics_addr_ = a->as_string();
  return metrics_addr_;
}

std::map<std::string, double> replica::metrics() {
  std::map<std::string, double> out;
  auto addr = metrics_address();
  if (addr.empty() || !proc_->running()) return out;
  auto r = testing::http_get("http://" + addr + "/metrics");
  if (r.status != 200) return out;
  std::stringstream ss(r.body);
  std::string line;
  while (std::getline(ss, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    try {
      out[line.substr(0, sp)] = std::stod(line.substr(sp + 1));
    } catch (const std::exception&) {
    }
  }
  return out;
}

double replica::reconciles(const std::string& kind, const std::string& ns, const std::string& name) {
  auto m = metrics();
  auto it = m.find("gotk_reconcile_duration_seconds_count{kind=\"" + kind + "\",name=\"" + name + "\",namespace=\"" +
                   ns + "\"}");
  return it == m.end() ? 0 : it->second;
}

std::vector<std::string> replica::reconciled_objects() {
  std::vector<std::string> out;
  const std::string prefix = "gotk_reconcile_duration_seconds_count{";
  for (const auto& [series, v] : metrics()) {
    if (series.rfind(prefix, 0) != 0 || v <= 0) continue;
    auto label = [&](const std::string& key) {
      auto p = series.find(key + "=\"");
      if (p == std::string::npos) return std::string();
      p += key.size() + 2;
      return series.substr(p, series.find('"', p) - p);
    };
    out.push_back(label("kind") + "/" + label("namespace") + "/" + label("name"));
  }
  return out;
}

// ---- object fields -----------------------------------------------------------------------

std::string condition(const value& obj, const std::string& type, const std::string& field) {
  const value* conds = obj.at({"status", "conditions"});
  if (!conds || !conds->is_array()) return "";
  for (const auto& c : conds->as_array()) {
    const value* t = c.find("type");
    if (!t || t->as_string() != type) continue;
    const value* f = c.find(field);
    if (!f) return "";
    return f->is_string() ? f->as_string() : std::to_string(f->as_int());
  }
  return "";
}

int64_t generation(const value& obj) {
  const value* g = obj.at({"metadata", "generation"});
  return g ? g->as_int() : 0;
}

int64_t observed_generation(const value& obj) {
  const value* g = obj.at({"status", "observedGeneration"});
  return g ? g->as_int() : -1;
}

}  // namespace e2e
