// The Kustomization reconciler inside the real object actors and supervisor, with
// fakes for its peers: a source kind whose artifact the test chooses, an HTTP client
// that serves artifacts and answers KMS Decrypt from a table (counting calls and
// checking the caller's key and encryption context), and an identity registry.
// The log goes to a buffer the tests search for plaintexts and data keys.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "actors/blocking_pool.hpp"
#include "actors/kustomization_reconciler.hpp"
#include "actors/object_actor.hpp"
#include "actors/supervisor.hpp"
#include "adapters/kube/applier.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/archive/tar_gz_writer.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/yaml_json.hpp"
#include "fixtures.hpp"
#include "support.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const std::string kArnA = "arn:aws:kms:us-east-1:111122223333:key/0b6b0a2e-5a3c-4c1e-9a57-1f3a5c7e9a01";
const std::string kArnB = "arn:aws:kms:eu-west-1:111122223333:key/7d2f4e6a-8b1c-4d3e-a5f7-2c4e6a8b0d02";
const std::string kArtifactHost = "http://artifacts.test/";
const std::string kAccessKey = "AKIAFAKEKUSTOMIZE001";

// ---- the fakes' shared state ------------------------------------------------------------

struct kms_key_entry {
  std::string plaintext;
  std::vector<std::pair<std::string, std::string>> context;
  bool denied = false;
};

struct world {
  std::mutex mu;
  std::map<std::string, std::string> artifacts;        // URL -> bytes
  std::map<std::string, kms_key_entry> kms;            // ciphertext blob -> entry
  std::map<std::string, int> kms_calls;                // operation -> count
  std::vector<credential_request> credential_asks;
  std::map<std::string, json::value> latest;           // "Kind/name" -> object with status
  std::map<std::string, bool> settled;
  std::map<std::string, bool> deleted;
  std::vector<kube::apply_request> applies;  // what the fake cluster applier received
  std::string apply_error;                    // non-empty: the applier refuses with it

  int kms_decrypts() {
    std::lock_guard<std::mutex> lock(mu);
    return kms_calls["Decrypt"];
  }
};

http::response json_answer(int status, const std::string& body, const std::string& error_type = "") {
  http::response r;
  r.status = status;
  r.body = body;
  r.body_size = body.size();
  r.headers.emplace_back("content-type", "application/x-amz-json-1.1");
  if (!error_type.empty()) r.headers.emplace_back("x-amzn-errortype", error_type);
  return r;
}

http::response kms_decrypt(world& w, const http::request& req) {
  std::lock_guard<std::mutex> lock(w.mu);
  ++w.kms_calls["Decrypt"];
  std::string auth;
  for (const auto& [k, v] : req.headers)
    if (k == "Authorization") auth = v;
  if (auth.find("Credential=" + kAccessKey + "/") == std::string::npos)
    return json_answer(400, R"({"__type":"UnrecognizedClientException","message":"The security token is invalid."})",
                       "UnrecognizedClientException");
  auto body = json::parse(req.body);
  if (!body) return json_answer(400, R"({"__type":"SerializationException"})", "SerializationException");
  auto blob = enc::unbase64(body->find("CiphertextBlob") ? body->find("CiphertextBlob")->as_string() : "");
  auto it = blob ? w.kms.find(*blob) : w.kms.end();
  if (it == w.kms.end())
    return json_answer(400, R"({"__type":"InvalidCiphertextException","message":null})", "InvalidCiphertextException");
  if (it->second.denied)
    return json_answer(400,
                       R"({"__type":"AccessDeniedException","message":"User: arn:aws:iam::111122223333:user/ci is not )"
                       R"(authorized to perform: kms:Decrypt on resource: )" + kArnB + R"("})",
                       "AccessDeniedException");
  std::vector<std::pair<std::string, std::string>> ctx;
  if (const json::value* c = body->find("EncryptionContext"))
    for (const auto& [k, v] : c->as_object()) ctx.emplace_back(k, v.as_string());
  if (ctx != it->second.context)
    return json_answer(400, R"({"__type":"InvalidCiphertextException","message":null})", "InvalidCiphertextException");
  json::value out = json::value::make_object();
  out["KeyId"] = kArnA;
  out["Plaintext"] = enc::base64(it->second.plaintext);
  out["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
  return json_answer(200, json::dump(out));
}

http::response artifact(world& w, const http::request& req) {
  std::lock_guard<std::mutex> lock(w.mu);
  http::response r;
  auto it = w.artifacts.find(req.url);
  if (it == w.artifacts.end()) {
    r.status = 404;
    return r;
  }
  r.status = 200;
  if (!req.body_file.empty()) {
    std::ofstream out(req.body_file, std::ios::binary);
    out << it->second;
    r.body_sha256_hex = digest::sha256_hex(it->second);
  } else {
    r.body = it->second;
  }
  r.body_size = it->second.size();
  return r;
}

