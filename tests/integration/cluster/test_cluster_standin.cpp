// Cluster mode against the Kubernetes API stand-in (a real HTTPS server with watches,
// 410s, 409s and restarts): the watch source survives a cut watch, an expired
// resourceVersion and a restart of the API server without losing an object or a
// deletion; status patches survive injected conflicts and kubectl reads them; the
// TokenRequest issuer gets real signed tokens; two electors hand a Lease over; and
// server-side apply with prune. Both transports of the kube client are used: the
// HTTP client actor (CA file) and per-request streams (inline CA from the kubeconfig).
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "actors/cluster_status_sink.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/applier.hpp"
#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/cluster_config.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/leader_elector.hpp"
#include "adapters/kube/token_request.hpp"
#include "adapters/kube/watch_source.hpp"
#include "tests/kube-standin/harness/standin_process.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 30s) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= end) return pred();
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

struct recorder {
  std::mutex mu;
  std::vector<object_change> changes;
  int synced = 0;
  // name -> present, after replaying every change in order
  std::map<std::string, bool> present(const std::string& kind) {
    std::lock_guard<std::mutex> lock(mu);
    std::map<std::string, bool> out;
    for (const auto& c : changes)
      if (c.key.kind == kind) out[c.key.name] = c.kind != object_change::type::deleted;
    return out;
  }
};

struct sink_state {
  static inline const char* name = "fluxaws.test.sink";
  sink_state() = default;
};
change_sink_actor::behavior_type recording_sink(change_sink_actor::stateful_pointer<sink_state>,
                                                std::shared_ptr<recorder> rec) {
  return {
      [rec](change_atom, object_change& ch) {
        std::lock_guard<std::mutex> lock(rec->mu);
        rec->changes.push_back(std::move(ch));
      },
      [rec](sync_atom) {
        std::lock_guard<std::mutex> lock(rec->mu);
        ++rec->synced;
      },
      [](issue_atom, std::string&) {},
  };
}

struct fixture {
  kstand::harness::standin_process standin;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  http::client_actor http;
  client_actor kube;         // over the HTTP client actor (CA file)
  client_actor kube_streams; // per-request streams (inline CA, as the kubeconfig has it)
  std::vector<caf::actor> to_stop;

  fixture() {
    http::global_init();
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    auto loaded = load_kubeconfig_files({standin.kubeconfig()});
    BOOST_TEST_REQUIRE(loaded.ok(), (loaded.ok() ? std::string() : loaded.error().message));
    client_settings inline_ca;
    inline_ca.cluster = *loaded;
    BOOST_TEST_REQUIRE(needs_stream_transport(inline_ca.cluster));
    kube_streams = keep(spawn_kube_client(*sys, inline_ca, http::client_actor{}));
    client_settings with_file = inline_ca;
    with_file.cluster.ca_pem.clear();
    with_file.cluster.ca_file = standin.ca_file();
    http::client_options ho;
    ho.ca_file = standin.ca_file();
    http = keep(http::spawn_client(*sys, ho));
    kube = keep(spawn_kube_client(*sys, with_file, http));
    install_flux_crds();
  }
  ~fixture() {
    for (auto it = to_stop.rbegin(); it != to_stop.rend(); ++it) caf::anon_send_exit(*it, caf::exit_reason::user_shutdown);
  }
  template <class H>
  H keep(H h) {
    to_stop.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }

  api_response call(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& content_type = "application/json", client_actor via = {}) {
    caf::scoped_actor self{*sys};
    api_response out;
    out.error = make_error("timeout", "no answer");
    self->request(via ? via : kube, 60s, api_atom::value, api_request{method, path, body, content_type, 20s, ""})
        .receive([&](api_response& r) { out = std::move(r); }, [](caf::error&) {});
    return out;
  }
  api_response create(const std::string& collection, const std::string& yaml) {
    return call("POST", collection, json::dump(*yamljson::parse_yaml(yaml)));
  }

  void install_flux_crds() {
    const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
    BOOST_TEST_REQUIRE(shared != nullptr);
    for (const auto& f : fs::directory_iterator(fs::path(shared) / "testdata" / "flux-crds")) {
      if (f.path().extension() != ".yaml") continue;
      std::ifstream in(f.path());
      std::stringstream buf;
      buf << in.rdbuf();
      auto docs = yamljson::parse_yaml_all(buf.str());
      BOOST_TEST_REQUIRE(docs.ok());
      for (const auto& d : *docs) {
        auto r = call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", json::dump(d));
        BOOST_TEST_REQUIRE((r.status == 201 || r.status == 409), f.path().string() + " " + std::to_string(r.status) + " " + r.body);
      }
    }
    for (const char* ns : {"team-a", "flux-system", "apps"}) {
      auto r = create("/api/v1/namespaces", std::string("{apiVersion: v1, kind: Namespace, metadata: {name: ") + ns + "}}");
      BOOST_TEST_REQUIRE((r.status == 201 || r.status == 409));
    }
  }
};

