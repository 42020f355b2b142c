// Two tenants in cluster mode, end to end: `kubectl apply` of Buckets, an
// OCIRepository, an ImageRepository, ImagePolicies and Kustomizations (one decrypting a
// SOPS Secret through KMS as tenant-a's ServiceAccount) into the API stand-in; fluxaws
// (the real binary, out of cluster through the kubeconfig) reconciles them against the
// AWS emulator with each tenant's own identity (TokenRequest tokens federated by STS).
// Then: `kubectl wait --for=condition=Ready` for tenant-a; tenant-b's cross-tenant
// objects refused (AccessDenied); the decrypted Secret in the stand-in through
// server-side apply, as the impersonated ServiceAccount; Namespace labels admitting a
// friendly namespace; namespaceless objects placed or refused as kustomize-controller
// does; and `kubectl delete` stopping reconciliation, removing artifacts and metrics
// series, and garbage-collecting a Kustomization's objects.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <thread>

#include "adapters/common/encoding.hpp"
#include "tests/integration/cluster_e2e/cluster_env.hpp"

using namespace e2e;
namespace fs = std::filesystem;

namespace {

const std::string kPassword = "E2E-Tenant-A-Password-7193";

const std::string kObjects = R"(
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a, labels: {tenant: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-b, labels: {tenant: b}}
---
apiVersion: v1
kind: Namespace
metadata: {name: friend, labels: {tenant: a}}
---
apiVersion: v1
kind: Namespace
metadata: {name: tenant-a-apps}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux
  namespace: tenant-a
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/tenant-a"}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: deployer, namespace: tenant-a}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux
  namespace: tenant-b
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/tenant-b"}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: manifests, namespace: tenant-a}
spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: manifests, namespace: tenant-a}
spec:
  url: oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/manifests
  ref: {semver: ">=1.0.0"}
  provider: aws
  serviceAccountName: flux
  interval: 2s
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: app, namespace: tenant-a}
spec:
  image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app
  provider: aws
  serviceAccountName: flux
  interval: 10m
  accessFrom:
    namespaceSelectors:
      - matchLabels: {tenant: a}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app, namespace: tenant-a}
spec:
  imageRepositoryRef: {name: app}
  policy: {semver: {range: "^1.0.0"}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: secrets, namespace: tenant-a}
spec:
  interval: 10m
  prune: true
  path: ./e2e-tenants/secrets
  sourceRef: {kind: Bucket, name: manifests}
  serviceAccountName: flux
  decryption: {provider: sops, serviceAccountName: flux}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: placed, namespace: tenant-a}
spec:
  interval: 10m
  prune: true
  path: ./e2e-tenants/unplaced
  targetNamespace: tenant-a-apps
  sourceRef: {kind: Bucket, name: manifests}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: unplaced, namespace: tenant-a}
spec:
  interval: 10m
  prune: true
  path: ./e2e-tenants/unplaced
  sourceRef: {kind: Bucket, name: manifests}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: denied, namespace: tenant-a}
spec:
  interval: 10m
  prune: true
  path: ./e2e-tenants/denied
  serviceAccountName: deployer
  sourceRef: {kind: Bucket, name: manifests}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: friendly, namespace: friend}
spec:
  imageRepositoryRef: {name: app, namespace: tenant-a}
  policy: {semver: {range: "^1.0.0"}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: manifests, namespace: tenant-b}
spec: {bucketName: tenant-b-manifests, endpoint: s3.amazonaws.com, region: eu-west-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: stolen, namespace: tenant-b}
spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata: {name: app, namespace: tenant-b}
spec:
  image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-b/app
  provider: aws
  serviceAccountName: flux
  interval: 10m
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: app, namespace: tenant-b}
spec:
  imageRepositoryRef: {name: app}
  policy: {semver: {range: ">=0.1.0 <1.0.0"}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: stolen, namespace: tenant-b}
spec:
  url: oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/manifests
  ref: {tag: v1.1.0}
  provider: aws
  serviceAccountName: flux
  interval: 10m
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: cross, namespace: tenant-b}
spec:
  imageRepositoryRef: {name: app, namespace: tenant-a}
  policy: {semver: {range: "^1.0.0"}}
)";

std::string secret_manifest() {
  return "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: tenant-a-apps}\nstringData: {password: " +
         kPassword + "}\n";
}

// An AWS or registry refusal as a Ready message says it.
bool denied_message(const std::string& message) {
  for (const char* w : {"AccessDenied", "denied", "DENIED", "not authorized", "403"})
    if (message.find(w) != std::string::npos) return true;
  return false;
}

std::size_t count_lines(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tenants)

