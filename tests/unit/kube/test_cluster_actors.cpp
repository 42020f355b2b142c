// The cluster-mode actors against a scripted in-memory API: the watch source
// (references first, 410 relist diffs, malformed lines, resumed watches, dropped
// references), the status sink (409 refetch, removed fields, 404 skip, events), the
// TokenRequest issuer, leader election handover and loss, server-side apply with
// prune, and the kube client's token rotation on 401.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "actors/cluster_status_sink.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/applier.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/event_recorder.hpp"
#include "adapters/kube/leader_elector.hpp"
#include "adapters/kube/token_request.hpp"
#include "adapters/kube/watch_source.hpp"
#include "fake_api.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;
using namespace fluxaws::test;
using namespace std::chrono_literals;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::vector<caf::actor> to_stop;
  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  ~fixture() {
    for (auto& a : to_stop) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    to_stop.clear();
  }
  template <class Handle>
  Handle keep(Handle h) {
    to_stop.push_back(caf::actor_cast<caf::actor>(h));
    return h;
  }
};

json::value yaml(const std::string& text) { return *yamljson::parse_yaml(text); }

const std::string buckets = "/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/buckets";
const std::string secrets = "/api/v1/namespaces/team-a/secrets";
const std::string sas = "/api/v1/namespaces/team-a/serviceaccounts";

std::shared_ptr<fake_store> team_a_store() {
  auto store = std::make_shared<fake_store>();
  for (const auto& r : flux_resources()) store->collections.insert(collection_path(r, "team-a"));
  store->collections.insert(secrets);
  store->collections.insert(sas);
  store->collections.insert(collection_path(namespace_resource(), ""));
  return store;
}

std::string changes_text(const std::vector<object_change>& all, std::size_t from = 0) {
  std::string s;
  for (std::size_t i = from; i < all.size(); ++i) {
    const auto& c = all[i];
    s += c.kind == object_change::type::added ? "+" : c.kind == object_change::type::modified ? "~" : "-";
    s += c.key.kind + "/" + c.key.name + " ";
  }
  return s;
}

std::string watch_line(const std::string& type, const std::string& name, const std::string& rv, const std::string& spec = "{}") {
  return R"({"type":")" + type + R"(","object":{"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"Bucket","metadata":{"name":")" +
         name + R"(","namespace":"team-a","resourceVersion":")" + rv + R"("},"spec":)" + spec + "}}\n";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(cluster_actors_suite, fixture)