const std::string buckets = "/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/buckets";

std::string bucket_yaml(const std::string& name, const std::string& extra_spec = "") {
  return "{apiVersion: source.toolkit.fluxcd.io/v1, kind: Bucket, metadata: {name: " + name +
         ", namespace: team-a}, spec: {bucketName: b, endpoint: s3.amazonaws.com, provider: aws, interval: 5m" + extra_spec +
         "}}";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cluster_standin_suite, fixture)

BOOST_AUTO_TEST_CASE(watch_survives_cuts_410_and_restart_without_losing_objects, *boost::unit_test::timeout(240)) {
  BOOST_TEST_REQUIRE(create(buckets, bucket_yaml("b1", ", secretRef: {name: creds}")).status == 201);
  BOOST_TEST_REQUIRE(create(buckets, bucket_yaml("b2")).status == 201);
  BOOST_TEST_REQUIRE(create("/api/v1/namespaces/team-a/secrets",
                            "{apiVersion: v1, kind: Secret, metadata: {name: creds, namespace: team-a}, stringData: {accesskey: AKIA}}")
                         .status == 201);
  BOOST_TEST_REQUIRE(create("/api/v1/namespaces/team-a/secrets",
                            "{apiVersion: v1, kind: Secret, metadata: {name: not-referenced, namespace: team-a}}")
                         .status == 201);
  auto rec = std::make_shared<recorder>();
  watch_source_options o;
  o.ns = "team-a";
  o.min_backoff = 100ms;
  o.max_backoff = 1s;
  auto src = keep(spawn_watch_source(*sys, kube, sys->spawn(recording_sink, rec), o));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->synced == 1; }));
  BOOST_TEST(rec->present("Bucket") == (std::map<std::string, bool>{{"b1", true}, {"b2", true}}));
  BOOST_TEST(rec->present("Secret") == (std::map<std::string, bool>{{"creds", true}}));

  // 1. Every watch is cut mid-stream; meanwhile b3 is created.
  std::this_thread::sleep_for(300ms);  // let the watches open
  BOOST_TEST(call("POST", "/_standin/watches/cut").status == 200);
  BOOST_TEST(create(buckets, bucket_yaml("b3")).status == 201);
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->present("Bucket")["b3"]; }));

  // 2. The next watches find their resourceVersion expired (410): b2 is deleted and b4
  //    created before the relist; both reach the sink.
  BOOST_TEST(call("POST", "/_standin/faults/expire-watches?count=20").status == 200);
  BOOST_TEST(call("POST", "/_standin/watches/cut").status == 200);
  BOOST_TEST(call("DELETE", buckets + "/b2").ok());
  BOOST_TEST(create(buckets, bucket_yaml("b4")).status == 201);
  BOOST_TEST_REQUIRE(wait_until([&] {
    auto p = rec->present("Bucket");
    return p["b4"] && !p["b2"];
  }));
  BOOST_TEST(call("POST", "/_standin/faults/reset").status == 200);

  // 3. The API server restarts (state kept, connections gone); changes made right
  //    after it is back arrive too.
  standin.restart();
  BOOST_TEST(create(buckets, bucket_yaml("b5")).status == 201);
  BOOST_TEST(call("DELETE", buckets + "/b3").ok());
  BOOST_TEST_REQUIRE(wait_until([&] {
    auto p = rec->present("Bucket");
    return p["b5"] && !p["b3"];
  }, 60s));
  auto final_state = rec->present("Bucket");
  BOOST_TEST(final_state == (std::map<std::string, bool>{{"b1", true}, {"b2", false}, {"b3", false}, {"b4", true}, {"b5", true}}));
  BOOST_TEST(rec->present("Secret").count("not-referenced") == 0u);
  BOOST_TEST(rec->synced == 1);
}

