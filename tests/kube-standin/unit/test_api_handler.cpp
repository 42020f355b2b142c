// The REST semantics driven in-process: the same handler the server runs, no sockets.
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "adapters/common/yaml_json.hpp"
#include "tests/kube-standin/api_handler.hpp"

using namespace kstand;
using fluxaws::json::value;

namespace {

value j(const std::string& text) { return fluxaws::json::parse(text).value(); }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kBuckets = "/apis/source.toolkit.fluxcd.io/v1/namespaces/t/buckets";

struct fixture {
  object_store store{50};
  resource_catalog catalog;
  std::shared_ptr<token_signer> signer = token_signer::generate().value();
  std::unique_ptr<api_handler> h;
  int writes = 0;

  fixture() {
    handler_options o;
    o.admin_token = "admin-token";
    o.issuer = "https://oidc.test";
    o.signer = signer;
    h = std::make_unique<api_handler>(o, store, catalog);
    h->on_write([this] { ++writes; });
    h->ensure_system_namespaces();
    const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
    BOOST_REQUIRE_MESSAGE(shared, "FLUXAWS_SHARED_DIR is not set (run through ctest)");
    auto crd = fluxaws::yamljson::parse_yaml(slurp(std::string(shared) + "/testdata/flux-crds/source.toolkit.fluxcd.io_buckets.yaml"));
    BOOST_REQUIRE(crd.ok());
    auto r = call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", fluxaws::json::dump(*crd));
    BOOST_REQUIRE_EQUAL(r.status, 201);
  }

  api_response call(const std::string& method, const std::string& target, const std::string& body = "",
                    const std::string& content_type = "application/json", const std::string& accept = "application/json",
                    const std::string& auth = "Bearer admin-token") {
    api_request req{method, target, content_type, accept, auth, body, ""};
    auto out = h->handle(req);
    BOOST_REQUIRE_MESSAGE(std::holds_alternative<api_response>(out), "unexpected watch for " + target);
    return std::get<api_response>(out);
  }
  value obj(const api_response& r) { return j(r.body); }

  std::string bucket(const char* name, const char* extra = "") {
    return std::string(R"({"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"Bucket","metadata":{"name":")") + name +
           R"("},"spec":{"bucketName":"b","endpoint":"s3.amazonaws.com","interval":"5m"}, "status":{"x":1})" + extra + "}";
  }
};

