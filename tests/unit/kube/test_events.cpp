// Events as Flux records them, which status changes call for one, the status merge
// patch, and the TokenRequest wire format.
#include <boost/test/unit_test.hpp>

#include "actors/cluster_status_sink.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/kube_event.hpp"
#include "adapters/kube/token_request.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;

namespace {
json::value obj(const std::string& yaml) { return *yamljson::parse_yaml(yaml); }

const char* bucket_ready = R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: podinfo, namespace: team-a, uid: u-1, resourceVersion: "5"}
status:
  observedGeneration: 2
  artifact: {revision: "sha256:aaa"}
  conditions: [{type: Ready, status: "True", reason: Succeeded, message: "stored artifact for revision 'sha256:aaa'"}]
)";
}  // namespace

BOOST_AUTO_TEST_SUITE(events_suite)

BOOST_AUTO_TEST_CASE(event_object_as_flux_writes_it) {
  event_spec e;
  e.involved = obj(bucket_ready);
  e.reason = "NewArtifact";
  e.message = std::string(2000, 'x');
  e.metadata["revision"] = "sha256:aaa";
  auto ev = build_event(e, "podinfo.0123456789abcdef", "fluxaws", "pod-1", timefmt::sys_time{} + std::chrono::hours(1));
  BOOST_TEST(ev.at({"metadata", "namespace"})->as_string() == "team-a");
  BOOST_TEST(ev.at({"metadata", "annotations", "source.toolkit.fluxcd.io/revision"})->as_string() == "sha256:aaa");
  BOOST_TEST(ev.at({"involvedObject", "kind"})->as_string() == "Bucket");
  BOOST_TEST(ev.at({"involvedObject", "uid"})->as_string() == "u-1");
  BOOST_TEST(ev.at({"involvedObject", "apiVersion"})->as_string() == "source.toolkit.fluxcd.io/v1");
  BOOST_TEST(ev.find("message")->as_string().size() == 1024u);
  BOOST_TEST(ev.find("type")->as_string() == "Normal");
  BOOST_TEST(ev.at({"source", "component"})->as_string() == "fluxaws");
  BOOST_TEST(ev.find("firstTimestamp")->as_string() == "1970-01-01T01:00:00Z");
  auto name = event_name(e.involved);
  BOOST_TEST(name.rfind("podinfo.", 0) == 0u);
  BOOST_TEST(name.size() == std::string("podinfo.").size() + 16);
  event_spec other = e;
  other.message = "different";
  BOOST_TEST(event_dedup_key(e) != event_dedup_key(other));
  BOOST_TEST(json::dump(event_repeat_patch(3, timefmt::sys_time{})) == R"({"count":3,"lastTimestamp":"1970-01-01T00:00:00Z"})");
}

BOOST_AUTO_TEST_CASE(status_changes_call_for_flux_events) {
  auto ready = obj(bucket_ready);
  auto progressing = obj(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: podinfo, namespace: team-a}
status: {conditions: [{type: Ready, status: Unknown, reason: Progressing, message: "reconciliation in progress"}]}
)");
  auto first = events_for_status(progressing, ready);
  BOOST_TEST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0].reason == "NewArtifact");
  BOOST_TEST(first[0].metadata.at("revision") == "sha256:aaa");
  BOOST_TEST(events_for_status(ready, ready).empty());  // nothing changed, no event

  auto failed = obj(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: podinfo, namespace: team-a}