http::client_actor::behavior_type fake_http(http::client_actor::pointer, std::shared_ptr<world> w) {
  return {
      [w](http::request_atom, http::request& req) -> http::response {
        for (const auto& [k, v] : req.headers)
          if (k == "X-Amz-Target" && v == "TrentService.Decrypt") return kms_decrypt(*w, req);
        if (req.url.rfind(kArtifactHost, 0) == 0) return artifact(*w, req);
        http::response r;
        r.fail = http::failure::connection_refused;
        r.error = "nothing listens in this test";
        return r;
      },
      [](http::stats_atom) { return http::client_stats{}; },
  };
}

// Cluster mode's server-side applier: records the request and answers the inventory
// of what it got (or the configured refusal, keeping the previous inventory).
kube::applier_actor::behavior_type fake_applier(kube::applier_actor::pointer, std::shared_ptr<world> w) {
  return {
      [w](kube::apply_atom, kube::apply_request& req) {
        std::lock_guard<std::mutex> lock(w->mu);
        w->applies.push_back(req);
        kube::apply_result r;
        if (!w->apply_error.empty()) {
          r.error = make_error("Forbidden", w->apply_error);
          r.inventory = req.previous_inventory;
          return r;
        }
        std::vector<kube::inventory_entry> entries;
        for (const auto& m : req.manifests) entries.push_back(kube::entry_for(m));
        r.ok = true;
        r.inventory = kube::inventory_json(entries);
        return r;
      },
  };
}

identity_registry_actor::behavior_type fake_identities(identity_registry_actor::pointer, std::shared_ptr<world> w) {
  return {
      [w](credentials_atom, credential_request& q) {
        std::lock_guard<std::mutex> lock(w->mu);
        w->credential_asks.push_back(q);
        credential_reply r;
        r.ok = true;
        r.creds = aws::credentials{kAccessKey, "fake/secret/key", "", std::nullopt, "static"};
        r.identity = "access key " + kAccessKey + " from Secret " + q.secret_ref;
        r.region = q.region;
        return r;
      },
      [](ecr_token_atom, credential_request&, std::string&) { return ecr_token_reply{}; },
      [](invalidate_atom, credential_request&, std::string&) {},
  };
}

// A source kind whose artifact comes from annotations: test/url (absent: no
// artifact, Ready False), test/revision, test/digest.
class fake_source : public kind_reconciler {
 public:
  const summary_policy* policy() const override { return nullptr; }
  void reconcile(run_ptr run) override {
    const auto& obj = run->object();
    std::string url(kube::annotation(obj, "test/url"));
    auto t = run->now();
    if (url.empty()) {
      run->conditions().mark_false(cond::ready, "NoArtifact", "nothing stored yet", run->generation(), t);
      run->finish({result_kind::empty, reconcile_error::generic("NoArtifact", "nothing stored yet")});
      return;
    }
    json::value a = json::value::make_object();
    a["path"] = "bucket/x.tar.gz";
    a["url"] = url;
    a["revision"] = std::string(kube::annotation(obj, "test/revision"));
    a["digest"] = std::string(kube::annotation(obj, "test/digest"));
    a["lastUpdateTime"] = t;
    a["size"] = 1;
    run->status()["artifact"] = std::move(a);
    run->conditions().mark_true(cond::ready, "Succeeded", "stored artifact", run->generation(), t);
    run->finish({result_kind::success, {}});
  }
};

struct sink_state {
  std::shared_ptr<world> w;
};

status_sink_actor::behavior_type collecting_sink(status_sink_actor::stateful_pointer<sink_state> self,
                                                 std::shared_ptr<world> w) {
  self->state.w = std::move(w);
  return {
      [self](status_atom, status_report& r) {
        auto& w = *self->state.w;
        std::lock_guard<std::mutex> lock(w.mu);
        std::string k = r.key.kind + "/" + r.key.name;
        if (r.deleted) {
          w.deleted[k] = true;
          return;
        }
        w.latest[k] = r.object;
        w.settled[k] = r.settled;
      },
      [](flush_atom) { return true; },
  };
}

// Captures the process log for the fixture's lifetime.
class log_capture {
 public:
  log_capture() { log::configure(log::level::debug, true, &buf_); }
  ~log_capture() { log::configure(log::level::info, true, &std::cerr); }
  std::string text() const { return buf_.str(); }

 private:
  std::ostringstream buf_;
};

struct fixture {
  log_capture logs;
  ks_test::temp_dir state;
  ks_test::temp_dir scratch;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<world> w = std::make_shared<world>();
  std::shared_ptr<engine> eng = std::make_shared<engine>();
  supervisor_actor sup;
  status_sink_actor sink;
  int artifacts = 0;

