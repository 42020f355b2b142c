// The Kustomization spec as fluxaws reads it and the checks that stall an object.
#include <boost/test/unit_test.hpp>

#include "actors/kustomization_source.hpp"
#include "actors/kustomization_spec.hpp"
#include "adapters/common/digest.hpp"
#include "support.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
namespace ks = fluxaws::actors::kustomization;
using namespace std::chrono_literals;

namespace {

json::value object(const std::string& spec) {
  return ks_test::yaml("apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
                       "metadata: {name: apps, namespace: tenant-a}\nspec:\n" + spec);
}

const kube::object_key kSelf{"Kustomization", "tenant-a", "apps"};

}  // namespace

BOOST_AUTO_TEST_SUITE(spec)

BOOST_AUTO_TEST_CASE(reads_every_field_and_resolves_namespaces) {
  auto s = ks::parse_spec(object(
      "  sourceRef: {kind: Bucket, name: manifests}\n  path: ./deploy\n  interval: 5m\n  retryInterval: 30s\n"
      "  timeout: 2m\n  prune: true\n  suspend: false\n  targetNamespace: apps\n"
      "  decryption: {provider: sops, secretRef: {name: sops-keys}, serviceAccountName: decryptor}\n"
      "  dependsOn: [{name: infra}, {name: crds, namespace: flux-system}]\n"));
  BOOST_TEST(s.source.kind == "Bucket");
  BOOST_TEST(s.source.ns == "tenant-a");  // defaults to the Kustomization's namespace
  BOOST_TEST(s.path == "./deploy");
  BOOST_TEST(s.interval.count() == 300000);
  BOOST_REQUIRE(s.retry_interval.has_value());
  BOOST_TEST(s.retry_interval->count() == 30000);
  BOOST_TEST(s.timeout.count() == 120000);
  BOOST_TEST(s.prune);
  BOOST_TEST(s.target_namespace == "apps");
  BOOST_REQUIRE(s.decryption.has_value());
  BOOST_TEST(s.decryption->provider == "sops");
  BOOST_TEST(s.decryption->secret_ref == "sops-keys");
  BOOST_TEST(s.decryption->service_account == "decryptor");
  BOOST_REQUIRE(s.depends_on.size() == 2u);
  BOOST_TEST(s.depends_on[0].ns == "tenant-a");
  BOOST_TEST(s.depends_on[1].ns == "flux-system");
  BOOST_TEST(ks::source_display(s) == "Bucket/tenant-a/manifests");
  BOOST_TEST((ks::source_key(s) == kube::object_key{"Bucket", "tenant-a", "manifests"}));
  BOOST_TEST(s.unsupported.empty());
}

BOOST_AUTO_TEST_CASE(timeout_and_retry_default_to_the_interval_as_in_flux) {
  auto s = ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 7m\n  prune: false\n"));
  BOOST_TEST(ks::effective_timeout(s).count() == 420000);
  BOOST_TEST(ks::effective_retry_interval(s).count() == 420000);
  BOOST_TEST(!s.retry_interval.has_value());
  BOOST_TEST(!s.decryption.has_value());
}

BOOST_AUTO_TEST_CASE(deletion_policy_decides_what_happens_to_the_output) {
  auto with = [](const std::string& extra) {
    return ks::delete_on_removal(ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n" + extra)));
  };
  BOOST_TEST(with("  prune: true\n"));
  BOOST_TEST(!with("  prune: false\n"));
  BOOST_TEST(!with("  prune: true\n  deletionPolicy: Orphan\n"));
  BOOST_TEST(with("  prune: false\n  deletionPolicy: Delete\n"));
  BOOST_TEST(with("  prune: false\n  deletionPolicy: WaitForTermination\n"));
}

BOOST_AUTO_TEST_CASE(service_account_decryption_needs_the_feature_gate) {
  auto s = ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n  prune: true\n"
                                 "  decryption: {provider: sops, serviceAccountName: sa}\n"));
  engine_options o;
  auto err = ks::validate(s, kSelf, o);
  BOOST_REQUIRE(err.has_value());
  BOOST_TEST((err->kind == reconcile_error::type::stalling));
  BOOST_TEST(err->reason == "FeatureGateDisabled");
  BOOST_TEST(err->message ==
             "to use spec.decryption.serviceAccountName for decryption authentication please enable the "
             "ObjectLevelWorkloadIdentity feature gate in the controller");
  o.object_level_identity = true;
  BOOST_TEST(!ks::validate(s, kSelf, o).has_value());
}