BOOST_AUTO_TEST_CASE(watch_source_lists_watches_relists_and_loses_nothing, *boost::unit_test::timeout(60)) {
  auto store = team_a_store();
  store->put(buckets + "/b1", yaml(R"({apiVersion: source.toolkit.fluxcd.io/v1, kind: Bucket,
    metadata: {name: b1, namespace: team-a, labels: {sharding.fluxcd.io/key: fluxaws}},
    spec: {secretRef: {name: creds}, serviceAccountName: reader}})"));
  store->put(buckets + "/b2", yaml("{metadata: {name: b2, namespace: team-a}, spec: {}}"));
  store->put(secrets + "/creds", yaml("{metadata: {name: creds, namespace: team-a}, data: {k: dg==}}"));
  store->put(secrets + "/unrelated", yaml("{metadata: {name: unrelated, namespace: team-a}}"));
  auto streams = std::make_shared<fake_streams>();
  auto rec = std::make_shared<recorded_changes>();
  watch_source_options o;
  o.ns = "team-a";
  o.label_selector = "sharding.fluxcd.io/key=fluxaws";
  o.min_backoff = 20ms;
  o.max_backoff = 100ms;
  o.opener = streams->opener();
  auto client = keep(spawn_fake_client(*sys, store));
  auto src = keep(spawn_watch_source(*sys, client, spawn_recording_sink(*sys, rec), o));

  BOOST_TEST_REQUIRE(wait_until([&] { return rec->synced == 1; }));
  auto first = rec->snapshot();
  auto text = changes_text(first);
  // The Secret the Bucket references comes first; the unrelated one never; the
  // missing ServiceAccount was looked up (404) before the Bucket was let through.
  BOOST_TEST(text.find("+Secret/creds") < text.find("+Bucket/b1"));
  BOOST_TEST(text.find("+Bucket/b2") != std::string::npos);
  BOOST_TEST(text.find("unrelated") == std::string::npos);
  BOOST_TEST(store->requests("GET", sas + "/reader").size() == 1u);
  BOOST_TEST(first.size() == 3u);
  // The selector went to the Flux kinds only.
  BOOST_TEST(store->requests("GET", buckets + "?limit=500&labelSelector=sharding.fluxcd.io%2Fkey%3Dfluxaws").size() == 1u);
  BOOST_TEST(store->requests("GET", secrets + "?limit=500").size() == 1u);

  // Watch: a MODIFIED split across chunks.
  BOOST_TEST_REQUIRE(wait_until([&] { return streams->latest(buckets + "?watch=1").has_value(); }));
  auto w = *streams->latest(buckets + "?watch=1");
  BOOST_TEST(w.req.url.find("resourceVersion=") != std::string::npos);
  BOOST_TEST(w.req.url.find("allowWatchBookmarks=true") != std::string::npos);
  BOOST_TEST(w.req.url.find("labelSelector=") != std::string::npos);
  auto line = watch_line("MODIFIED", "b2", "500", R"({"suspend":true})");
  w.cb.on_data(line.substr(0, 17));
  w.cb.on_data(line.substr(17));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 4u; }));
  BOOST_TEST(changes_text(rec->snapshot(), 3) == "~Bucket/b2 ");

  // While the watch is broken b2 is deleted and b3 created; the server says 410.
  {
    std::lock_guard<std::mutex> lock(store->mu);
    store->objects.erase(buckets + "/b2");
  }
  store->put(buckets + "/b3", yaml("{metadata: {name: b3, namespace: team-a}, spec: {}}"));
  w.cb.on_data(R"({"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old resource version"}})" "\n");
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 6u; }));
  auto after_gone = changes_text(rec->snapshot(), 4);
  BOOST_TEST(after_gone.find("-Bucket/b2") != std::string::npos);
  BOOST_TEST(after_gone.find("+Bucket/b3") != std::string::npos);
  BOOST_TEST(wait_until([&] { return !*w.alive; }));  // the old stream was dropped (joined off the scheduler)

  // A malformed line relists (nothing changed: nothing delivered) and watches again.
  auto lists_before = store->requests("GET", buckets + "?limit").size();
  BOOST_TEST_REQUIRE(wait_until([&] {
    auto l = streams->latest(buckets + "?watch=1");
    return l && *l->alive;
  }));
  auto w2 = *streams->latest(buckets + "?watch=1");
  w2.cb.on_data("{this is not json}\n");
  BOOST_TEST_REQUIRE(wait_until([&] { return store->requests("GET", buckets + "?limit").size() > lists_before; }));
  BOOST_TEST_REQUIRE(wait_until([&] {
    auto l = streams->latest(buckets + "?watch=1");
    return !*w2.alive && l && *l->alive;
  }));
  BOOST_TEST(rec->snapshot().size() == 6u);

  // The server ends a watch cleanly: it resumes at once from the last resourceVersion.
  auto w3 = *streams->latest(buckets + "?watch=1");
  w3.cb.on_data(watch_line("MODIFIED", "b3", "777"));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 7u; }));
  auto opened = streams->count();
  stream_end clean;
  clean.status = 200;
  w3.cb.on_end(clean);
  BOOST_TEST_REQUIRE(wait_until([&] { return streams->count() > opened; }));
  BOOST_TEST(streams->latest(buckets + "?watch=1")->req.url.find("resourceVersion=777") != std::string::npos);

  // b1 stops referencing the Secret: the Secret leaves the index.
  auto w4 = *streams->latest(buckets + "?watch=1");
  w4.cb.on_data(watch_line("MODIFIED", "b1", "800"));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 9u; }));
  auto tail = changes_text(rec->snapshot(), 7);
  BOOST_TEST(tail.find("-Secret/creds") != std::string::npos);
  BOOST_TEST(tail.find("~Bucket/b1") != std::string::npos);
  BOOST_TEST(rec->synced == 1);
}