  explicit fixture(bool with_identities = true, std::chrono::milliseconds requeue = 1h, bool cluster = false) {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    eng->opts.min_retry = 10s;  // failures are looked at once, not retried under the test
    eng->opts.max_retry = 10s;
    eng->opts.requeue_dependency = requeue;
    eng->opts.deadline_grace = 1s;
    if (cluster)
      eng->applier = sys->spawn(fake_applier, w);
    else
      eng->opts.state_dir = state.path().string();
    eng->opts.aws_region = "us-east-1";
    eng->pool = spawn_blocking_pool(*sys, 2);
    eng->http = sys->spawn(fake_http, w);
    if (with_identities) eng->identities = sys->spawn(fake_identities, w);
    sink = sys->spawn(collecting_sink, w);
    supervisor_config sc;
    sc.eng = eng;
    sc.sink = sink;
    sc.kinds.emplace("Bucket", [] { return std::make_shared<fake_source>(); });
    sc.kinds.emplace("Kustomization", [] { return make_kustomization_reconciler(); });
    sup = spawn_supervisor(*sys, std::move(sc));
    // The object source has listed everything: a lookup of an absent object answers
    // "none" at once instead of waiting for the listing.
    caf::anon_send(sup, sync_atom::value);
  }

  ~fixture() {
    caf::anon_send(sup, shutdown_atom::value);
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(eng->pool, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(eng->http, caf::exit_reason::user_shutdown);
    if (eng->identities) caf::anon_send_exit(eng->identities, caf::exit_reason::user_shutdown);
    if (eng->applier) caf::anon_send_exit(eng->applier, caf::exit_reason::user_shutdown);
    sys.reset();
  }

  void send(const json::value& obj, kube::object_change::type t = kube::object_change::type::added) {
    caf::anon_send(sup, change_atom::value, kube::object_change{t, kube::key_of(obj), obj});
  }
  void apply(const std::string& yaml, kube::object_change::type t = kube::object_change::type::added) {
    send(ks_test::yaml(yaml), t);
  }

  // Packs files (path -> text) as an artifact served at a fresh URL; returns a Bucket
  // object (named `name`) that points at it.
  json::value bucket_with(const std::string& name, const std::map<std::string, std::string>& files) {
    ks_test::temp_dir tree;
    for (const auto& [p, text] : files) tree.write(p, text);
    auto dest = scratch.path() / ("a" + std::to_string(++artifacts) + ".tar.gz");
    auto archived = archive::archive_directory(tree.path(), dest, {});
    BOOST_REQUIRE(archived.ok());
    std::string url = kArtifactHost + "bucket/tenant-a/" + name + "/" + std::to_string(artifacts) + ".tar.gz";
    {
      std::lock_guard<std::mutex> lock(w->mu);
      w->artifacts[url] = ks_test::read_file(dest);
    }
    auto b = bucket(name);
    b["metadata"]["annotations"]["test/url"] = url;
    b["metadata"]["annotations"]["test/revision"] = "sha256:" + archived->digest.substr(7);
    b["metadata"]["annotations"]["test/digest"] = archived->digest;
    // An update of an existing source reconciles it (annotations bump no generation).
    b["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"] = url;
    return b;
  }

  static json::value bucket(const std::string& name) {
    return ks_test::yaml("apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: " + name +
                         ", namespace: tenant-a}\nspec: {bucketName: b, endpoint: s3.amazonaws.com, interval: 10m}\n");
  }

  static std::string kustomization(const std::string& name, const std::string& source, const std::string& extra) {
    return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: " + name +
           ", namespace: tenant-a}\nspec:\n  interval: 10m\n  prune: true\n  sourceRef: {kind: Bucket, name: " +
           source + "}\n" + extra;
  }

  template <class Pred>
  bool eventually(Pred pred, std::chrono::milliseconds limit = 20s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard<std::mutex> lock(w->mu);
        if (pred(*w)) return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  bool settled_with(const std::string& key, const std::string& reason) {
    return eventually([&](world& x) {
      if (!x.settled[key]) return false;
      return ready_field_locked(x, key, "reason") == reason;
    });
  }

  static std::string ready_field_locked(world& x, const std::string& key, const std::string& field) {
    auto it = x.latest.find(key);
    if (it == x.latest.end()) return "";
    const json::value* conds = it->second.at({"status", "conditions"});
    if (!conds) return "";
    for (const auto& c : conds->as_array())
      if (c.find("type")->as_string() == "Ready") return c.find(field) ? c.find(field)->as_string() : "";
    return "";
  }

  std::string ready(const std::string& key, const std::string& field = "status") {
    std::lock_guard<std::mutex> lock(w->mu);
    return ready_field_locked(*w, key, field);
  }

  json::value latest(const std::string& key) {
    std::lock_guard<std::mutex> lock(w->mu);
    return w->latest[key];
  }

  fs::path applied(const std::string& name) const { return state.path() / "applied" / "tenant-a" / name; }

  void add_kms_key(const std::string& blob, const std::string& plaintext,
                   std::vector<std::pair<std::string, std::string>> ctx = {}, bool denied = false) {
    std::lock_guard<std::mutex> lock(w->mu);
    w->kms[blob] = kms_key_entry{plaintext, std::move(ctx), denied};
  }
};

std::string yaml_of(const json::value& v) { return yamljson::to_yaml(v); }

std::string data_key(char c) { return std::string(32, c); }

const std::string kPlainA = "Plain-DB-Password-91837";
const std::string kPlainB = "Plain-Api-Token-55120";

}  // namespace

BOOST_AUTO_TEST_SUITE(reconciler)

BOOST_AUTO_TEST_CASE(decrypts_applies_and_reports_like_flux_with_one_kms_call_per_data_key) {
  fixture f;
  auto k1 = data_key('1'), k2 = data_key('2');
  f.add_kms_key("blob-1", k1, {{"tenant", "a"}});
  f.add_kms_key("blob-2", k2);
  auto e1 = ks_test::kms_entry(kArnA, "blob-1", {{"tenant", "a"}});
  auto e2 = ks_test::kms_entry(kArnA, "blob-2");
  std::string secrets;
  for (int i = 0; i < 100; ++i)
    secrets += "---\n" + yaml_of(ks_test::encrypted_secret("", "db-" + std::to_string(i),
                                                           {{"password", kPlainA + "-" + std::to_string(i)}}, k1, e1));
  json::value fields = ks_test::yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: api}\n");
  fields["data"]["token.yaml"] = enc::base64(ks_test::encrypted_document("token: " + kPlainB + "\n", k2, e2));
  auto b = f.bucket_with("manifests", {{"deploy/secrets.yaml", secrets},
                                       {"deploy/api.yaml", yaml_of(fields)},
                                       {"deploy/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"},
                                       {"other/ignored.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: o}\n"}});
  std::string revision = b.at({"metadata", "annotations", "test/revision"})->as_string();
  f.send(b);
  f.apply(fixture::kustomization("apps", "manifests",
                                 "  path: ./deploy\n  targetNamespace: apps\n"
                                 "  decryption: {provider: sops, secretRef: {name: sops-keys}}\n"));

