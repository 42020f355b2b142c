// The stand-in against the real client: kubectl v1.32 applies Flux's CRDs and objects,
// lists them with the CRDs' printer columns, patches status through the subresource,
// waits for conditions (over a watch) and deletes. kubectl is required: without it
// every case fails, loudly.
#define BOOST_TEST_MODULE kube_standin_kubectl
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include "adapters/common/encoding.hpp"
#include "tests/kube-standin/harness/standin_process.hpp"

using namespace kstand;
using namespace std::chrono_literals;

namespace {

struct run_result {
  int rc = -1;
  std::string out;
};

std::string kubectl_binary() {
  const char* k = std::getenv("KUBECTL");
  std::string path = k ? k : "";
  if (path.empty() || path.find("NOTFOUND") != std::string::npos || ::access(path.c_str(), X_OK) != 0)
    BOOST_FAIL("kubectl is required for this test (v1.32 is expected at /usr/bin/kubectl); KUBECTL=\"" + path + "\"");
  return path;
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

struct cluster {
  harness::standin_process p{harness::standin_options{FLUXAWS_KUBE_STANDIN_BIN, {"--bookmark-interval-ms", "500"}}};
  std::string kubectl = kubectl_binary();
  // A clean exit after SIGTERM (also how a sanitizer report in the child fails the test).
  ~cluster() {
    int rc = p.stop();
    BOOST_TEST(rc == 0, "fluxaws-kube-standin exited with " << rc << ":\n" << p.log_tail());
  }

  // Runs kubectl against the stand-in, bounded by coreutils timeout.
  run_result run(const std::string& args, int seconds = 60) const {
    std::string cmd = "timeout -k 5 " + std::to_string(seconds) + " " + quote(kubectl) + " --kubeconfig " +
                      quote(p.kubeconfig()) + " --cache-dir " + quote(p.state_dir() + "/kubecache") + " " + args + " 2>&1";
    run_result r;
    FILE* f = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE(f);
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) r.out.append(buf, n);
    int status = ::pclose(f);
    r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    BOOST_TEST_MESSAGE("kubectl " << args << " -> " << r.rc << "\n" << r.out);
    return r;
  }
  run_result ok(const std::string& args, int seconds = 60) const {
    auto r = run(args, seconds);
    BOOST_REQUIRE_MESSAGE(r.rc == 0, "kubectl " + args + " failed (" + std::to_string(r.rc) + "): " + r.out);
    return r;
  }
  std::string file(const std::string& name, const std::string& content) const {
    std::string path = p.state_dir() + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
  void setup_flux() const {
    const char* shared = std::getenv("FLUXAWS_SHARED_DIR");
    BOOST_REQUIRE_MESSAGE(shared, "FLUXAWS_SHARED_DIR is not set (run through ctest)");
    auto r = ok("apply -f " + quote(std::string(shared) + "/testdata/flux-crds/"));
    std::size_t created = 0;
    for (auto at = r.out.find("created"); at != std::string::npos; at = r.out.find("created", at + 1)) ++created;
    BOOST_TEST(created == 5u);
    ok("wait --for=condition=Established crd --all --timeout=20s");
    ok("apply -f " + quote(file("objects.yaml", objects())));
  }

  static std::string objects() {
    return R"(apiVersion: v1
kind: Namespace
metadata:
  name: tenant-a
---
apiVersion: v1
kind: Namespace
metadata:
  name: tenant-b
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flux
  namespace: tenant-a
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata:
  name: manifests
  namespace: tenant-a
spec:
  interval: 5m
  provider: aws
  bucketName: tenant-a-manifests
  endpoint: s3.amazonaws.com
  region: us-east-1
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: app
  namespace: tenant-a
spec:
  interval: 5m
  provider: aws
  url: oci://111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app
  ref:
    tag: latest
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageRepository
metadata:
  name: app
  namespace: tenant-a
spec:
  image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app
  interval: 5m
  provider: aws
---
apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata:
  name: app
  namespace: tenant-a
spec:
  imageRepositoryRef:
    name: app
  policy:
    semver:
      range: ">=1.0.0"
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: app
  namespace: tenant-a
spec:
  interval: 10m
  path: ./
  prune: true
  sourceRef:
    kind: Bucket
    name: manifests
  decryption:
    provider: sops
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata:
  name: other
  namespace: tenant-b
spec:
  interval: 1m
  bucketName: tenant-b-manifests
  endpoint: s3.us-west-2.amazonaws.com
)";
  }
};

const std::string kReady =
    R"('{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded","message":"stored artifact for revision abc","lastTransitionTime":"2025-01-01T00:00:00Z","observedGeneration":1}]}}')";

}  // namespace