BOOST_AUTO_TEST_CASE(watch_source_delivers_namespaces_whatever_the_scope_and_selector, *boost::unit_test::timeout(60)) {
  // ImagePolicy's accessFrom matches the policy namespace's labels: Namespaces are
  // listed and watched cluster-wide, without the Flux kinds' label selector.
  auto store = team_a_store();
  const std::string namespaces = "/api/v1/namespaces";
  store->put(namespaces + "/team-a", yaml("{apiVersion: v1, kind: Namespace, metadata: {name: team-a, labels: {tenant: a}}}"));
  store->put(namespaces + "/team-b", yaml("{apiVersion: v1, kind: Namespace, metadata: {name: team-b}}"));
  auto streams = std::make_shared<fake_streams>();
  auto rec = std::make_shared<recorded_changes>();
  watch_source_options o;
  o.ns = "team-a";
  o.label_selector = "sharding.fluxcd.io/key=fluxaws";
  o.opener = streams->opener();
  auto client = keep(spawn_fake_client(*sys, store));
  auto src = keep(spawn_watch_source(*sys, client, spawn_recording_sink(*sys, rec), o));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->synced == 1; }));
  auto text = changes_text(rec->snapshot());
  BOOST_TEST(text.find("+Namespace/team-a") != std::string::npos);
  BOOST_TEST(text.find("+Namespace/team-b") != std::string::npos);  // outside the watched namespace too
  BOOST_TEST(store->requests("GET", namespaces + "?limit=500").size() == 1u);
  BOOST_TEST(store->requests("GET", namespaces + "?limit=500&labelSelector").empty());
  BOOST_TEST_REQUIRE(wait_until([&] { return streams->latest(namespaces + "?watch=1").has_value(); }));
  auto w = *streams->latest(namespaces + "?watch=1");
  BOOST_TEST(w.req.url.find("labelSelector") == std::string::npos);
  auto before = rec->snapshot().size();
  w.cb.on_data(R"({"type":"MODIFIED","object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-b","resourceVersion":"900","labels":{"tenant":"a"}}}})" "\n");
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == before + 1; }));
  auto last = rec->snapshot().back();
  BOOST_TEST(changes_text({last}) == "~Namespace/team-b ");
  BOOST_TEST(last.object.at({"metadata", "labels", "tenant"})->as_string() == "a");
  // A Namespace is not a Flux object: no finalizer patch.
  BOOST_TEST(store->requests("PATCH", namespaces).empty());
}

BOOST_AUTO_TEST_CASE(watch_source_reconnects_after_a_broken_stream, *boost::unit_test::timeout(60)) {
  auto store = team_a_store();
  auto streams = std::make_shared<fake_streams>();
  auto rec = std::make_shared<recorded_changes>();
  watch_source_options o;
  o.ns = "team-a";
  o.references = false;
  o.min_backoff = 20ms;
  o.max_backoff = 50ms;
  o.opener = streams->opener();
  auto client = keep(spawn_fake_client(*sys, store));
  auto src = keep(spawn_watch_source(*sys, client, spawn_recording_sink(*sys, rec), o));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->synced == 1 && streams->latest(buckets + "?watch=1").has_value(); }));
  auto w = *streams->latest(buckets + "?watch=1");
  w.cb.on_data(watch_line("ADDED", "x", "300"));
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 1u; }));
  auto opened = streams->count();
  stream_end cut;
  cut.fail = http::failure::io;
  cut.error = "connection reset";
  w.cb.on_end(cut);  // cut mid-stream: reconnect after a backoff, from resourceVersion 300
  BOOST_TEST_REQUIRE(wait_until([&] { return streams->count() > opened; }));
  BOOST_TEST(streams->latest(buckets + "?watch=1")->req.url.find("resourceVersion=300") != std::string::npos);
  stream_end gone;
  gone.status = 410;
  auto lists = store->requests("GET", buckets + "?limit").size();
  streams->latest(buckets + "?watch=1")->cb.on_end(gone);  // the watch request itself answered 410
  BOOST_TEST_REQUIRE(wait_until([&] { return store->requests("GET", buckets + "?limit").size() > lists; }));
  // x was only ever seen on the watch and is not in the list: the relist deletes it.
  BOOST_TEST_REQUIRE(wait_until([&] { return rec->snapshot().size() == 2u; }));
  BOOST_TEST(changes_text(rec->snapshot(), 1) == "-Bucket/x ");
}