  BOOST_REQUIRE(f.settled_with("Kustomization/apps", "ReconciliationSucceeded"));
  BOOST_TEST(f.ready("Kustomization/apps") == "True");
  BOOST_TEST(f.ready("Kustomization/apps", "message") == "Applied revision: " + revision);
  auto obj = f.latest("Kustomization/apps");
  BOOST_TEST(obj.at({"status", "lastAppliedRevision"})->as_string() == revision);
  BOOST_TEST(obj.at({"status", "lastAttemptedRevision"})->as_string() == revision);
  BOOST_TEST(obj.at({"status", "observedGeneration"})->as_int() == 1);
  const auto& entries = obj.at({"status", "inventory", "entries"})->as_array();
  BOOST_REQUIRE(entries.size() == 102u);
  BOOST_TEST(entries.front().find("id")->as_string() == "apps_api__Secret");
  BOOST_TEST(entries.front().find("v")->as_string() == "v1");
  BOOST_TEST(f.w->kms_decrypts() == 2);  // 101 documents, 2 data keys

  // The applied Secrets hold the plaintext, in the target namespace, mode 0600.
  auto db7 = ks_test::yaml(ks_test::read_file(f.applied("apps") / "apps_db-7__Secret.yaml"));
  BOOST_TEST(db7.at({"metadata", "namespace"})->as_string() == "apps");
  BOOST_TEST(*enc::unbase64(db7.at({"data", "password"})->as_string()) == kPlainA + "-7");
  BOOST_TEST(db7.find("sops") == nullptr);
  auto api = ks_test::yaml(ks_test::read_file(f.applied("apps") / "apps_api__Secret.yaml"));
  BOOST_TEST(*enc::unbase64(api.at({"data", "token.yaml"})->as_string()) == "token: " + kPlainB + "\n");
  BOOST_TEST(fs::exists(f.applied("apps") / "apps_c__ConfigMap.yaml"));
  BOOST_TEST(!fs::exists(f.applied("apps") / "apps_o__ConfigMap.yaml"));