BOOST_AUTO_TEST_CASE(apply_get_and_reapply_the_flux_crds_and_objects) {
  cluster c;
  c.setup_flux();
  auto again = c.ok("apply -f " + quote(c.p.state_dir() + "/objects.yaml"));
  BOOST_TEST(again.out.find("created") == std::string::npos);
  BOOST_TEST(again.out.find("kustomization.kustomize.toolkit.fluxcd.io/app unchanged") != std::string::npos);

  auto table = c.ok("get buckets -A");
  BOOST_TEST(table.out.find("NAMESPACE") != std::string::npos);
  for (const char* col : {"NAME", "ENDPOINT", "AGE", "READY", "STATUS"}) BOOST_TEST(table.out.find(col) != std::string::npos, col);
  BOOST_TEST(table.out.find("tenant-a    manifests") != std::string::npos);
  BOOST_TEST(table.out.find("s3.us-west-2.amazonaws.com") != std::string::npos);

  auto names = c.ok("get ocirepo,imagerepo,imagepol,ks -n tenant-a -o name");
  for (const char* n : {"ocirepository.source.toolkit.fluxcd.io/app", "imagerepository.image.toolkit.fluxcd.io/app",
                        "imagepolicy.image.toolkit.fluxcd.io/app", "kustomization.kustomize.toolkit.fluxcd.io/app"})
    BOOST_TEST(names.out.find(n) != std::string::npos, n);
  auto category = c.ok("get fluxcd -A -o name");
  BOOST_TEST(category.out.find("bucket.source.toolkit.fluxcd.io/other") != std::string::npos);
  auto defaults = c.ok("get bucket manifests -n tenant-a -o jsonpath={.spec.timeout}/{.status.observedGeneration}/{.metadata.generation}");
  BOOST_TEST(defaults.out == "60s/-1/1");  // CRD defaults, generation 1
  auto ns = c.ok("get ns");
  BOOST_TEST(ns.out.find("tenant-b") != std::string::npos);
  BOOST_TEST(ns.out.find("Active") != std::string::npos);
  auto missing = c.run("get bucket nope -n tenant-a");
  BOOST_TEST(missing.rc != 0);
  BOOST_TEST(missing.out.find("NotFound") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(status_patch_then_wait_for_ready_then_delete) {
  cluster c;
  c.setup_flux();
  // Not ready yet: a short wait must fail, or the later success would prove nothing.
  BOOST_TEST(c.run("wait --for=condition=Ready bucket/manifests -n tenant-a --timeout=1s").rc != 0);
  auto patched = c.ok("patch bucket manifests -n tenant-a --subresource=status --type=merge -p " + kReady);
  BOOST_TEST(patched.out.find("patched") != std::string::npos);
  auto met = c.ok("wait --for=condition=Ready bucket/manifests -n tenant-a --timeout=20s");
  BOOST_TEST(met.out.find("condition met") != std::string::npos);
  auto table = c.ok("get buckets -n tenant-a");
  BOOST_TEST(table.out.find("True") != std::string::npos);
  BOOST_TEST(table.out.find("stored artifact for revision abc") != std::string::npos);

  // A spec change bumps the generation and keeps the status.
  c.ok(R"(patch bucket manifests -n tenant-a --type=merge -p '{"spec":{"interval":"10m"}}')");
  auto gen = c.ok("get bucket manifests -n tenant-a -o jsonpath={.metadata.generation}/{.status.conditions[0].reason}");
  BOOST_TEST(gen.out == "2/Succeeded");

  auto del = c.ok("delete bucket manifests -n tenant-a --timeout=20s");
  BOOST_TEST(del.out.find("deleted") != std::string::npos);
  BOOST_TEST(c.run("get bucket manifests -n tenant-a").rc != 0);
  c.ok("delete ns tenant-b --timeout=20s");
  auto left = c.ok("get buckets -A -o name");
  BOOST_TEST(left.out.find("other") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(wait_follows_a_watch_while_status_changes) {
  cluster c;
  c.setup_flux();
  auto waiting = std::async(std::launch::async, [&c] {
    return c.run("wait --for=condition=Ready ocirepository/app -n tenant-a --timeout=30s", 45);
  });
  std::this_thread::sleep_for(1500ms);  // let kubectl list and start watching
  c.ok("patch ocirepository app -n tenant-a --subresource=status --type=merge -p " + kReady);
  BOOST_REQUIRE(waiting.wait_for(50s) == std::future_status::ready);
  auto r = waiting.get();
  BOOST_TEST(r.rc == 0);
  BOOST_TEST(r.out.find("condition met") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(server_side_apply_leases_and_events) {
  cluster c;
  c.setup_flux();
  auto ssa = c.ok("apply --server-side -f " + quote(c.file("ssa.yaml", R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: tenant-a
data:
  a: "1"
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: fluxaws-leader
  namespace: tenant-a
spec:
  holderIdentity: replica-0
  leaseDurationSeconds: 15
---
apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: manifests.1
  namespace: tenant-a
eventTime: "2025-01-01T00:00:00.000000Z"
reportingController: fluxaws
reportingInstance: fluxaws-0
action: Reconcile
reason: Succeeded
note: stored artifact
type: Normal
regarding:
  apiVersion: source.toolkit.fluxcd.io/v1
  kind: Bucket
  name: manifests
  namespace: tenant-a
)")));
  BOOST_TEST(ssa.out.find("serverside-applied") != std::string::npos);
  auto lease = c.ok("get leases -n tenant-a");
  BOOST_TEST(lease.out.find("replica-0") != std::string::npos);
  auto cm = c.ok("get configmap settings -n tenant-a -o jsonpath={.data.a}");
  BOOST_TEST(cm.out == "1");
  auto ev = c.ok("get events.events.k8s.io -n tenant-a -o name");
  BOOST_TEST(ev.out.find("manifests.1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(kubectl_create_sends_protobuf_for_built_in_kinds) {
  cluster c;
  c.ok("create namespace tenant-c");
  c.ok("create serviceaccount flux -n tenant-c");
  c.ok("create secret generic creds -n tenant-c --from-literal=region=us-east-1");
  c.ok("create configmap settings -n tenant-c --from-literal=a=1");
  BOOST_TEST(c.ok("get secret creds -n tenant-c -o jsonpath={.type}/{.data.region}").out == "Opaque/dXMtZWFzdC0x");
  BOOST_TEST(c.ok("get configmap settings -n tenant-c -o jsonpath={.data.a}").out == "1");
  BOOST_TEST(c.ok("get sa flux -n tenant-c -o name").out.find("serviceaccount/flux") != std::string::npos);
  // kubectl create token: TokenRequest through the typed client.
  auto token = c.ok("create token flux -n tenant-c --audience sts.amazonaws.com --duration 1h").out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  auto d1 = token.find('.'), d2 = token.rfind('.');
  BOOST_REQUIRE(d1 != std::string::npos && d2 > d1);
  std::string payload = token.substr(d1 + 1, d2 - d1 - 1);
  auto decoded = fluxaws::enc::unbase64url(payload);
  BOOST_REQUIRE(decoded.has_value());
  const std::string& json = *decoded;
  BOOST_TEST(json.find(R"("sub":"system:serviceaccount:tenant-c:flux")") != std::string::npos);
  BOOST_TEST(json.find(R"("aud":["sts.amazonaws.com"])") != std::string::npos);
  BOOST_TEST(c.run("create token missing -n tenant-c").rc != 0);
}