BOOST_AUTO_TEST_CASE(deleting_an_object_flux_reconciled_before_completes, *boost::unit_test::timeout(120)) {
  // Flux's controllers left their finalizer (and someone else's stays).
  BOOST_TEST_REQUIRE(create(buckets, "{apiVersion: source.toolkit.fluxcd.io/v1, kind: Bucket, metadata: {name: old, namespace: team-a, "
                                     "finalizers: [finalizers.fluxcd.io, example.com/keep]}, "
                                     "spec: {bucketName: b, endpoint: s3.amazonaws.com, provider: aws, interval: 5m}}")
                         .status == 201);
  auto rec = std::make_shared<recorder>();
  watch_source_options o;
  o.ns = "team-a";
  o.references = false;
  auto src = keep(spawn_watch_source(*sys, kube, sys->spawn(recording_sink, rec), o));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->synced == 1 && rec->present("Bucket")["old"]; }));
  BOOST_TEST(call("DELETE", buckets + "/old").ok());
  BOOST_TEST_REQUIRE(wait_until([&] { return !rec->present("Bucket")["old"]; }));  // the actor is told at once
  BOOST_TEST_REQUIRE(wait_until([&] {
    auto live = call("GET", buckets + "/old").json();
    return live && json::dump(*live->at({"metadata", "finalizers"})) == R"(["example.com/keep"])";
  }));
  auto live = call("GET", buckets + "/old").json();
  BOOST_TEST(live->at({"metadata", "deletionTimestamp"}) != nullptr);  // still Terminating for the other finalizer
}

BOOST_AUTO_TEST_CASE(status_survives_conflicts_and_kubectl_reads_it, *boost::unit_test::timeout(120)) {
  BOOST_TEST_REQUIRE(create(buckets, bucket_yaml("podinfo")).status == 201);
  BOOST_TEST(call("POST", "/_standin/faults/status-conflicts?count=2").status == 200);
  actors::cluster_status_sink_options so;
  so.kube = kube_streams;  // the other transport
  so.min_backoff = 50ms;
  auto sink = keep(actors::spawn_cluster_status_sink(*sys, so));
  auto obj = *yamljson::parse_yaml(bucket_yaml("podinfo"));
  obj["status"] = *yamljson::parse_yaml(R"({observedGeneration: 1, artifact: {revision: "sha256:abc", path: x, url: http://x, digest: "sha256:abc", lastUpdateTime: "2030-01-01T00:00:00Z"},
    conditions: [{type: Ready, status: "True", reason: Succeeded, message: "stored artifact", observedGeneration: 1, lastTransitionTime: "2030-01-01T00:00:00Z"}]})");
  caf::scoped_actor self{*sys};
  self->send(sink, actors::status_atom::value, actors::status_report{key_of(obj), obj});
  bool flushed = false;
  self->request(sink, 60s, actors::flush_atom::value).receive([&](bool ok) { flushed = ok; }, [](caf::error&) {});
  BOOST_TEST(flushed);
  auto live = call("GET", buckets + "/podinfo").json();
  BOOST_TEST_REQUIRE(live.has_value());
  BOOST_TEST(live->at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(live->at({"status", "artifact", "revision"})->as_string() == "sha256:abc");
  auto state = call("GET", "/_standin/state").json();
  BOOST_TEST(state->at({"faults", "statusConflicts"})->as_int() == 0);  // both conflicts were met and survived

  if (std::system("command -v kubectl >/dev/null 2>&1") == 0) {
    std::string cmd = "kubectl --kubeconfig " + standin.kubeconfig() +
                      " -n team-a wait --for=condition=Ready bucket/podinfo --timeout=20s >/dev/null 2>&1";
    BOOST_TEST(std::system(cmd.c_str()) == 0);
  }
}