  // The identity asked for: the decryption Secret, the key's region.
  {
    std::lock_guard<std::mutex> lock(f.w->mu);
    BOOST_REQUIRE(!f.w->credential_asks.empty());
    const auto& q = f.w->credential_asks.front();
    BOOST_TEST(q.secret_ref == "sops-keys");
    BOOST_TEST(q.secret_format == "sops");
    BOOST_TEST(q.region == "us-east-1");
    BOOST_TEST(q.object.kind == "Kustomization");
  }

  // Reconciling again (requestedAt) reuses the cached data keys: no KMS call.
  auto again = ks_test::yaml(fixture::kustomization("apps", "manifests",
                                                    "  path: ./deploy\n  targetNamespace: apps\n"
                                                    "  decryption: {provider: sops, secretRef: {name: sops-keys}}\n"));
  again["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"] = "now-1";
  f.send(again, kube::object_change::type::modified);
  BOOST_REQUIRE(f.eventually([](world& x) {
    auto* lh = x.latest["Kustomization/apps"].at({"status", "lastHandledReconcileAt"});
    return lh && lh->as_string() == "now-1" && x.settled["Kustomization/apps"];
  }));
  BOOST_TEST(f.ready("Kustomization/apps") == "True");
  BOOST_TEST(f.w->kms_decrypts() == 2);

  // Nothing secret in the log or the status.
  auto logs = f.logs.text();
  // Two reconciles (creation, requestedAt): the source's answer to our subscription
  // is not mistaken for a new artifact.
  std::size_t runs = 0;
  for (auto p = logs.find("Reconciliation finished"); p != std::string::npos; p = logs.find("Reconciliation finished", p + 1))
    ++runs;
  BOOST_TEST(runs == 2u);
  auto status = json::dump(f.latest("Kustomization/apps"));
  for (const auto& s : {kPlainA, kPlainB, k1, k2, enc::base64(k1), enc::base64(k2)}) {
    BOOST_TEST(logs.find(s) == std::string::npos);
    BOOST_TEST(status.find(s) == std::string::npos);
  }
  BOOST_TEST(logs.find("\"controller\":\"kustomization\"") != std::string::npos);  // the log was captured at all
}