status:
  artifact: {revision: "sha256:aaa"}
  conditions: [{type: Ready, status: "False", reason: BucketOperationFailed, message: "AccessDenied on s3://x"}]
)");
  auto warn = events_for_status(ready, failed);
  BOOST_TEST_REQUIRE(warn.size() == 1u);
  BOOST_TEST(warn[0].type == "Warning");
  BOOST_TEST(warn[0].reason == "BucketOperationFailed");
  BOOST_TEST(events_for_status(failed, failed).empty());
  auto recovered = events_for_status(failed, ready);
  BOOST_TEST_REQUIRE(recovered.size() == 1u);
  BOOST_TEST(recovered[0].reason == "Succeeded");

  auto ks_before = obj(R"(
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
status: {lastAppliedRevision: "v1@sha256:1", conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: "Applied revision: v1@sha256:1"}]}
)");
  auto ks_after = obj(R"(
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
status: {lastAppliedRevision: "v2@sha256:2", conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: "Applied revision: v2@sha256:2"}]}
)");
  auto ks = events_for_status(ks_before, ks_after);
  BOOST_TEST_REQUIRE(ks.size() == 1u);
  BOOST_TEST(ks[0].reason == "ReconciliationSucceeded");
  BOOST_TEST(ks[0].metadata.at("revision") == "v2@sha256:2");
  auto ev = build_event(ks[0], "apps.x", "fluxaws", "p", timefmt::sys_time{});
  BOOST_TEST(ev.at({"metadata", "annotations", "kustomize.toolkit.fluxcd.io/revision"})->as_string() == "v2@sha256:2");
  BOOST_TEST(events_for_status(json::value(), obj("{kind: Bucket, metadata: {name: x}}")).empty());
}

BOOST_AUTO_TEST_CASE(status_merge_patch_nulls_removed_fields) {
  auto before = obj("{artifact: {revision: a}, observedGeneration: 1, conditions: []}");
  auto after = obj("{observedGeneration: 2, conditions: [{type: Ready}]}");
  BOOST_TEST(json::dump(actors::status_merge_patch(before, after)) ==
             R"({"status":{"observedGeneration":2,"conditions":[{"type":"Ready"}],"artifact":null}})");
  BOOST_TEST(json::dump(actors::status_merge_patch(json::value::make_object(), after)) ==
             R"({"status":{"observedGeneration":2,"conditions":[{"type":"Ready"}]}})");
}

BOOST_AUTO_TEST_CASE(token_request_wire_format) {
  sa_token_request req{"team-a", "ecr-reader", "sts.amazonaws.com", std::chrono::seconds(3600)};
  BOOST_TEST(token_request_path(req) == "/api/v1/namespaces/team-a/serviceaccounts/ecr-reader/token");
  BOOST_TEST(token_request_body(req) ==
             R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["sts.amazonaws.com"],"expirationSeconds":3600}})");
  api_response ok{201, R"({"kind":"TokenRequest","status":{"token":"eyJ.secret.sig","expirationTimestamp":"2030-01-01T00:00:00Z"}})", {}};
  auto reply = parse_token_response(req, ok);
  BOOST_TEST_REQUIRE(reply.ok);
  BOOST_TEST(reply.token == "eyJ.secret.sig");
  BOOST_TEST(timefmt::rfc3339(reply.expires_at) == "2030-01-01T00:00:00Z");

  api_response missing{404, R"({"kind":"Status","message":"serviceaccounts \"ecr-reader\" not found","reason":"NotFound","code":404})", {}};
  auto nf = parse_token_response(req, missing);
  BOOST_TEST(!nf.ok);
  BOOST_TEST(nf.error.code == "ServiceAccountNotFound");
  BOOST_TEST(nf.error.message.find("ServiceAccount/team-a/ecr-reader") != std::string::npos);
  api_response forbidden{403, R"({"kind":"Status","message":"cannot create resource \"serviceaccounts/token\"","reason":"Forbidden","code":403})", {}};
  auto fb = parse_token_response(req, forbidden);
  BOOST_TEST(fb.error.code == "Forbidden");
  BOOST_TEST(fb.error.status == 403);
  api_response no_token{201, R"({"status":{"expirationTimestamp":"2030-01-01T00:00:00Z"}})", {}};
  BOOST_TEST(!parse_token_response(req, no_token).ok);
  api_response bad_time{201, R"({"status":{"token":"eyJ.secret.sig","expirationTimestamp":"soon"}})", {}};
  auto bt = parse_token_response(req, bad_time);
  BOOST_TEST(!bt.ok);
  BOOST_TEST(bt.error.message.find("eyJ") == std::string::npos);  // never the token
}

BOOST_AUTO_TEST_SUITE_END()