BOOST_AUTO_TEST_CASE(two_tenants_from_kubectl_apply_to_ready_denied_applied_and_deleted,
                     *boost::unit_test::timeout(420)) {
  auto& aws = aws_world::conformance();
  // The source content: a SOPS Secret (tenant-a's KMS key), a namespaceless ConfigMap, and
  // a ConfigMap for a Kustomization whose ServiceAccount may not apply it.
  aws.put_object("tenant-a-manifests", "us-east-1", "e2e-tenants/secrets/db.yaml",
                 aws.sops_encrypt(secret_manifest(), kTenantAKey));
  aws.put_object("tenant-a-manifests", "us-east-1", "e2e-tenants/unplaced/cm.yaml",
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: unplaced}\ndata: {k: v}\n");
  aws.put_object("tenant-a-manifests", "us-east-1", "e2e-tenants/denied/cm.yaml",
                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: denied, namespace: tenant-a-apps}\n");

  temp_dir dir;
  api_server api;
  api.admin("/_standin/impersonation/forbid?user=system:serviceaccount:tenant-a:deployer");
  api.apply(kObjects);
  replica fluxaws(api, aws, dir.path(), replica_options::named("fluxaws-0"));

  // tenant-a (and the namespace tenant-a's ImageRepository admits) become Ready.
  bool ready = api.wait_ready("tenant-a", {"bucket/manifests", "ocirepository/manifests", "imagerepository/app",
                                           "imagepolicy/app", "kustomization/secrets", "kustomization/placed"},
                              180s);
  BOOST_REQUIRE_MESSAGE(ready, "tenant-a not Ready; fluxaws log:\n" << fluxaws.log_tail());
  BOOST_TEST(api.wait_ready("friend", {"imagepolicy/friendly"}, 60s));  // Namespace labels reach accessFrom
  BOOST_TEST(api.wait_ready("tenant-b", {"bucket/manifests", "imagerepository/app", "imagepolicy/app"}, 60s));
  auto b_policy = api.get("imagepolicy", "tenant-b", "app");
  BOOST_REQUIRE(b_policy.has_value());
  BOOST_TEST(b_policy->at({"status", "latestRef", "tag"})->as_string() == "0.3.0");

  auto policy = api.get("imagepolicy", "tenant-a", "app");
  BOOST_REQUIRE(policy.has_value());
  BOOST_TEST(policy->at({"status", "latestRef", "tag"})->as_string() == "1.2.3");
  auto oci = api.get("ocirepository", "tenant-a", "manifests");
  BOOST_REQUIRE(oci.has_value());
  BOOST_TEST(oci->at({"status", "artifact", "revision"})->as_string().rfind("v1.1.0@sha256:", 0) == 0);

  // tenant-b's cross-tenant objects: refused, with the refusal in the Ready condition —
  // by the ImageRepository's ACL, by S3 and by the registry (tenant-b's role reads
  // tenant-b's bucket and repositories only).
  std::optional<value> cross, stolen, stolen_oci;
  BOOST_TEST(wait_until(
      [&] {
        cross = api.get("imagepolicy", "tenant-b", "cross");
        stolen = api.get("bucket", "tenant-b", "stolen");
        stolen_oci = api.get("ocirepository", "tenant-b", "stolen");
        return cross && stolen && stolen_oci && condition(*cross, "Ready") == "False" &&
               condition(*stolen, "Ready") == "False" && condition(*stolen_oci, "Ready") == "False";
      },
      60s));
  BOOST_REQUIRE(cross && stolen && stolen_oci);
  BOOST_TEST(condition(*cross, "Ready", "reason") == "AccessDenied");
  BOOST_TEST(condition(*cross, "Ready", "message") ==
             "failed to get the referred ImageRepository: access denied: 'tenant-a/app' can't be accessed due to ACL "
             "labels mismatch on namespace 'tenant-b'");
  BOOST_TEST(condition(*stolen, "Ready", "message").find("AccessDenied") != std::string::npos,
             condition(*stolen, "Ready", "message"));
  BOOST_TEST(denied_message(condition(*stolen_oci, "Ready", "message")), condition(*stolen_oci, "Ready", "message"));

  // The decrypted Secret reached the stand-in through server-side apply, as the
  // Kustomization's ServiceAccount, and nowhere else in clear.
  auto secret = api.kubectl({"-n", "tenant-a-apps", "get", "secret", "db", "-o", "json", "--show-managed-fields"});
  BOOST_REQUIRE_MESSAGE(secret.exit_code == 0, secret.err);
  auto sdoc = fluxaws::json::parse(secret.out);
  BOOST_REQUIRE(sdoc.has_value());
  // Compared without printing either side: never a secret's value in the test output.
  BOOST_TEST((fluxaws::enc::unbase64(sdoc->at({"data", "password"})->as_string()).value_or("") == kPassword),
             "the applied Secret does not hold the decrypted password");
  BOOST_TEST(sdoc->at({"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"})->as_string() == "secrets");
  BOOST_TEST(fluxaws::json::dump(*sdoc->at({"metadata", "managedFields"})).find("\"manager\":\"fluxaws\"") !=
             std::string::npos);
  auto st = api.state();
  BOOST_TEST(st.at({"impersonated", "system:serviceaccount:tenant-a:flux"}) != nullptr);
  BOOST_TEST(st.at({"requests", "PATCH secrets"}) != nullptr);  // server-side apply is a PATCH
  auto ks_secrets = api.kubectl({"-n", "tenant-a", "get", "kustomization", "secrets", "-o", "json"});
  auto events = api.kubectl({"get", "events", "-A", "-o", "json"});
  BOOST_TEST(events.exit_code == 0);
  BOOST_TEST(events.out.find("ReconciliationSucceeded") != std::string::npos);  // Events recorded
  for (const auto& text : {fluxaws.logs(), ks_secrets.out, events.out}) {
    BOOST_TEST(text.find(kPassword) == std::string::npos);
    BOOST_TEST(text.find(fluxaws::enc::base64(kPassword)) == std::string::npos);
  }

  // Namespaceless objects, as kustomize-controller: placed by targetNamespace, refused without.
  BOOST_TEST(api.get("configmap", "tenant-a-apps", "unplaced").has_value());
  std::optional<value> unplaced, denied;
  BOOST_TEST(wait_until(
      [&] {
        unplaced = api.get("kustomization", "tenant-a", "unplaced");
        denied = api.get("kustomization", "tenant-a", "denied");
        return unplaced && denied && condition(*unplaced, "Ready") == "False" && condition(*denied, "Ready") == "False";
      },
      60s));
  BOOST_REQUIRE(unplaced && denied);
  BOOST_TEST(condition(*unplaced, "Ready", "reason") == "ReconciliationFailed");
  BOOST_TEST(condition(*unplaced, "Ready", "message") == "ConfigMap/unplaced namespace not specified");
  // A ServiceAccount without rights: the API server's refusal of the impersonated user.
  BOOST_TEST(condition(*denied, "Ready", "reason") == "ReconciliationFailed");
  BOOST_TEST(condition(*denied, "Ready", "message").find("User \"system:serviceaccount:tenant-a:deployer\" cannot patch") !=
                 std::string::npos,
             condition(*denied, "Ready", "message"));
  BOOST_TEST(!api.get("configmap", "tenant-a-apps", "denied").has_value());

  // kubectl delete of the OCIRepository: its reconciliation stops, its artifacts and its
  // metrics series go.
  const fs::path oci_dir = fs::path(fluxaws.storage()) / "ocirepository" / "tenant-a" / "manifests";
  BOOST_TEST(fs::exists(oci_dir));
  BOOST_TEST(fluxaws.reconciles("OCIRepository", "tenant-a", "manifests") >= 1);
  const std::string artifact_url = oci->at({"status", "artifact", "url"})->as_string();
  BOOST_TEST(fluxaws::testing::http_get(artifact_url).status == 200);
  api.remove("ocirepository", "tenant-a", "manifests");
  BOOST_TEST(wait_until([&] { return !fs::exists(oci_dir) || fs::is_empty(oci_dir); }, 30s));
  BOOST_TEST(wait_until([&] { return fluxaws.reconciles("OCIRepository", "tenant-a", "manifests") == 0; }, 30s));
  BOOST_TEST(fluxaws::testing::http_get(artifact_url).status == 404);
  // No reconcile of it since (a reconcile would bring its series back), no log line of it.
  const std::string its_lines = "\"controller\":\"ocirepository\",\"name\":\"manifests\",\"namespace\":\"tenant-a\"";
  auto log_lines_then = count_lines(fluxaws.logs(), its_lines);
  std::this_thread::sleep_for(4s);  // two intervals of the deleted object
  BOOST_TEST(fluxaws.reconciles("OCIRepository", "tenant-a", "manifests") == 0);
  BOOST_TEST(count_lines(fluxaws.logs(), its_lines) == log_lines_then);

  // kubectl delete of the decrypting Kustomization (prune: true): its Secret goes too.
  api.remove("kustomization", "tenant-a", "secrets");
  BOOST_TEST(wait_until([&] { return !api.get("secret", "tenant-a-apps", "db").has_value(); }, 60s),
             fluxaws.log_tail());
  BOOST_TEST(!fluxaws.log_lines("garbage-collected a deleted Kustomization's objects").empty());
  BOOST_TEST(api.get("configmap", "tenant-a-apps", "unplaced").has_value());  // another Kustomization's

  BOOST_TEST(fluxaws.proc().stop().value_or(-1) == 0);  // a clean SIGTERM
}

BOOST_AUTO_TEST_SUITE_END()