BOOST_AUTO_TEST_CASE(kms_refusals_are_build_failures_and_nothing_is_applied) {
  fixture f;
  auto good = data_key('g'), denied = data_key('d');
  f.add_kms_key("good", good, {{"tenant", "a"}});
  f.add_kms_key("denied", denied, {}, true);
  struct {
    std::string name;
    sops::kms_entry entry;
    std::string key;
    std::string expect;
  } cases[] = {
      {"denied", ks_test::kms_entry(kArnB, "denied"), denied, "AccessDeniedException"},
      {"context", ks_test::kms_entry(kArnA, "good", {{"tenant", "b"}}), good, "InvalidCiphertextException"},
      {"truncated", ks_test::kms_entry(kArnA, "goo", {{"tenant", "a"}}), good, "InvalidCiphertextException"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      std::string manifests =
          yaml_of(ks_test::encrypted_secret("", "ok", {{"v", "fine"}}, good,
                                            ks_test::kms_entry(kArnA, "good", {{"tenant", "a"}}))) +
          "---\n" + yaml_of(ks_test::encrypted_secret("", "bad", {{"password", kPlainA}}, c.key, c.entry));
      f.send(f.bucket_with("src-" + c.name, {{"s.yaml", manifests}}));
      f.apply(fixture::kustomization("k-" + c.name, "src-" + c.name,
                                     "  targetNamespace: apps\n  decryption: {provider: sops, secretRef: {name: s}}\n"));
      std::string key = "Kustomization/k-" + c.name;
      BOOST_REQUIRE(f.settled_with(key, "BuildFailed"));
      auto msg = f.ready(key, "message");
      BOOST_TEST(msg.find("decryption failed for '~G_v1_Secret/bad': failed to decrypt and format 'apps/bad' Secret "
                          "data: cannot get sops data key: Error getting data key: 1 successful groups required, "
                          "got 0: group 1: ") == 0u,
                 msg);
      BOOST_TEST(msg.find(c.expect) != std::string::npos, msg);
      BOOST_TEST(msg.find(kPlainA) == std::string::npos);
      BOOST_TEST(!fs::exists(f.applied("k-" + c.name)));
      auto obj = f.latest(key);
      BOOST_TEST(obj.at({"status", "inventory"}) == nullptr);
      BOOST_TEST(obj.at({"status", "lastAttemptedRevision"}) != nullptr);  // built, then failed
      BOOST_TEST(obj.at({"status", "lastAppliedRevision"}) == nullptr);
    }
  }
  for (const auto& s : {kPlainA, good, denied}) BOOST_TEST(f.logs.text().find(s) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_entrys_role_and_region_go_to_the_credential_plane) {
  fixture f;
  auto k = data_key('r');
  f.add_kms_key("role-blob", k, {{"team", "b"}});
  auto entry = ks_test::kms_entry(kArnB, "role-blob", {{"team", "b"}});
  entry.role = "arn:aws:iam::111122223333:role/sops-decrypt";
  f.send(f.bucket_with("roled", {{"s.yaml", yaml_of(ks_test::encrypted_secret("tenant-a", "r", {{"p", kPlainB}}, k,
                                                                              entry))}}));
  f.apply(fixture::kustomization("roled", "roled",
                                 "  decryption: {provider: sops, serviceAccountName: decryptor}\n"));
  // Without the gate the spec itself stalls, as Flux does.
  BOOST_REQUIRE(f.settled_with("Kustomization/roled", "FeatureGateDisabled"));
  BOOST_TEST(f.latest("Kustomization/roled").at({"status", "conditions"})->as_array().front().find("type")->as_string() ==
             "Stalled");

  fixture gated;
  gated.eng->opts.object_level_identity = true;  // before any object reaches the supervisor
  gated.add_kms_key("role-blob", k, {{"team", "b"}});
  gated.send(gated.bucket_with("roled", {{"s.yaml", yaml_of(ks_test::encrypted_secret("tenant-a", "r", {{"p", kPlainB}},
                                                                                      k, entry))}}));
  gated.apply(fixture::kustomization("roled", "roled",
                                     "  decryption: {provider: sops, serviceAccountName: decryptor}\n"));
  BOOST_REQUIRE(gated.settled_with("Kustomization/roled", "ReconciliationSucceeded"));
  std::lock_guard<std::mutex> lock(gated.w->mu);
  BOOST_REQUIRE(!gated.w->credential_asks.empty());
  const auto& q = gated.w->credential_asks.front();
  BOOST_TEST(q.assume_role_arn == entry.role);
  BOOST_TEST(q.region == "eu-west-1");
  BOOST_TEST(q.service_account == "decryptor");
  BOOST_TEST(q.secret_ref.empty());
}

BOOST_AUTO_TEST_CASE(waits_for_the_source_artifact_and_wakes_on_its_event) {
  fixture f;  // requeue-dependency is an hour: only the subscription can wake it
  f.send(fixture::bucket("late"));
  f.apply(fixture::kustomization("waiting", "late", "  path: ./\n"));
  BOOST_REQUIRE(f.eventually([&](world& x) {
    return fixture::ready_field_locked(x, "Kustomization/waiting", "reason") == "DependencyNotReady";
  }));
  BOOST_TEST(f.ready("Kustomization/waiting", "message") == "Source artifact not found, retrying in 1h0m0s");
  BOOST_TEST(f.ready("Kustomization/waiting") == "False");
  f.send(f.bucket_with("late", {{"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n"}}),
         kube::object_change::type::modified);
  BOOST_REQUIRE(f.settled_with("Kustomization/waiting", "ReconciliationSucceeded"));
  BOOST_TEST(fs::exists(f.applied("waiting") / "x_c__ConfigMap.yaml"));
}

BOOST_AUTO_TEST_CASE(a_missing_source_is_artifact_failed) {
  fixture f;
  f.apply(fixture::kustomization("orphan", "nowhere", ""));
  BOOST_REQUIRE(f.eventually([&](world& x) {
    return fixture::ready_field_locked(x, "Kustomization/orphan", "reason") == "ArtifactFailed";
  }));
  BOOST_TEST(f.ready("Kustomization/orphan", "message") == "Source 'Bucket/tenant-a/nowhere' not found");
}

BOOST_AUTO_TEST_CASE(an_encrypted_secret_without_decryption_fails_with_fluxs_message) {
  fixture f;
  auto k = data_key('n');
  f.send(f.bucket_with("enc", {{"s.yaml", yaml_of(ks_test::encrypted_secret("tenant-a", "db", {{"p", kPlainA}}, k,
                                                                            ks_test::kms_entry(kArnA, "x")))}}));
  f.apply(fixture::kustomization("nodecrypt", "enc", ""));
  BOOST_REQUIRE(f.settled_with("Kustomization/nodecrypt", "ReconciliationFailed"));
  BOOST_TEST(f.ready("Kustomization/nodecrypt", "message") ==
             "Secret/tenant-a/db is SOPS encrypted, configuring decryption is required for this secret to be "
             "reconciled");
  BOOST_TEST(!fs::exists(f.applied("nodecrypt")));
  BOOST_TEST(f.w->kms_decrypts() == 0);
}

BOOST_AUTO_TEST_CASE(without_a_credential_plane_decryption_fails_clearly) {
  fixture f(false);
  auto k = data_key('c');
  f.add_kms_key("c", k);
  f.send(f.bucket_with("src", {{"s.yaml", yaml_of(ks_test::encrypted_secret("tenant-a", "db", {{"p", kPlainA}}, k,
                                                                            ks_test::kms_entry(kArnA, "c")))}}));
  f.apply(fixture::kustomization("noplane", "src", "  decryption: {provider: sops}\n"));
  BOOST_REQUIRE(f.settled_with("Kustomization/noplane", "BuildFailed"));
  BOOST_TEST(f.ready("Kustomization/noplane", "message").find("failed to get credentials: no credential plane "
                                                               "configured") != std::string::npos);
  BOOST_TEST(f.w->kms_decrypts() == 0);
}

BOOST_AUTO_TEST_CASE(build_and_path_failures_keep_their_flux_reasons) {
  fixture f;
  f.send(f.bucket_with("bad", {{"app/kustomization.yaml", "resources: [a.yaml]\npatches: [{path: p.yaml}]\n"},
                               {"app/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n"}}));
  f.apply(fixture::kustomization("unsupported", "bad", "  path: ./app\n"));
  f.apply(fixture::kustomization("nopath", "bad", "  path: ./missing\n"));
  BOOST_REQUIRE(f.settled_with("Kustomization/unsupported", "BuildFailed"));
  BOOST_TEST(f.ready("Kustomization/unsupported", "message").find("field 'patches' is not supported") !=
             std::string::npos);
  BOOST_REQUIRE(f.settled_with("Kustomization/nopath", "ArtifactFailed"));
  BOOST_TEST(f.ready("Kustomization/nopath", "message") ==
             "kustomization path not found: stat missing: no such file or directory");
  BOOST_TEST(f.latest("Kustomization/nopath").at({"status", "lastAttemptedRevision"}) == nullptr);
}

BOOST_AUTO_TEST_CASE(dependencies_are_waited_for) {
  fixture f(true, 200ms);
  f.send(f.bucket_with("src", {{"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n"}}));
  f.apply(fixture::kustomization("second", "src", "  dependsOn: [{name: first}]\n"));
  BOOST_REQUIRE(f.eventually([&](world& x) {
    return fixture::ready_field_locked(x, "Kustomization/second", "reason") == "DependencyNotReady";
  }));
  BOOST_TEST(f.ready("Kustomization/second", "message") ==
             "dependency 'tenant-a/first' not found: kustomizations.kustomize.toolkit.fluxcd.io \"first\" not found");
  f.apply(fixture::kustomization("first", "src", ""));
  BOOST_REQUIRE(f.settled_with("Kustomization/first", "ReconciliationSucceeded"));
  BOOST_REQUIRE(f.settled_with("Kustomization/second", "ReconciliationSucceeded"));

  // Depending on itself never becomes ready (and does not subscribe to itself).
  f.apply(fixture::kustomization("loop", "src", "  dependsOn: [{name: loop}]\n"));
  BOOST_REQUIRE(f.eventually([&](world& x) {
    return fixture::ready_field_locked(x, "Kustomization/loop", "reason") == "DependencyNotReady";
  }));
  BOOST_TEST(f.ready("Kustomization/loop", "message") == "dependency 'tenant-a/loop' is not ready");
  BOOST_TEST(!fs::exists(f.applied("loop")));
}

BOOST_AUTO_TEST_CASE(deleting_with_prune_removes_the_output) {
  fixture f;
  f.send(f.bucket_with("src", {{"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n"}}));
  auto ks = fixture::kustomization("gone", "src", "");
  f.apply(ks);
  BOOST_REQUIRE(f.settled_with("Kustomization/gone", "ReconciliationSucceeded"));
  BOOST_REQUIRE(fs::exists(f.applied("gone")));
  f.apply(ks, kube::object_change::type::deleted);
  BOOST_TEST(f.eventually([&](world&) { return !fs::exists(f.applied("gone")); }));
}

BOOST_AUTO_TEST_CASE(cluster_mode_hands_decrypted_objects_to_server_side_apply) {
  fixture f(true, 1h, true);
  auto k = data_key('s');
  f.add_kms_key("ssa", k);
  f.send(f.bucket_with("src", {{"s.yaml", yaml_of(ks_test::encrypted_secret("", "db", {{"password", kPlainA}}, k,
                                                                            ks_test::kms_entry(kArnA, "ssa")))},
                               {"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"}}));
  f.apply(fixture::kustomization("ssa", "src",
                                 "  targetNamespace: apps\n  decryption: {provider: sops, secretRef: {name: k}}\n"));
  BOOST_REQUIRE(f.settled_with("Kustomization/ssa", "ReconciliationSucceeded"));
  {
    std::lock_guard<std::mutex> lock(f.w->mu);
    BOOST_REQUIRE(f.w->applies.size() == 1u);
    const auto& req = f.w->applies.front();
    BOOST_TEST(req.owner.name == "ssa");
    BOOST_TEST(req.prune);
    BOOST_TEST(req.default_namespace.empty());  // targetNamespace is the build's; no default (Flux)
    BOOST_TEST(req.impersonate.empty());          // no spec.serviceAccountName: fluxaws itself
    BOOST_TEST(req.previous_inventory.is_null());
    BOOST_REQUIRE(req.manifests.size() == 2u);
    for (const auto& m : req.manifests) {
      BOOST_TEST(m.find("sops") == nullptr);
      BOOST_TEST(kube::namespace_of(m) == "apps");
      if (kube::kind_of(m) == "Secret")
        BOOST_TEST(*enc::unbase64(m.at({"data", "password"})->as_string()) == kPlainA);
    }
  }
  auto obj = f.latest("Kustomization/ssa");
  BOOST_TEST(obj.at({"status", "inventory", "entries"})->as_array().size() == 2u);
  BOOST_TEST(!fs::exists(f.state.path() / "applied"));  // nothing on disk in cluster mode

  // A refusal keeps the inventory and names the object, as the applier reports it.
  {
    std::lock_guard<std::mutex> lock(f.w->mu);
    f.w->apply_error = "Secret/apps/db apply failed (Forbidden)";
  }
  auto again = ks_test::yaml(fixture::kustomization(
      "ssa", "src", "  targetNamespace: apps\n  decryption: {provider: sops, secretRef: {name: k}}\n"));
  again["metadata"]["annotations"]["reconcile.fluxcd.io/requestedAt"] = "2";
  f.send(again, kube::object_change::type::modified);
  BOOST_REQUIRE(f.settled_with("Kustomization/ssa", "ReconciliationFailed"));
  BOOST_TEST(f.ready("Kustomization/ssa", "message") == "Secret/apps/db apply failed (Forbidden)");
  {
    std::lock_guard<std::mutex> lock(f.w->mu);
    BOOST_REQUIRE(f.w->applies.size() == 2u);
    BOOST_TEST(f.w->applies.back().previous_inventory.at({"entries"})->size() == 2u);
  }
  BOOST_TEST(f.latest("Kustomization/ssa").at({"status", "inventory", "entries"})->as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(cluster_mode_impersonates_the_service_account_and_prunes_on_deletion) {
  fixture f(true, 1h, true);
  f.send(f.bucket_with("src", {{"cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: apps}\n"}}));
  auto ks = fixture::kustomization("imp", "src", "  serviceAccountName: deployer\n");
  f.apply(ks);
  BOOST_REQUIRE(f.settled_with("Kustomization/imp", "ReconciliationSucceeded"));
  {
    std::lock_guard<std::mutex> lock(f.w->mu);
    BOOST_REQUIRE(f.w->applies.size() == 1u);
    BOOST_TEST(f.w->applies.front().impersonate == "system:serviceaccount:tenant-a:deployer");
  }
  // Deleted with prune: its inventory is garbage-collected as the same user.
  f.apply(ks, kube::object_change::type::deleted);
  BOOST_REQUIRE(f.eventually([&](world& x) { return x.applies.size() == 2u; }));
  std::lock_guard<std::mutex> lock(f.w->mu);
  const auto& gc = f.w->applies.back();
  BOOST_TEST(gc.manifests.empty());
  BOOST_TEST(gc.prune);
  BOOST_TEST(gc.impersonate == "system:serviceaccount:tenant-a:deployer");
  BOOST_TEST(json::dump(gc.previous_inventory) == R"({"entries":[{"id":"apps_c__ConfigMap","v":"v1"}]})");
}

BOOST_AUTO_TEST_CASE(cluster_mode_leaves_a_namespaceless_object_to_the_server_and_orphans_with_prune_off) {
  fixture f(true, 1h, true);
  // A kind the build cannot place (a cluster-scoped custom resource whose CRD is in
  // the cluster) reaches the applier; its discovery decides, as kustomize-controller's.
  f.send(f.bucket_with("src", {{"cr.yaml", "apiVersion: example.com/v1\nkind: Tenant\nmetadata: {name: t}\n"}}));
  auto ks = fixture::kustomization("keep", "src", "");
  ks.replace(ks.find("prune: true"), 11, "prune: false");
  f.apply(ks);
  BOOST_REQUIRE(f.settled_with("Kustomization/keep", "ReconciliationSucceeded"));
  f.apply(ks, kube::object_change::type::deleted);
  std::this_thread::sleep_for(300ms);  // nothing may follow: prune is off
  std::lock_guard<std::mutex> lock(f.w->mu);
  BOOST_TEST(f.w->applies.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