std::string rv_of(const value& v) { return v.at({"metadata", "resourceVersion"})->as_string(); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(api_handler_semantics, fixture)

BOOST_AUTO_TEST_CASE(requests_need_the_bearer_token) {
  BOOST_TEST(call("GET", "/api/v1/namespaces", "", "", "", "").status == 401);
  BOOST_TEST(call("GET", "/api/v1/namespaces", "", "", "", "Bearer wrong").status == 401);
  BOOST_TEST(call("GET", "/api/v1/namespaces").status == 200);
  BOOST_TEST(call("GET", "/healthz", "", "", "", "").status == 200);
  BOOST_TEST(call("GET", "/version", "", "", "", "").status == 200);
}

BOOST_AUTO_TEST_CASE(discovery_shows_crd_groups_and_subresources) {
  auto groups = call("GET", "/apis");
  BOOST_TEST(groups.body.find("\"source.toolkit.fluxcd.io\"") != std::string::npos);
  auto list = obj(call("GET", "/apis/source.toolkit.fluxcd.io/v1"));
  std::vector<std::string> names;
  for (const auto& r : list.find("resources")->as_array()) names.push_back(r.find("name")->as_string());
  BOOST_TEST(names == (std::vector<std::string>{"buckets", "buckets/status"}));
  auto core = call("GET", "/api/v1").body;
  BOOST_TEST(core.find("\"serviceaccounts/token\"") != std::string::npos);
  BOOST_TEST(call("GET", "/apis/nothing.example.com/v1").status == 404);
  auto crd = obj(call("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/buckets.source.toolkit.fluxcd.io"));
  std::string conds = fluxaws::json::dump(*crd.at({"status", "conditions"}));
  BOOST_TEST(conds.find("\"Established\"") != std::string::npos);
  BOOST_TEST(conds.find("\"NamesAccepted\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(create_get_and_already_exists) {
  auto r = call("POST", kBuckets, bucket("a"));
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto created = obj(r);
  BOOST_TEST(created.at({"metadata", "generation"})->as_int() == 1);
  BOOST_TEST(!created.at({"metadata", "uid"})->as_string().empty());
  BOOST_TEST(created.at({"metadata", "namespace"})->as_string() == "t");
  BOOST_TEST(created.at({"spec", "provider"})->as_string() == "generic");          // schema default
  BOOST_TEST(created.at({"status", "observedGeneration"})->as_int() == -1);        // status dropped, then defaulted
  BOOST_TEST(!created.at({"status", "x"}));
  auto again = call("POST", kBuckets, bucket("a"));
  BOOST_TEST(again.status == 409);
  BOOST_TEST(obj(again).find("reason")->as_string() == "AlreadyExists");
  BOOST_TEST(call("GET", std::string(kBuckets) + "/a").status == 200);
  auto missing = call("GET", std::string(kBuckets) + "/zz");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(obj(missing).find("message")->as_string() == "buckets.source.toolkit.fluxcd.io \"zz\" not found");
  BOOST_TEST(call("POST", kBuckets, "{not json").status == 400);
  BOOST_TEST(call("POST", kBuckets, R"({"kind":"Bucket","metadata":{}})").status == 422);
  BOOST_TEST(call("POST", kBuckets, R"({"kind":"Secret","metadata":{"name":"q"}})").status == 400);
  BOOST_TEST(call("POST", kBuckets, bucket("p"), "application/vnd.kubernetes.protobuf").status == 415);
}

BOOST_AUTO_TEST_CASE(put_conflicts_on_a_stale_resource_version) {
  auto created = obj(call("POST", kBuckets, bucket("a")));
  value edit = created;
  edit["spec"].set("endpoint", "other");
  auto ok = call("PUT", std::string(kBuckets) + "/a", fluxaws::json::dump(edit));
  BOOST_REQUIRE_EQUAL(ok.status, 200);
  BOOST_TEST(obj(ok).at({"metadata", "generation"})->as_int() == 2);
  auto stale = call("PUT", std::string(kBuckets) + "/a", fluxaws::json::dump(edit));  // same (old) resourceVersion
  BOOST_TEST(stale.status == 409);
  BOOST_TEST(obj(stale).find("reason")->as_string() == "Conflict");
  value no_rv = edit;
  no_rv["metadata"].erase("resourceVersion");
  BOOST_TEST(call("PUT", std::string(kBuckets) + "/a", fluxaws::json::dump(no_rv)).status == 422);
  value renamed = obj(ok);
  renamed["metadata"].set("name", "b");
  BOOST_TEST(call("PUT", std::string(kBuckets) + "/a", fluxaws::json::dump(renamed)).status == 400);
}

BOOST_AUTO_TEST_CASE(status_subresource_separates_spec_and_status) {
  auto created = obj(call("POST", kBuckets, bucket("a")));
  value st = created;
  st.set("status", j(R"({"observedGeneration":1,"conditions":[{"type":"Ready","status":"True"}]})"));
  st["spec"].set("endpoint", "ignored");
  auto r = call("PUT", std::string(kBuckets) + "/a/status", fluxaws::json::dump(st));
  BOOST_REQUIRE_EQUAL(r.status, 200);
  auto after = obj(r);
  BOOST_TEST(after.at({"spec", "endpoint"})->as_string() == "s3.amazonaws.com");  // spec untouched
  BOOST_TEST(after.at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(after.at({"metadata", "generation"})->as_int() == 1);  // status writes do not bump it
  // A main-resource write keeps the stored status.
  value main = after;
  main.set("status", j(R"({"observedGeneration":99})"));
  main["metadata"]["labels"].set("l", "1");
  auto m = obj(call("PUT", std::string(kBuckets) + "/a", fluxaws::json::dump(main)));
  BOOST_TEST(m.at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(m.at({"metadata", "generation"})->as_int() == 1);  // metadata only: no bump
  // Merge patch on /status.
  auto p = call("PATCH", std::string(kBuckets) + "/a/status", R"({"status":{"observedGeneration":2},"spec":{"endpoint":"x"}})",
                "application/merge-patch+json");
  BOOST_REQUIRE_EQUAL(p.status, 200);
  BOOST_TEST(obj(p).at({"status", "observedGeneration"})->as_int() == 2);
  BOOST_TEST(obj(p).at({"spec", "endpoint"})->as_string() == "s3.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(a_write_that_changes_nothing_keeps_the_resource_version) {
  auto created = obj(call("POST", kBuckets, bucket("a")));
  uint64_t before = store.current_rv();
  auto r = call("PATCH", std::string(kBuckets) + "/a", R"({"spec":{"endpoint":"s3.amazonaws.com"}})", "application/merge-patch+json");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(rv_of(obj(r)) == rv_of(created));
  BOOST_TEST(store.current_rv() == before);
}

BOOST_AUTO_TEST_CASE(patch_formats_and_preconditions) {
  auto created = obj(call("POST", kBuckets, bucket("a")));
  const std::string url = std::string(kBuckets) + "/a";
  auto stale = call("PATCH", url, R"({"metadata":{"resourceVersion":"1"},"spec":{"endpoint":"x"}})", "application/merge-patch+json");
  BOOST_TEST(stale.status == 409);
  auto fresh = call("PATCH", url, R"({"metadata":{"resourceVersion":")" + rv_of(created) + R"("},"spec":{"endpoint":"x"}})",
                    "application/merge-patch+json");
  BOOST_TEST(fresh.status == 200);
  BOOST_TEST(call("PATCH", url, R"({"spec":{"endpoint":"y"}})", "application/strategic-merge-patch+json").status == 415);
  auto jp = call("PATCH", url, R"([{"op":"replace","path":"/spec/endpoint","value":"z"}])", "application/json-patch+json");
  BOOST_REQUIRE_EQUAL(jp.status, 200);
  BOOST_TEST(obj(jp).at({"spec", "endpoint"})->as_string() == "z");
  BOOST_TEST(call("PATCH", url, R"([{"op":"test","path":"/spec/endpoint","value":"nope"}])", "application/json-patch+json").status == 422);
  BOOST_TEST(call("PATCH", url, R"({})", "text/plain").status == 415);
  BOOST_TEST(call("PATCH", std::string(kBuckets) + "/missing", R"({})", "application/merge-patch+json").status == 404);
  // Strategic merge patch works on built-ins.
  BOOST_TEST(call("POST", "/api/v1/namespaces/t/configmaps", R"({"metadata":{"name":"c"},"data":{"a":"1"}})").status == 201);
  auto smp = call("PATCH", "/api/v1/namespaces/t/configmaps/c", R"({"data":{"b":"2"}})", "application/strategic-merge-patch+json");
  BOOST_TEST(obj(smp).find("data")->size() == 2u);
}

BOOST_AUTO_TEST_CASE(server_side_apply_creates_merges_and_records_the_manager) {
  const std::string url = std::string(kBuckets) + "/s";
  const std::string yaml = "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata:\n  name: s\nspec:\n"
                           "  bucketName: b\n  endpoint: e\n  interval: 1m\n";
  BOOST_TEST(call("PATCH", url, yaml, "application/apply-patch+yaml").status == 422);  // no fieldManager
  auto r = call("PATCH", url + "?fieldManager=fluxaws&force=true", yaml, "application/apply-patch+yaml");
  BOOST_REQUIRE_EQUAL(r.status, 201);
  BOOST_TEST(obj(r).at({"metadata", "managedFields"})->as_array()[0].find("manager")->as_string() == "fluxaws");
  auto st = call("PATCH", url + "/status?fieldManager=fluxaws",
                 "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata:\n  name: s\nstatus:\n  observedGeneration: 1\n",
                 "application/apply-patch+yaml");
  BOOST_REQUIRE_EQUAL(st.status, 200);
  BOOST_TEST(obj(st).at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(obj(st).at({"metadata", "managedFields"})->as_array().size() == 2u);
}

BOOST_AUTO_TEST_CASE(armed_conflicts_hit_status_writes_only_as_many_times_as_asked) {
  auto created = obj(call("POST", kBuckets, bucket("a")));
  BOOST_TEST(call("POST", "/_standin/faults/status-conflicts?count=2", "", "", "", "").status == 200);
  const std::string url = std::string(kBuckets) + "/a/status";
  const std::string patch = R"({"status":{"observedGeneration":1}})";
  BOOST_TEST(call("PATCH", url, patch, "application/merge-patch+json").status == 409);
  BOOST_TEST(call("PATCH", std::string(kBuckets) + "/a", R"({"metadata":{"labels":{"a":"b"}}})", "application/merge-patch+json").status == 200);
  BOOST_TEST(call("PATCH", url, patch, "application/merge-patch+json").status == 409);
  BOOST_TEST(call("PATCH", url, patch, "application/merge-patch+json").status == 200);
}

BOOST_AUTO_TEST_CASE(impersonation_is_accepted_counted_and_refused_when_arranged) {
  auto as = [&](const std::string& user, const std::string& method, const std::string& target, const std::string& body) {
    api_request req{method, target, "application/merge-patch+json", "application/json", "Bearer admin-token", body, user};
    return std::get<api_response>(h->handle(req));
  };
  const std::string sa = "system:serviceaccount:t:deployer";
  BOOST_TEST(call("POST", kBuckets, bucket("imp")).status == 201);
  BOOST_TEST(as(sa, "GET", std::string(kBuckets) + "/imp", "").status == 200);
  BOOST_TEST(call("POST", "/_standin/impersonation/forbid?user=" + sa, "", "", "", "").status == 200);
  auto refused = as(sa, "PATCH", std::string(kBuckets) + "/imp", R"({"metadata":{"labels":{"a":"b"}}})");
  BOOST_TEST(refused.status == 403);
  BOOST_TEST(obj(refused).find("reason")->as_string() == "Forbidden");
  BOOST_TEST(obj(refused).find("message")->as_string() ==
             "buckets.source.toolkit.fluxcd.io \"imp\" is forbidden: User \"system:serviceaccount:t:deployer\" cannot "
             "patch resource \"buckets\" in API group \"source.toolkit.fluxcd.io\" in the namespace \"t\"");
  BOOST_TEST(call("PATCH", std::string(kBuckets) + "/imp", R"({"metadata":{"labels":{"a":"b"}}})",
                  "application/merge-patch+json").status == 200);  // the admin itself is not refused
  auto state = obj(call("GET", "/_standin/state"));
  BOOST_TEST(state.at({"impersonated", sa})->as_int() == 2);
  BOOST_TEST(call("POST", "/_standin/faults/reset", "", "", "", "").status == 200);
  BOOST_TEST(as(sa, "GET", std::string(kBuckets) + "/imp", "").status == 200);
}

BOOST_AUTO_TEST_CASE(finalizers_hold_deletion_until_removed) {
  auto created = obj(call("POST", kBuckets, bucket("f")));
  call("PATCH", std::string(kBuckets) + "/f", R"({"metadata":{"finalizers":["finalizers.fluxcd.io"]}})", "application/merge-patch+json");
  auto del = call("DELETE", std::string(kBuckets) + "/f");
  BOOST_REQUIRE_EQUAL(del.status, 200);
  BOOST_TEST(obj(del).at({"metadata", "deletionTimestamp"}));
  BOOST_TEST(obj(del).at({"metadata", "generation"})->as_int() == 2);
  BOOST_TEST(call("GET", std::string(kBuckets) + "/f").status == 200);
  auto done = call("PATCH", std::string(kBuckets) + "/f", R"({"metadata":{"finalizers":null}})", "application/merge-patch+json");
  BOOST_TEST(done.status == 200);
  BOOST_TEST(call("GET", std::string(kBuckets) + "/f").status == 404);
}

BOOST_AUTO_TEST_CASE(deleting_a_namespace_or_a_crd_cascades) {
  call("POST", kBuckets, bucket("a"));
  call("POST", "/api/v1/namespaces/t/secrets", R"({"metadata":{"name":"s"},"stringData":{"k":"v"}})");
  call("POST", "/api/v1/namespaces", R"({"metadata":{"name":"t"}})");
  BOOST_TEST(call("DELETE", "/api/v1/namespaces/t").status == 200);
  BOOST_TEST(call("GET", "/api/v1/namespaces/t/secrets/s").status == 404);
  BOOST_TEST(call("GET", std::string(kBuckets) + "/a").status == 404);
  call("POST", kBuckets, bucket("b"));
  BOOST_TEST(call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/buckets.source.toolkit.fluxcd.io").status == 200);
  BOOST_TEST(call("GET", std::string(kBuckets) + "/b").status == 404);  // not served any more
  BOOST_TEST(store.list("source.toolkit.fluxcd.io/buckets", "").empty());
  BOOST_TEST(call("GET", "/apis").body.find("source.toolkit.fluxcd.io") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_filter_and_paginate) {
  for (const char* n : {"a", "b", "c", "d", "e"})
    call("POST", kBuckets, std::string(R"({"metadata":{"name":")") + n + R"(","labels":{"odd":")" +
                              ((n[0] - 'a') % 2 ? "no" : "yes") + R"("}},"spec":{}})");
  auto odd = obj(call("GET", std::string(kBuckets) + "?labelSelector=odd%3Dyes"));
  BOOST_TEST(odd.find("items")->size() == 3u);
  auto named = obj(call("GET", "/apis/source.toolkit.fluxcd.io/v1/buckets?fieldSelector=metadata.name%3Dd"));
  BOOST_TEST(named.find("items")->size() == 1u);
  std::vector<std::string> seen;
  std::string cont;
  for (int page = 0; page < 5; ++page) {
    auto r = obj(call("GET", std::string(kBuckets) + "?limit=2" + (cont.empty() ? "" : "&continue=" + cont)));
    for (const auto& i : r.find("items")->as_array()) seen.push_back(i.at({"metadata", "name"})->as_string());
    const value* c = r.at({"metadata", "continue"});
    if (!c) break;
    cont = c->as_string();
  }
  BOOST_TEST(seen == (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  call("POST", kBuckets, bucket("f"));
  store.compact();  // the token's resourceVersion is now older than anything watchable
  BOOST_TEST(call("GET", std::string(kBuckets) + "?limit=2&continue=" + cont).status == 410);
  auto table = obj(call("GET", kBuckets, "", "", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
  BOOST_TEST(table.find("kind")->as_string() == "Table");
  BOOST_TEST(table.find("rows")->size() == 6u);
  BOOST_TEST(call("GET", std::string(kBuckets) + "?labelSelector=odd%20in%20x").status == 400);
}

BOOST_AUTO_TEST_CASE(watches_resume_expire_and_follow_selectors) {
  auto a = obj(call("POST", kBuckets, bucket("a")));
  api_request req{"GET", std::string(kBuckets) + "?watch=1&labelSelector=shard%3D1&resourceVersion=" + rv_of(a), "", "",
                  "Bearer admin-token", "", ""};
  auto out = h->handle(req);
  BOOST_REQUIRE(std::holds_alternative<watch_spec>(out));
  std::vector<std::string> events;
  bool closed = false;
  auto id = h->open_watch(
      std::get<watch_spec>(out),
      [&](std::string line) {
        auto ev = j(line);
        events.push_back(ev.find("type")->as_string() + " " + ev.at({"object", "metadata", "name"})->as_string());
      },
      [&] { closed = true; });
  BOOST_REQUIRE(id != 0);
  const std::string url = std::string(kBuckets) + "/a";
  call("PATCH", url, R"({"metadata":{"labels":{"shard":"1"}}})", "application/merge-patch+json");   // enters: ADDED
  call("PATCH", url, R"({"spec":{"endpoint":"x"}})", "application/merge-patch+json");              // MODIFIED
  call("PATCH", url, R"({"metadata":{"labels":{"shard":"2"}}})", "application/merge-patch+json");   // leaves: DELETED
  call("POST", kBuckets, R"({"metadata":{"name":"b","labels":{"shard":"1"}},"spec":{}})");
  call("DELETE", std::string(kBuckets) + "/b");
  BOOST_TEST(events == (std::vector<std::string>{"ADDED a", "MODIFIED a", "DELETED a", "ADDED b", "DELETED b"}),
             [&] { std::string all; for (auto& e : events) all += e + "; "; return all; }());
  BOOST_TEST(call("POST", "/_standin/watches/cut", "", "", "", "").body.find("\"cut\":1") != std::string::npos);
  BOOST_TEST(closed);
  h->close_watch(id);
  BOOST_TEST(h->open_watches() == 0u);

  // From a resourceVersion the history no longer holds: one ERROR event with 410 Expired.
  store.compact();
  std::vector<value> lines;
  watch_spec old = std::get<watch_spec>(out);
  old.rv = rv_of(a);
  BOOST_TEST(h->open_watch(old, [&](std::string l) { lines.push_back(j(l)); }, [] {}) == 0u);
  BOOST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(lines[0].find("type")->as_string() == "ERROR");
  BOOST_TEST(lines[0].at({"object", "code"})->as_int() == 410);
  BOOST_TEST(lines[0].at({"object", "reason"})->as_string() == "Expired");

  // Without a resourceVersion: the current state first, as ADDED.
  watch_spec fresh = old;
  fresh.rv = "";
  fresh.labels = label_selector();
  std::vector<std::string> initial;
  auto id2 = h->open_watch(fresh, [&](std::string l) { initial.push_back(j(l).find("type")->as_string()); }, [] {});
  BOOST_TEST(initial == std::vector<std::string>{"ADDED"});
  h->close_watch(id2);
  BOOST_TEST(j(h->bookmark_line(fresh)).at({"object", "metadata", "resourceVersion"})->as_string() ==
             std::to_string(store.current_rv()));
}

BOOST_AUTO_TEST_CASE(token_requests) {
  const std::string url = "/api/v1/namespaces/t/serviceaccounts/flux/token";
  const std::string body = R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["sts.amazonaws.com"],"expirationSeconds":3600}})";
  BOOST_TEST(call("POST", url, body).status == 404);  // no such ServiceAccount
  BOOST_REQUIRE_EQUAL(call("POST", "/api/v1/namespaces/t/serviceaccounts", R"({"metadata":{"name":"flux"}})").status, 201);
  auto r = call("POST", url, body);
  BOOST_REQUIRE_EQUAL(r.status, 201);
  auto tr = obj(r);
  const std::string token = tr.at({"status", "token"})->as_string();
  auto claims = signer->verify(token, std::chrono::system_clock::now());
  BOOST_REQUIRE(claims.ok());
  BOOST_TEST(claims->find("iss")->as_string() == "https://oidc.test");
  BOOST_TEST(claims->find("sub")->as_string() == "system:serviceaccount:t:flux");
  BOOST_TEST(fluxaws::json::dump(*claims->find("aud")) == R"(["sts.amazonaws.com"])");
  BOOST_TEST(!tr.at({"status", "expirationTimestamp"})->as_string().empty());
  // Issued tokens are accepted as credentials.
  BOOST_TEST(call("GET", "/api/v1/namespaces", "", "", "", "Bearer " + token).status == 200);
  BOOST_TEST(call("POST", url, R"({"spec":{"expirationSeconds":60}})").status == 422);
  BOOST_TEST(call("GET", url).status == 405);
}

BOOST_AUTO_TEST_SUITE_END()