BOOST_AUTO_TEST_CASE(apply_impersonates_the_service_account_else_the_default_as_kustomize_controller) {
  auto with_sa = ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n  prune: true\n"
                                       "  serviceAccountName: deployer\n"));
  auto without = ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n  prune: true\n"));
  engine_options o;
  BOOST_TEST(with_sa.service_account == "deployer");
  BOOST_TEST(ks::impersonated_user(with_sa, "tenant-a", o) == "system:serviceaccount:tenant-a:deployer");
  BOOST_TEST(ks::impersonated_user(without, "tenant-a", o).empty());  // fluxaws's own identity
  o.default_service_account = "default";
  BOOST_TEST(ks::impersonated_user(without, "tenant-a", o) == "system:serviceaccount:tenant-a:default");
  BOOST_TEST(ks::impersonated_user(with_sa, "tenant-a", o) == "system:serviceaccount:tenant-a:deployer");
  // Impersonation is not workload identity: no feature gate needed.
  BOOST_TEST(!ks::validate(with_sa, kSelf, engine_options{}).has_value());
}

BOOST_AUTO_TEST_CASE(cross_namespace_sources_are_refused_only_under_lockdown) {
  auto s = ks::parse_spec(object("  sourceRef: {kind: OCIRepository, name: m, namespace: flux-system}\n"
                                 "  interval: 1m\n  prune: true\n"));
  engine_options o;
  BOOST_TEST(!ks::validate(s, kSelf, o).has_value());
  o.no_cross_namespace_refs = true;
  auto err = ks::validate(s, kSelf, o);
  BOOST_REQUIRE(err.has_value());
  BOOST_TEST(err->reason == "AccessDenied");
  BOOST_TEST(err->message ==
             "can't access 'OCIRepository/flux-system/m', cross-namespace references have been blocked");
}

BOOST_AUTO_TEST_CASE(unsupported_sources_and_kustomize_features_stall_with_their_names) {
  engine_options o;
  auto git = ks::validate(ks::parse_spec(object("  sourceRef: {kind: GitRepository, name: repo}\n  interval: 1m\n"
                                                "  prune: true\n")),
                          kSelf, o);
  BOOST_REQUIRE(git.has_value());
  BOOST_TEST((git->kind == reconcile_error::type::stalling));
  BOOST_TEST(git->message.find("'GitRepository' not supported") != std::string::npos);

  auto patched = ks::validate(
      ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n  prune: true\n"
                            "  patches: [{patch: x}]\n  images: [{name: nginx, newTag: '2'}]\n  namePrefix: ''\n")),
      kSelf, o);
  BOOST_REQUIRE(patched.has_value());
  BOOST_TEST(patched->reason == "BuildFailed");
  BOOST_TEST(patched->message.find("spec.patches, spec.images are not supported") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(source_rules)

BOOST_AUTO_TEST_CASE(artifact_is_read_from_the_source_status) {
  auto st = ks_test::yaml(
      "artifact: {url: 'http://storage/bucket/ns/m/abc.tar.gz', revision: 'sha256:abc', digest: 'sha256:def',\n"
      "  metadata: {org.opencontainers.image.revision: 'v1@sha1:1111'}}\n");
  auto a = ks::artifact_of(st);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->url == "http://storage/bucket/ns/m/abc.tar.gz");
  BOOST_TEST(a->revision == "sha256:abc");
  BOOST_TEST(a->digest == "sha256:def");
  BOOST_TEST(a->origin_revision == "v1@sha1:1111");
  BOOST_TEST(!ks::artifact_of(ks_test::yaml("conditions: []\n")).has_value());
  BOOST_TEST(ks::artifact_token(ks_test::yaml("conditions: []\n")).empty());
  BOOST_TEST(ks::artifact_token(st) != ks::artifact_token(ks_test::yaml("artifact: {url: u, revision: r}\n")));
}