BOOST_AUTO_TEST_CASE(status_sink_patches_retries_conflicts_and_records_events, *boost::unit_test::timeout(60)) {
  auto store = team_a_store();
  store->put(buckets + "/b1", yaml(R"({apiVersion: source.toolkit.fluxcd.io/v1, kind: Bucket,
    metadata: {name: b1, namespace: team-a, generation: 3}, spec: {},
    status: {observedGeneration: 1, stale: remove-me, artifact: {revision: old}}})"));
  std::atomic<int> conflicts{0};
  store->intercept = [&](const api_request& r) -> std::optional<api_response> {
    if (r.method == "PATCH" && r.path.find("/status") != std::string::npos && conflicts.fetch_add(1) == 0)
      return api_response{409, R"({"kind":"Status","reason":"Conflict","code":409})", {}};
    return std::nullopt;
  };
  auto client = keep(spawn_fake_client(*sys, store));
  event_recorder_options eo;
  eo.instance = "test";
  auto events = keep(spawn_event_recorder(*sys, client, eo));
  actors::cluster_status_sink_options so;
  so.kube = client;
  so.events = events;
  auto sink = keep(actors::spawn_cluster_status_sink(*sys, so));

  auto object = [](const std::string& status) {
    return yaml(R"({apiVersion: source.toolkit.fluxcd.io/v1, kind: Bucket, metadata: {name: b1, namespace: team-a}, status: )" +
                status + "}");
  };
  kube::object_key key{"Bucket", "team-a", "b1"};
  caf::scoped_actor self{*sys};
  self->send(sink, actors::status_atom::value,
             actors::status_report{key, object("{observedGeneration: 3, conditions: [{type: Ready, status: Unknown, reason: Progressing, message: working}]}")});
  bool flushed = false;
  // Reports are coalesced per object: flush so the first one is written on its own.
  self->request(sink, 30s, actors::flush_atom::value).receive([&](bool ok) { flushed = ok; }, [](caf::error&) {});
  BOOST_TEST(flushed);
  self->send(sink, actors::status_atom::value,
             actors::status_report{key, object(R"({observedGeneration: 3, artifact: {revision: "sha256:new"},
               conditions: [{type: Ready, status: "True", reason: Succeeded, message: "stored artifact for revision 'sha256:new'"}]})")});
  flushed = false;
  self->request(sink, 30s, actors::flush_atom::value).receive([&](bool ok) { flushed = ok; }, [](caf::error&) {});
  BOOST_TEST(flushed);
  auto live = store->get(buckets + "/b1");
  BOOST_TEST_REQUIRE(live.has_value());
  BOOST_TEST(live->at({"status", "observedGeneration"})->as_int() == 3);
  BOOST_TEST(live->at({"status", "artifact", "revision"})->as_string() == "sha256:new");
  BOOST_TEST(!live->at({"status", "stale"}));  // nulled after the conflict showed it
  BOOST_TEST(conflicts.load() >= 2);
  BOOST_TEST(store->requests("GET", buckets + "/b1").size() >= 1u);  // the refetch
  auto patches = store->requests("PATCH", buckets + "/b1/status");
  BOOST_TEST_REQUIRE(!patches.empty());
  BOOST_TEST(patches.back().content_type == "application/merge-patch+json");

  // NewArtifact was recorded for the second report (the first only sets "before").
  BOOST_TEST_REQUIRE(wait_until([&] { return !store->requests("POST", "/api/v1/namespaces/team-a/events").empty(); }));
  auto ev = store->requests("POST", "/api/v1/namespaces/team-a/events");
  BOOST_TEST(ev.size() == 1u);
  BOOST_TEST(ev[0].body.find("\"reason\":\"NewArtifact\"") != std::string::npos);
  BOOST_TEST(ev[0].body.find("source.toolkit.fluxcd.io/revision") != std::string::npos);

  // A status for an object that is gone (404) and a deleted report are skipped.
  kube::object_key gone{"Bucket", "team-a", "gone"};
  self->send(sink, actors::status_atom::value, actors::status_report{gone, object("{observedGeneration: 1}")});
  self->send(sink, actors::status_atom::value, actors::status_report{gone, json::value(), true});
  flushed = false;
  self->request(sink, 30s, actors::flush_atom::value).receive([&](bool ok) { flushed = ok; }, [](caf::error&) {});
  BOOST_TEST(flushed);
  BOOST_TEST(!store->get(buckets + "/gone").has_value());
}

BOOST_AUTO_TEST_CASE(token_request_issuer_asks_the_api_server, *boost::unit_test::timeout(30)) {
  auto store = team_a_store();
  store->intercept = [](const api_request& r) -> std::optional<api_response> {
    if (r.method == "POST" && r.path == "/api/v1/namespaces/team-a/serviceaccounts/reader/token")
      return api_response{201, R"({"status":{"token":"header.payload.sig","expirationTimestamp":"2031-05-01T10:00:00Z"}})", {}};
    return std::nullopt;
  };
  auto client = keep(spawn_fake_client(*sys, store));
  auto issuer = keep(spawn_token_request_issuer(*sys, client));
  caf::scoped_actor self{*sys};
  sa_token_reply got;
  self->request(issuer, 10s, sa_token_atom::value, sa_token_request{"team-a", "reader", "sts.amazonaws.com", 3600s})
      .receive([&](sa_token_reply& r) { got = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(got.ok);
  BOOST_TEST(got.token == "header.payload.sig");
  auto posted = store->requests("POST", "/api/v1/namespaces/team-a/serviceaccounts/reader/token");
  BOOST_TEST_REQUIRE(posted.size() == 1u);
  BOOST_TEST(posted[0].body.find("\"audiences\":[\"sts.amazonaws.com\"]") != std::string::npos);
  sa_token_reply missing;
  self->request(issuer, 10s, sa_token_atom::value, sa_token_request{"team-a", "nobody", "sts.amazonaws.com", 3600s})
      .receive([&](sa_token_reply& r) { missing = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(!missing.ok);
  BOOST_TEST(missing.error.message.find("ServiceAccount/team-a/nobody") != std::string::npos);
}

namespace {
struct leadership_log {
  std::mutex mu;
  std::vector<std::pair<std::string, bool>> events;
  std::vector<std::pair<std::string, bool>> snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return events;
  }
};
caf::behavior leadership_listener(caf::event_based_actor*, std::shared_ptr<leadership_log> log, std::string who) {
  return {[log, who](leader_atom, bool leading) {
    std::lock_guard<std::mutex> lock(log->mu);
    log->events.emplace_back(who, leading);
  }};
}
election_params fast(const std::string& id) {
  election_params p;
  p.ns = "flux-system";
  p.name = lease_name("fluxaws-leader-election", "sharding.fluxcd.io/key=fluxaws");
  p.identity = id;
  // Generous against a loaded machine: A renews every second and loses only after 4 s
  // without a successful renewal.
  p.lease_duration = 6s;
  p.renew_deadline = 4s;
  p.retry_period = 1s;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(leader_election_hands_over_and_detects_loss, *boost::unit_test::timeout(90)) {
  auto store = team_a_store();
  store->collections.insert("/apis/coordination.k8s.io/v1/namespaces/flux-system/leases");
  std::atomic<bool> partition_a{false};
  store->intercept = [&](const api_request& r) -> std::optional<api_response> {
    if (partition_a && r.method == "PUT" && r.body.find("\"holderIdentity\":\"pod-a\"") != std::string::npos)
      return api_response{503, R"({"kind":"Status","code":503})", {}};
    return std::nullopt;
  };
  auto client = keep(spawn_fake_client(*sys, store));
  auto log = std::make_shared<leadership_log>();
  auto la = keep(sys->spawn(leadership_listener, log, std::string("a")));
  auto lb = keep(sys->spawn(leadership_listener, log, std::string("b")));
  auto a = keep(spawn_leader_elector(*sys, client, fast("pod-a"), la));
  BOOST_TEST_REQUIRE(wait_until([&] { return log->snapshot().size() == 1u; }));
  BOOST_TEST((log->snapshot()[0] == std::pair<std::string, bool>{"a", true}));
  auto b = keep(spawn_leader_elector(*sys, client, fast("pod-b"), lb));
  std::this_thread::sleep_for(2500ms);  // a few of B's rounds: A renews, B must not take over
  BOOST_TEST(log->snapshot().size() == 1u);
  auto lease_path = "/apis/coordination.k8s.io/v1/namespaces/flux-system/leases/" + fast("x").name;
  BOOST_TEST(store->get(lease_path)->at({"spec", "holderIdentity"})->as_string() == "pod-a");

  // A cannot renew any more: it steps down after the renew deadline, B takes over.
  partition_a = true;
  BOOST_TEST_REQUIRE(wait_until([&] { return log->snapshot().size() >= 3u; }, 30s));
  auto ev = log->snapshot();
  BOOST_TEST((std::find(ev.begin(), ev.end(), std::pair<std::string, bool>{"a", false}) != ev.end()));
  BOOST_TEST((std::find(ev.begin(), ev.end(), std::pair<std::string, bool>{"b", true}) != ev.end()));
  auto lease = store->get(lease_path);
  BOOST_TEST(lease->at({"spec", "holderIdentity"})->as_string() == "pod-b");
  BOOST_TEST(lease->at({"spec", "leaseTransitions"})->as_int() == 1);

  // B resigns: the Lease is handed over with an empty holder.
  caf::scoped_actor self{*sys};
  bool resigned = false;
  self->request(b, 10s, resign_atom::value).receive([&](bool ok) { resigned = ok; }, [](caf::error&) {});
  BOOST_TEST(resigned);
  BOOST_TEST(store->get(lease_path)->at({"spec", "holderIdentity"})->as_string() == "");
  bool b_leads = true;
  self->request(b, 10s, leader_atom::value).receive([&](bool l) { b_leads = l; }, [](caf::error&) {});
  BOOST_TEST(!b_leads);
}

BOOST_AUTO_TEST_CASE(server_side_apply_then_prune, *boost::unit_test::timeout(60)) {
  auto store = team_a_store();
  store->intercept = [](const api_request& r) -> std::optional<api_response> {
    if (r.method == "GET" && r.path == "/api/v1")
      return api_response{200, R"({"resources":[{"name":"namespaces","namespaced":false,"kind":"Namespace"},
        {"name":"configmaps","namespaced":true,"kind":"ConfigMap"}]})", {}};
    if (r.method == "GET" && r.path == "/apis/batch/v1")
      return api_response{200, R"({"resources":[{"name":"jobs","namespaced":true,"kind":"Job"}]})", {}};
    if (r.method == "GET" && r.path == "/apis/apps/v1")
      return api_response{200, R"({"resources":[{"name":"deployments","namespaced":true,"kind":"Deployment"},
        {"name":"deployments/scale","namespaced":true,"kind":"Scale"}]})", {}};
    if (r.method == "PATCH" && r.path.find("/configmaps/bad?") != std::string::npos)
      return api_response{422, R"({"kind":"Status","reason":"Invalid","message":"ConfigMap \"bad\" is invalid: data: Invalid value","code":422})", {}};
    return std::nullopt;
  };
  store->put("/api/v1/namespaces/apps/configmaps/old", yaml("{metadata: {name: old, namespace: apps}}"));
  store->put("/api/v1/namespaces/apps/configmaps/kept",
             yaml("{metadata: {name: kept, namespace: apps, annotations: {kustomize.toolkit.fluxcd.io/prune: disabled}}}"));
  auto client = keep(spawn_fake_client(*sys, store));
  auto applier = keep(spawn_applier(*sys, client));
  apply_request req;
  req.owner = {"Kustomization", "flux-system", "apps"};
  req.default_namespace = "apps";
  req.prune = true;
  req.manifests = {yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1}}"),
                   yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg, namespace: apps}}"),
                   yaml("{apiVersion: v1, kind: Namespace, metadata: {name: apps, namespace: stray}}")};
  req.previous_inventory = inventory_json({{"apps_old__ConfigMap", "v1"}, {"apps_kept__ConfigMap", "v1"}, {"apps_cfg__ConfigMap", "v1"}});
  caf::scoped_actor self{*sys};
  apply_result res;
  self->request(applier, 30s, apply_atom::value, req).receive([&](apply_result& r) { res = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(res.ok, res.error.message);
  std::vector<std::string> applied{"Namespace/apps", "Deployment/apps/web", "ConfigMap/apps/cfg"};
  BOOST_TEST(res.applied == applied, boost::test_tools::per_element());
  BOOST_TEST(json::dump(res.inventory) ==
             R"({"entries":[{"id":"_apps__Namespace","v":"v1"},{"id":"apps_cfg__ConfigMap","v":"v1"},{"id":"apps_web_apps_Deployment","v":"v1"}]})");
  BOOST_TEST(res.pruned == std::vector<std::string>{"ConfigMap/apps/old"}, boost::test_tools::per_element());
  BOOST_TEST(res.skipped == std::vector<std::string>{"ConfigMap/apps/kept"}, boost::test_tools::per_element());
  BOOST_TEST(!store->get("/api/v1/namespaces/apps/configmaps/old").has_value());
  BOOST_TEST(store->get("/api/v1/namespaces/apps/configmaps/kept").has_value());
  auto web = store->get("/apis/apps/v1/namespaces/apps/deployments/web");
  BOOST_TEST_REQUIRE(web.has_value());
  BOOST_TEST(web->at({"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"})->as_string() == "apps");
  auto patches = store->requests("PATCH", "/apis/apps/v1/namespaces/apps/deployments/web");
  BOOST_TEST_REQUIRE(patches.size() == 1u);
  BOOST_TEST(patches[0].path.find("?fieldManager=fluxaws&force=true") != std::string::npos);
  BOOST_TEST(patches[0].content_type == "application/apply-patch+yaml");
  BOOST_TEST(store->get("/api/v1/namespaces/apps").has_value());  // cluster-scoped: no stray namespace
  auto deletes = store->requests("DELETE", "/api/v1/namespaces/apps/configmaps/old");
  BOOST_TEST_REQUIRE(deletes.size() == 1u);
  BOOST_TEST(deletes[0].body.find("Background") != std::string::npos);

  // A rejected manifest stops the apply: nothing is pruned, the old inventory stays.
  apply_request bad = req;
  bad.manifests.push_back(yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: bad}}"));
  bad.previous_inventory = res.inventory;
  apply_result failed;
  self->request(applier, 30s, apply_atom::value, bad).receive([&](apply_result& r) { failed = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(!failed.ok);
  BOOST_TEST(failed.error.message.find("ConfigMap/apps/bad") != std::string::npos);
  BOOST_TEST(failed.error.message.find("Invalid value") != std::string::npos);
  BOOST_TEST((failed.inventory == res.inventory));
  apply_request invalid;
  invalid.owner = req.owner;
  invalid.manifests = {yaml("{kind: ConfigMap}")};
  apply_result inv_res;
  self->request(applier, 30s, apply_atom::value, invalid).receive([&](apply_result& r) { inv_res = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(!inv_res.ok);
  BOOST_TEST(inv_res.error.code == "InvalidManifest");

  // Without a default namespace a namespaced object must carry one (kustomize-controller's
  // words); a cluster-scoped one needs none.
  apply_request placed;
  placed.owner = req.owner;
  placed.prune = true;
  placed.previous_inventory = res.inventory;
  placed.manifests = {yaml("{apiVersion: v1, kind: Namespace, metadata: {name: other}}"),
                      yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: nons}}")};
  apply_result unplaced;
  self->request(applier, 30s, apply_atom::value, placed).receive([&](apply_result& r) { unplaced = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(!unplaced.ok);
  BOOST_TEST(unplaced.error.message == "ConfigMap/nons namespace not specified");
  BOOST_TEST((unplaced.inventory == res.inventory));
  BOOST_TEST(store->requests("DELETE", "/api/v1/namespaces/apps/configmaps/cfg").empty());  // nothing pruned

  // Impersonation: every request of the job (discovery, apply, prune) goes as that user.
  auto before = store->requests("GET", "").size() + store->requests("PATCH", "").size() + store->requests("DELETE", "").size();
  apply_request as_sa;
  as_sa.owner = req.owner;
  as_sa.prune = true;
  as_sa.impersonate = "system:serviceaccount:apps:deployer";
  as_sa.previous_inventory = res.inventory;
  as_sa.manifests = {yaml("{apiVersion: batch/v1, kind: Job, metadata: {name: j, namespace: apps}}")};
  apply_result impersonated;
  self->request(applier, 30s, apply_atom::value, as_sa).receive([&](apply_result& r) { impersonated = std::move(r); }, [](caf::error&) {});
  BOOST_TEST_REQUIRE(impersonated.ok, impersonated.error.message);
  std::vector<api_request> job_requests;
  for (const char* m : {"GET", "PATCH", "DELETE"})
    for (auto& r : store->requests(m, "")) job_requests.push_back(r);
  BOOST_TEST(job_requests.size() > before);
  std::size_t as_user = 0;
  for (const auto& r : job_requests) as_user += r.impersonate_user == "system:serviceaccount:apps:deployer";
  BOOST_TEST(as_user == job_requests.size() - before);  // discovery, the PATCH, the prunes' GETs and DELETEs
  BOOST_TEST(!store->requests("PATCH", "/apis/batch/v1/namespaces/apps/jobs/j").empty());
}

namespace {
struct fake_http_state {
  static inline const char* name = "fluxaws.test.fake_http";
  fake_http_state() = default;
};
struct seen_auth {
  std::mutex mu;
  std::vector<std::string> auth;
  std::vector<std::string> content_types;
  std::vector<std::string> impersonated;
};
http::client_actor::behavior_type fake_http(http::client_actor::stateful_pointer<fake_http_state>, std::shared_ptr<seen_auth> seen) {
  return {
      [seen](http::request_atom, http::request& req) {
        http::response r;
        std::string auth;
        for (const auto& [k, v] : req.headers) {
          if (k == "Authorization") auth = v;
          if (k == "Impersonate-User") {
            std::lock_guard<std::mutex> lock(seen->mu);
            seen->impersonated.push_back(v);
          }
          if (k == "Content-Type") {
            std::lock_guard<std::mutex> lock(seen->mu);
            seen->content_types.push_back(v);
          }
        }
        {
          std::lock_guard<std::mutex> lock(seen->mu);
          seen->auth.push_back(auth);
        }
        r.status = auth == "Bearer rotated" ? 200 : 401;
        r.body = r.status == 200 ? R"({"kind":"Bucket"})" : R"({"kind":"Status","reason":"Unauthorized","code":401})";
        return r;
      },
      [](http::stats_atom) { return http::client_stats{}; },
  };
}
}  // namespace

BOOST_AUTO_TEST_CASE(kube_client_rereads_a_rotated_token_after_401, *boost::unit_test::timeout(30)) {
  auto dir = std::filesystem::temp_directory_path() / ("fluxaws-kube-token-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto token = dir / "token";
  std::ofstream(token) << "expired\n";
  auto seen = std::make_shared<seen_auth>();
  auto http_client = keep(sys->spawn(fake_http, seen));
  client_settings s;
  s.cluster.server = "https://api.invalid:6443";
  s.cluster.token_file = token.string();
  auto kube_client = keep(spawn_kube_client(*sys, s, http_client));
  caf::scoped_actor self{*sys};
  api_response first;
  self->request(kube_client, 10s, api_atom::value, api_request{"GET", "/apis/x", "", "", 5s, ""})
      .receive([&](api_response& r) { first = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(first.status == 401);  // retried once with the same (unchanged) token
  BOOST_TEST(first.to_error("Bucket/a/b").code == "Unauthorized");
  std::ofstream(token) << "rotated\n";
  api_response second;
  self->request(kube_client, 10s, api_atom::value, api_request{"PATCH", "/apis/x", "{}", "application/merge-patch+json", 5s, ""})
      .receive([&](api_response& r) { second = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(second.status == 200);
  std::lock_guard<std::mutex> lock(seen->mu);
  std::vector<std::string> expect{"Bearer expired", "Bearer expired", "Bearer expired", "Bearer rotated"};
  BOOST_TEST(seen->auth == expect, boost::test_tools::per_element());
  BOOST_TEST(seen->content_types.back() == "application/merge-patch+json");
  BOOST_TEST(seen->impersonated.empty());  // only when asked
  std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(kube_client_impersonates_when_asked, *boost::unit_test::timeout(30)) {
  auto seen = std::make_shared<seen_auth>();
  auto http_client = keep(sys->spawn(fake_http, seen));
  client_settings s;
  s.cluster.server = "https://api.invalid:6443";
  s.cluster.token = "rotated";
  auto kube_client = keep(spawn_kube_client(*sys, s, http_client));
  auto as_sa = api_request{"GET", "/apis/x", "", "", 5s, ""};
  as_sa.impersonate_user = "system:serviceaccount:team-a:deployer";
  caf::scoped_actor self{*sys};
  api_response answer;
  self->request(kube_client, 10s, api_atom::value, as_sa).receive([&](api_response& r) { answer = std::move(r); }, [](caf::error&) {});
  BOOST_TEST(answer.status == 200);
  std::lock_guard<std::mutex> lock(seen->mu);
  BOOST_TEST(seen->impersonated == std::vector<std::string>{"system:serviceaccount:team-a:deployer"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