BOOST_AUTO_TEST_CASE(token_request_issues_signed_tokens, *boost::unit_test::timeout(60)) {
  BOOST_TEST_REQUIRE(create("/api/v1/namespaces/team-a/serviceaccounts",
                            "{apiVersion: v1, kind: ServiceAccount, metadata: {name: ecr-reader, namespace: team-a}}")
                         .status == 201);
  auto issuer = keep(spawn_token_request_issuer(*sys, kube));
  caf::scoped_actor self{*sys};
  sa_token_reply got;
  self->request(issuer, 60s, sa_token_atom::value, sa_token_request{"team-a", "ecr-reader", "sts.amazonaws.com", 3600s})
      .receive([&](sa_token_reply& r) { got = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(got.ok, got.error.message);
  auto parts = std::count(got.token.begin(), got.token.end(), '.');
  BOOST_TEST(parts == 2);
  auto payload = enc::unbase64url(got.token.substr(got.token.find('.') + 1, got.token.rfind('.') - got.token.find('.') - 1));
  BOOST_TEST_REQUIRE(payload.has_value());
  auto claims = json::parse(*payload);
  BOOST_TEST_REQUIRE(claims.has_value());
  BOOST_TEST(claims->find("sub")->as_string() == "system:serviceaccount:team-a:ecr-reader");
  BOOST_TEST(json::dump(*claims->find("aud")).find("sts.amazonaws.com") != std::string::npos);
  BOOST_TEST((got.expires_at > std::chrono::system_clock::now() + 50min));
  sa_token_reply missing;
  self->request(issuer, 60s, sa_token_atom::value, sa_token_request{"team-a", "nobody", "sts.amazonaws.com", 3600s})
      .receive([&](sa_token_reply& r) { missing = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(!missing.ok);
  BOOST_TEST(missing.error.message.find("ServiceAccount/team-a/nobody") != std::string::npos);
}

namespace {
struct leadership {
  std::mutex mu;
  std::map<std::string, bool> now;
};
caf::behavior listener(caf::event_based_actor*, std::shared_ptr<leadership> l, std::string who) {
  return {[l, who](leader_atom, bool leading) {
    std::lock_guard<std::mutex> lock(l->mu);
    l->now[who] = leading;
  }};
}
}  // namespace

BOOST_AUTO_TEST_CASE(lease_hands_over_between_two_replicas, *boost::unit_test::timeout(120)) {
  auto l = std::make_shared<leadership>();
  auto params = [](const std::string& id) {
    election_params p;
    p.ns = "flux-system";
    p.name = lease_name("fluxaws-leader-election", "");
    p.identity = id;
    p.lease_duration = 8s;  // generous: a loaded machine must not make A miss renewals
    p.renew_deadline = 6s;
    p.retry_period = 1s;
    return p;
  };
  auto a = keep(spawn_leader_elector(*sys, kube, params("replica-a"), keep(sys->spawn(listener, l, std::string("a")))));
  BOOST_TEST_REQUIRE(wait_until([&] { std::lock_guard<std::mutex> g(l->mu); return l->now["a"]; }));
  auto b = keep(spawn_leader_elector(*sys, kube_streams, params("replica-b"), keep(sys->spawn(listener, l, std::string("b")))));
  std::this_thread::sleep_for(2500ms);
  {
    std::lock_guard<std::mutex> g(l->mu);
    BOOST_TEST(!l->now["b"]);  // A renews; B waits
  }
  auto lease = call("GET", "/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/fluxaws-leader-election").json();
  BOOST_TEST_REQUIRE(lease.has_value());
  BOOST_TEST(lease->at({"spec", "holderIdentity"})->as_string() == "replica-a");
  BOOST_TEST(lease->at({"spec", "leaseDurationSeconds"})->as_int() == 8);
  // A shuts down cleanly: it releases the Lease and B takes it within a retry period or two.
  caf::scoped_actor self{*sys};
  bool released = false;
  self->request(a, 30s, resign_atom::value).receive([&](bool ok) { released = ok; }, [](caf::error&) {});
  BOOST_TEST(released);
  BOOST_TEST_REQUIRE(wait_until([&] { std::lock_guard<std::mutex> g(l->mu); return l->now["b"]; }));
  lease = call("GET", "/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/fluxaws-leader-election").json();
  BOOST_TEST(lease->at({"spec", "holderIdentity"})->as_string() == "replica-b");
  BOOST_TEST(lease->at({"spec", "leaseTransitions"})->as_int() >= 1);
}

BOOST_AUTO_TEST_CASE(server_side_apply_and_prune_against_the_api, *boost::unit_test::timeout(120)) {
  auto applier = keep(spawn_applier(*sys, kube));
  apply_request req;
  req.owner = {"Kustomization", "flux-system", "apps"};
  req.default_namespace = "apps";
  req.prune = true;
  req.manifests = {*yamljson::parse_yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: one}, data: {k: v}}"),
                   *yamljson::parse_yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: two}, data: {k: v}}")};
  caf::scoped_actor self{*sys};
  apply_result first;
  self->request(applier, 60s, apply_atom::value, req).receive([&](apply_result& r) { first = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(first.ok, first.error.message);
  auto one = call("GET", "/api/v1/namespaces/apps/configmaps/one").json();
  BOOST_TEST_REQUIRE(one.has_value());
  BOOST_TEST(one->at({"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"})->as_string() == "apps");
  BOOST_TEST(json::dump(*one->at({"metadata", "managedFields"})).find("fluxaws") != std::string::npos);

  // "two" leaves the set: pruned; "one" changes: applied again.
  req.manifests = {*yamljson::parse_yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: one}, data: {k: v2}}")};
  req.previous_inventory = first.inventory;
  apply_result second;
  self->request(applier, 60s, apply_atom::value, req).receive([&](apply_result& r) { second = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(second.ok, second.error.message);
  BOOST_TEST(second.pruned == std::vector<std::string>{"ConfigMap/apps/two"}, boost::test_tools::per_element());
  BOOST_TEST(call("GET", "/api/v1/namespaces/apps/configmaps/two").status == 404);
  BOOST_TEST(call("GET", "/api/v1/namespaces/apps/configmaps/one").json()->at({"data", "k"})->as_string() == "v2");
  BOOST_TEST(json::dump(second.inventory) == R"({"entries":[{"id":"apps_one__ConfigMap","v":"v1"}]})");
}

BOOST_AUTO_TEST_SUITE_END()