// A failed reconcile keeps Reconciling=True with reason ProgressingWithRetry until its
// retry: it has finished (for --once, for good); a reconcile in progress has not.
BOOST_AUTO_TEST_CASE(a_failure_has_settled_when_no_reconcile_is_in_progress) {
  auto failing = ks_test::yaml("status: {conditions: [{type: Ready, status: 'False', reason: X, message: m}]}\n");
  auto retrying = ks_test::yaml(
      "status: {conditions: [{type: Reconciling, status: 'True', reason: ProgressingWithRetry, message: m},"
      " {type: Ready, status: 'False', reason: X, message: m}]}\n");
  auto unknown = ks_test::yaml("status: {conditions: [{type: Ready, status: Unknown, reason: X, message: m}]}\n");
  auto progressing = ks_test::yaml(
      "status: {conditions: [{type: Reconciling, status: 'True', reason: Progressing, message: m},"
      " {type: Ready, status: 'False', reason: X, message: m}]}\n");
  BOOST_TEST(ks::settled_not_ready(failing));
  BOOST_TEST(ks::settled_not_ready(retrying));
  BOOST_TEST(!ks::settled_not_ready(progressing));
  BOOST_TEST(!ks::settled_not_ready(unknown));
}

BOOST_AUTO_TEST_CASE(dependencies_follow_flux_readiness_rules) {
  auto self = ks::parse_spec(object("  sourceRef: {kind: Bucket, name: m}\n  interval: 1m\n  prune: true\n"));
  ks::dependency d{"tenant-a", "infra"};
  ks::source_artifact art{"http://x", "sha256:new", "", ""};
  auto dep = [](const std::string& generation, const std::string& status, const std::string& source = "m") {
    return ks_test::yaml("metadata: {name: infra, namespace: tenant-a, generation: " + generation +
                         "}\nspec: {sourceRef: {kind: Bucket, name: " + source + "}}\nstatus: " + status + "\n");
  };
  const std::string ready = "{observedGeneration: 2, lastAppliedRevision: 'sha256:new', conditions: "
                            "[{type: Ready, status: 'True', reason: ReconciliationSucceeded, message: ok}]}";
  BOOST_TEST(!ks::dependency_not_ready(d, dep("2", ready), self, art).has_value());
  auto stale = ks::dependency_not_ready(d, dep("3", ready), self, art);
  BOOST_REQUIRE(stale.has_value());
  BOOST_TEST(*stale == "dependency 'tenant-a/infra' is not ready");
  auto failing = ks::dependency_not_ready(
      d, dep("2", "{observedGeneration: 2, conditions: [{type: Ready, status: 'False', reason: X, message: m}]}"),
      self, art);
  BOOST_REQUIRE(failing.has_value());
  BOOST_TEST(*failing == "dependency 'tenant-a/infra' is not ready");
  BOOST_TEST(ks::dependency_not_ready(d, dep("1", "{}"), self, art).has_value());
  // Same source at another revision: not up to date; another source: fine.
  ks::source_artifact newer{"http://x", "sha256:newer", "", ""};
  auto behind = ks::dependency_not_ready(d, dep("2", ready), self, newer);
  BOOST_REQUIRE(behind.has_value());
  BOOST_TEST(*behind == "dependency 'tenant-a/infra' revision is not up to date");
  BOOST_TEST(!ks::dependency_not_ready(d, dep("2", ready, "other"), self, newer).has_value());
}

BOOST_AUTO_TEST_CASE(artifact_digest_must_match) {
  auto hex = digest::sha256_hex("artifact bytes");
  BOOST_TEST(ks::verify_artifact_digest("sha256:" + hex, hex).ok());
  BOOST_TEST(ks::verify_artifact_digest("", hex).ok());
  auto bad = ks::verify_artifact_digest("sha256:" + digest::sha256_hex("other"), hex);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("failed to verify artifact: computed digest doesn't match") == 0u);
  BOOST_TEST(!ks::verify_artifact_digest("sha512:abc", hex).ok());
}

BOOST_AUTO_TEST_SUITE_END()
