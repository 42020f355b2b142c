// The OCIRepository reconciler driven through the real object actors and supervisor,
// with real artifact storage and blocking pool, against an in-memory registry behind a
// fake HTTP client and a fake credential plane: ref resolution and revisions, the
// artifact's content and metadata, no pull when nothing changed, ECR tokens only for
// ECR hosts and evicted once after a 401, dockerconfigjson Secrets, copy and layer
// selection, the refusals that stall, and bad content that fails cleanly.
#include <boost/test/unit_test.hpp>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "actors/identity.hpp"
#include "adapters/common/encoding.hpp"
#include "engine_fixture.hpp"
#include "fake_registry.hpp"
#include "layer_builder.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace fluxaws::ocitest;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* kEcrHost = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

// ---- a fake credential plane ------------------------------------------------------------

struct identity_log {
  std::mutex mu;
  int ecr_asks = 0;
  std::vector<std::string> hosts;
  std::vector<std::string> regions;
  std::vector<std::string> service_accounts;
  std::vector<std::string> invalidations;
  int generation = 1;  // token-<generation>; an invalidation moves to the next one
  bool refuse = false;
  std::string answer_region;  // a token for another region than asked (a broken plane)
};

// Spawned with an argument: CAF 0.17's argument-less spawn trips UBSan.
identity_registry_actor::behavior_type fake_identities(identity_registry_actor::pointer,
                                                        std::shared_ptr<identity_log> log) {
  return {
      [log](credentials_atom, const credential_request&) {
        credential_reply r;
        r.error = make_error("AuthenticationFailed", "not used by OCIRepository");
        return r;
      },
      [log](ecr_token_atom, const credential_request& req, const std::string& host) {
        std::lock_guard<std::mutex> lock(log->mu);
        ++log->ecr_asks;
        log->hosts.push_back(host);
        log->regions.push_back(req.region);
        log->service_accounts.push_back(req.service_account);
        ecr_token_reply r;
        if (log->refuse) {
          r.error = make_error("AuthenticationFailed",
                               "AccessDenied: User: arn:aws:sts::111122223333:assumed-role/tenant-b/x is not "
                               "authorized to perform: ecr:GetAuthorizationToken");
          return r;
        }
        r.ok = true;
        r.username = "AWS";
        r.password = "token-" + std::to_string(log->generation);
        r.region = log->answer_region.empty() ? req.region : log->answer_region;
        return r;
      },
      [log](invalidate_atom, const credential_request&, const std::string& what) {
        std::lock_guard<std::mutex> lock(log->mu);
        log->invalidations.push_back(what);
        ++log->generation;
      },
  };
}

identity_registry_actor spawn_fake_identities(caf::actor_system& sys, std::shared_ptr<identity_log> log) {
  return sys.spawn(fake_identities, std::move(log));
}

std::string read_file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + enc::base64(user + ":" + password);
}

// ---- content ---------------------------------------------------------------------------------

struct artifact_content {
  std::string layer;
  std::string layer_digest;
  std::string manifest_digest;
};

artifact_content push_artifact(fake_registry& reg, const std::string& repo, const std::string& tag,
                               const tar_stream& files, const std::map<std::string, std::string>& annotations = {},
                               const std::string& media_type = flux_content_type) {
  artifact_content out;
  out.layer = gzip(files.bytes());
  out.layer_digest = sha256_digest(out.layer);
  reg.put_blob(out.layer);
  reg.put_blob("{}");
  out.manifest_digest = reg.put_manifest(repo, tag, manifest_json({{media_type, out.layer}}, annotations));
  return out;
}

std::string ocirepo_yaml(const std::string& name, const std::string& url, const std::string& extra = "",
                         const std::string& meta_extra = "") {
  return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: " + name +
         "\n  namespace: tenant-a\n" + meta_extra + "spec:\n  url: " + url + "\n  interval: 10m\n  timeout: 20s\n" +
         extra;
}

std::string requested(const std::string& at) {
  return "  annotations: {reconcile.fluxcd.io/requestedAt: \"" + at + "\"}\n";
}

struct fixture {
  std::shared_ptr<fake_registry> reg = std::make_shared<fake_registry>();
  std::shared_ptr<identity_log> ids = std::make_shared<identity_log>();
  engine_fixture f;
  artifact_content v100, v110;

  explicit fixture(bool with_identities = true, bool gate = false) {
    f.eng().http = spawn_fake_client(f.system(), reg);
    if (with_identities) f.eng().identities = spawn_fake_identities(f.system(), ids);
    f.eng().opts.object_level_identity = gate;
    v100 = push_artifact(*reg, "tenant-a/manifests", "v1.0.0",
                         tar_stream().file("namespace.yaml", "kind: Namespace\n").file("configmap.yaml", "v: 1\n"),
                         {{"org.opencontainers.image.source", "https://github.com/example/tenant-a-manifests"},
                          {"org.opencontainers.image.revision", "v1.0.0@sha1:1111"}});
    v110 = push_artifact(*reg, "tenant-a/manifests", "v1.1.0",
                         tar_stream()
                             .file("namespace.yaml", "kind: Namespace\n")
                             .file("configmap.yaml", "v: 2\n")
                             .dir("apps/")
                             .file("apps/deployment.yaml", "kind: Deployment\n"));
  }

  void start(ocirepository_options o = {}) { f.start(std::move(o)); }

  std::map<std::string, std::string> artifact_files(const std::string& name) {
    auto path = f.status_string(name, {"artifact", "path"});
    return read_targz(f.storage_root() / path);
  }
  bool work_dirs_gone() {
    return f.eventually([this](status_log&) { return f.work_entries() == 0; }, 10s);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(ocirepository_reconciler)

BOOST_AUTO_TEST_CASE(semver_range_resolves_and_the_artifact_holds_the_layer) {
  fixture x;
  x.start();
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {semver: '>=1.0.0 <1.1.0'}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  std::string rev = "v1.0.0@" + x.v100.manifest_digest;
  BOOST_TEST(x.f.condition("m", "Ready") == "True");
  BOOST_TEST(x.f.condition("m", "Ready", "reason") == "Succeeded");
  BOOST_TEST(x.f.condition("m", "Ready", "message") == "stored artifact for digest '" + rev + "'");
  BOOST_TEST(x.f.condition("m", "ArtifactInStorage", "message") == "stored artifact for digest '" + rev + "'");
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == rev);
  BOOST_TEST(x.f.status_string("m", {"artifact", "metadata", "org.opencontainers.image.source"}) ==
             "https://github.com/example/tenant-a-manifests");
  BOOST_TEST(x.f.status_string("m", {"url"}) == "http://storage.test:9090/ocirepository/tenant-a/m/latest.tar.gz");
  auto digest = x.f.status_string("m", {"artifact", "digest"});
  BOOST_TEST(digest.find("sha256:") == 0u);
  auto files = x.artifact_files("m");
  BOOST_TEST(files.size() == 2u);
  BOOST_TEST(files["configmap.yaml"] == "v: 1\n");
  // The stored file's digest is the one in the status.
  BOOST_TEST(sha256_digest(read_file_bytes(x.f.storage_root() / x.f.status_string("m", {"artifact", "path"}))) ==
             digest);
  BOOST_TEST(x.work_dirs_gone());
  BOOST_TEST(x.ids->ecr_asks == 0);  // generic: no ECR token
  for (const auto& s : x.reg->seen()) BOOST_TEST(s.authorization.empty());
}

BOOST_AUTO_TEST_CASE(an_unchanged_revision_is_not_pulled_again) {
  fixture x;
  x.start();
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {semver: '>=1.0.0'}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == "v1.1.0@" + x.v110.manifest_digest);
  BOOST_TEST(x.artifact_files("m").count("apps/deployment.yaml") == 1u);
  BOOST_TEST(x.reg->count("GET", "blobs") == 1);
  BOOST_TEST(x.reg->count("GET", "manifests") == 1);
  auto stored = x.f.storage_files();

  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {semver: '>=1.0.0'}\n",
                         requested("again-1")));
  BOOST_REQUIRE(x.f.settled("m", "again-1"));
  BOOST_TEST(x.f.condition("m", "Ready") == "True");
  BOOST_TEST(x.reg->count("GET", "blobs") == 1);      // no second pull
  BOOST_TEST(x.reg->count("GET", "manifests") == 1);  // only HEAD resolved the tag
  BOOST_TEST(x.reg->count("HEAD", "manifests") == 2);
  BOOST_TEST(x.f.storage_files() == stored);

  // A new ignore rule changes the content: pulled again without a new revision.
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests",
                         "  ref: {semver: '>=1.0.0'}\n  ignore: \"apps/\"\n", requested("again-1")));
  BOOST_REQUIRE(x.f.eventually([&](status_log& l) {
    const json::value* v = l.latest["m"].at({"status", "observedIgnore"});
    return l.settled["m"] && v && v->as_string() == "apps/";
  }));
  BOOST_TEST(x.reg->count("GET", "blobs") == 2);
  BOOST_TEST(x.artifact_files("m").count("apps/deployment.yaml") == 0u);
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == "v1.1.0@" + x.v110.manifest_digest);
}

BOOST_AUTO_TEST_CASE(tags_are_read_across_pages) {
  fixture x;
  x.reg->page_size(3);
  for (int i = 0; i < 10; ++i) x.reg->tag("tenant-a/manifests", "build-" + std::to_string(i), x.v100.manifest_digest);
  x.start();
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {semver: '1.x'}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == "v1.1.0@" + x.v110.manifest_digest);
  BOOST_TEST(x.reg->count("GET", "tags") == 4);  // 12 tags, 3 a page
}

BOOST_AUTO_TEST_CASE(a_digest_ref_pins_without_resolving_tags) {
  fixture x;
  x.start();
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests",
                         "  ref: {digest: '" + x.v100.manifest_digest + "', tag: v1.1.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == x.v100.manifest_digest);
  BOOST_TEST(x.f.condition("m", "Ready", "message") ==
             "stored artifact for digest '" + x.v100.manifest_digest + "'");
  BOOST_TEST(x.reg->count("HEAD", "manifests") == 0);
  BOOST_TEST(x.artifact_files("m")["configmap.yaml"] == "v: 1\n");
}

BOOST_AUTO_TEST_CASE(latest_is_the_default_tag) {
  fixture x;
  x.reg->tag("tenant-a/manifests", "latest", x.v110.manifest_digest);
  x.start();
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == "latest@" + x.v110.manifest_digest);
}

BOOST_AUTO_TEST_CASE(provider_aws_sends_the_ecr_token_to_ecr_only) {
  fixture x;
  x.reg->require_authorization(basic("AWS", "token-1"));
  x.start();
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests",
                         "  provider: aws\n  ref: {tag: v1.0.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "Ready") == "True");
  {
    std::lock_guard<std::mutex> lock(x.ids->mu);
    BOOST_TEST(x.ids->ecr_asks == 1);
    BOOST_TEST(x.ids->hosts.at(0) == kEcrHost);
    BOOST_TEST(x.ids->regions.at(0) == "us-east-1");
  }
  bool sent = false;
  for (const auto& s : x.reg->seen()) sent = sent || s.authorization == basic("AWS", "token-1");
  BOOST_TEST(sent);

  // Provider aws with a registry that is not ECR: no token is asked for, nothing is sent.
  x.reg->clear_seen();
  x.f.apply(ocirepo_yaml("other", "oci://registry.example/tenant-a/manifests", "  provider: aws\n"));
  BOOST_REQUIRE(x.f.settled("other"));
  BOOST_TEST(x.f.condition("other", "FetchFailed", "reason") == "AuthenticationFailed");
  BOOST_TEST(x.f.condition("other", "Ready", "message").find("is not an Amazon ECR registry host") !=
             std::string::npos);
  BOOST_TEST(x.reg->seen().empty());
  std::lock_guard<std::mutex> lock(x.ids->mu);
  BOOST_TEST(x.ids->ecr_asks == 1);
}

BOOST_AUTO_TEST_CASE(a_401_after_a_cached_token_evicts_it_and_retries_once) {
  fixture x;
  x.reg->require_authorization(basic("AWS", "token-2"));  // token-1 is stale
  x.start();
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests",
                         "  provider: aws\n  ref: {tag: v1.0.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "Ready") == "True");
  {
    std::lock_guard<std::mutex> lock(x.ids->mu);
    BOOST_TEST(x.ids->ecr_asks == 2);
    BOOST_REQUIRE(x.ids->invalidations.size() == 1u);
    BOOST_TEST(x.ids->invalidations[0] == "ecr:us-east-1");
  }

  // Still refused after the retry: a clear failure, no loop.
  x.reg->require_authorization(basic("AWS", "never-issued"));
  x.f.apply(ocirepo_yaml("m2", std::string("oci://") + kEcrHost + "/tenant-a/manifests",
                         "  provider: aws\n  ref: {tag: v1.1.0}\n"));
  BOOST_REQUIRE(x.f.settled("m2"));
  BOOST_TEST(x.f.condition("m2", "Ready") == "False");
  BOOST_TEST(x.f.condition("m2", "FetchFailed", "reason") == "OCIArtifactPullFailed");
  BOOST_TEST(x.f.condition("m2", "FetchFailed", "message").find("failed to determine artifact digest") == 0u);
  std::lock_guard<std::mutex> lock(x.ids->mu);
  BOOST_TEST(x.ids->ecr_asks == 4);
  BOOST_TEST(x.ids->invalidations.size() == 2u);
  // The token never appears in a status.
  BOOST_TEST(json::dump(x.f.object("m2")).find("token-") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_token_for_another_region_is_not_sent) {
  fixture x;
  x.ids->answer_region = "eu-west-1";
  x.start();
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests", "  provider: aws\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "FetchFailed", "reason") == "AuthenticationFailed");
  BOOST_TEST(x.f.condition("m", "FetchFailed", "message").find("does not apply to '" + std::string(kEcrHost)) !=
             std::string::npos);
  BOOST_TEST(x.reg->seen().empty());
}

BOOST_AUTO_TEST_CASE(credential_plane_failures_are_authentication_failures) {
  fixture x;
  x.ids->refuse = true;
  x.start();
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests", "  provider: aws\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "FetchFailed", "reason") == "AuthenticationFailed");
  BOOST_TEST(x.f.condition("m", "FetchFailed", "message").find("failed to get credential from aws: AccessDenied") ==
             0u);
  BOOST_TEST(x.reg->seen().empty());
}

BOOST_AUTO_TEST_CASE(without_a_credential_plane_aws_fails_clearly) {
  fixture x(false);
  x.start();
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests", "  provider: aws\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "FetchFailed", "message") ==
             "failed to get credential from aws: no credential plane configured");
}

BOOST_AUTO_TEST_CASE(service_account_needs_the_feature_gate) {
  fixture x;
  x.start();
  x.f.apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: flux, namespace: tenant-a}\n");
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests",
                         "  provider: aws\n  serviceAccountName: flux\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "Stalled") == "True");
  BOOST_TEST(x.f.condition("m", "Stalled", "reason") == "FeatureGateDisabled");
  BOOST_TEST(x.ids->ecr_asks == 0);
}

BOOST_AUTO_TEST_CASE(service_account_identity_with_the_gate) {
  fixture x(true, true);
  x.reg->require_authorization(basic("AWS", "token-1"));
  x.start();
  x.f.apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: flux, namespace: tenant-a}\n");
  x.f.apply(ocirepo_yaml("m", std::string("oci://") + kEcrHost + "/tenant-a/manifests",
                         "  provider: aws\n  serviceAccountName: flux\n  ref: {tag: v1.0.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "Ready") == "True");
  std::lock_guard<std::mutex> lock(x.ids->mu);
  BOOST_REQUIRE(x.ids->service_accounts.size() == 1u);
  BOOST_TEST(x.ids->service_accounts[0] == "flux");
}

BOOST_AUTO_TEST_CASE(dockerconfigjson_secret_for_generic) {
  fixture x;
  x.reg->require_authorization(basic("robot", "s3cret"));
  x.start();
  std::string config = R"({"auths":{"registry.example":{"username":"robot","password":"s3cret"}}})";
  x.f.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: tenant-a}\n"
            "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
            enc::base64(config) + "\n");
  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests",
                         "  secretRef: {name: regcred}\n  ref: {tag: v1.0.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(x.f.condition("m", "Ready") == "True");

  x.f.apply(ocirepo_yaml("nosecret", "oci://registry.example/tenant-a/manifests", "  secretRef: {name: ghost}\n"));
  BOOST_REQUIRE(x.f.settled("nosecret"));
  BOOST_TEST(x.f.condition("nosecret", "FetchFailed", "reason") == "AuthenticationFailed");
  BOOST_TEST(x.f.condition("nosecret", "FetchFailed", "message") ==
             "failed to get credential: failed to get secret 'tenant-a/ghost': secrets \"ghost\" not found");
  BOOST_TEST(json::dump(x.f.object("m")).find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(copy_and_layer_selection) {
  fixture x;
  auto helm = push_artifact(*x.reg, "tenant-a/charts", "1.0.0", tar_stream().file("Chart.yaml", "name: c\n"), {},
                            "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
  x.start();
  x.f.apply(ocirepo_yaml("c", "oci://registry.example/tenant-a/charts",
                         "  ref: {tag: 1.0.0}\n  layerSelector: {mediaType: "
                         "application/vnd.cncf.helm.chart.content.v1.tar+gzip, operation: copy}\n"));
  BOOST_REQUIRE(x.f.settled("c"));
  BOOST_TEST(x.f.condition("c", "Ready") == "True");
  BOOST_TEST(x.f.status_string("c", {"artifact", "digest"}) == helm.layer_digest);  // stored as is
  BOOST_TEST(x.f.status_string("c", {"observedLayerSelector", "operation"}) == "copy");

  x.f.apply(ocirepo_yaml("wrong", "oci://registry.example/tenant-a/charts",
                         "  ref: {tag: 1.0.0}\n  layerSelector: {mediaType: application/x-nothing}\n"));
  BOOST_REQUIRE(x.f.settled("wrong"));
  BOOST_TEST(x.f.condition("wrong", "FetchFailed", "reason") == "OCIArtifactLayerOperationFailed");
  BOOST_TEST(x.f.condition("wrong", "FetchFailed", "message") ==
             "failed to find layer with media type 'application/x-nothing' in artifact");
}

BOOST_AUTO_TEST_CASE(refusals_stall_without_touching_the_registry) {
  fixture x;
  x.start();
  x.f.apply(ocirepo_yaml("v", "oci://registry.example/tenant-a/manifests", "  verify: {provider: cosign}\n"));
  x.f.apply(ocirepo_yaml("u", "oci://registry.example/tenant-a/manifests:v1.0.0"));
  BOOST_REQUIRE(x.f.settled("v"));
  BOOST_REQUIRE(x.f.settled("u"));
  BOOST_TEST(x.f.condition("v", "Stalled") == "True");
  BOOST_TEST(x.f.condition("v", "Ready", "reason") == "VerificationError");
  BOOST_TEST(x.f.condition("v", "Ready", "message").find("spec.verify is not supported") != std::string::npos);
  BOOST_TEST(x.f.condition("u", "Stalled") == "True");
  BOOST_TEST(x.f.condition("u", "Ready", "reason") == "URLInvalid");
  BOOST_TEST(x.f.condition("u", "FetchFailed", "message") ==
             "URL validation failed for 'oci://registry.example/tenant-a/manifests:v1.0.0': URL must not contain a "
             "tag; remove ':v1.0.0'");
  BOOST_TEST(x.reg->seen().empty());
}

BOOST_AUTO_TEST_CASE(read_failures_for_semver) {
  fixture x;
  x.start();
  x.f.apply(ocirepo_yaml("none", "oci://registry.example/tenant-a/manifests", "  ref: {semver: '>=9.0.0'}\n"));
  x.f.apply(ocirepo_yaml("gone", "oci://registry.example/tenant-a/nothing", "  ref: {semver: '>=1.0.0'}\n"));
  BOOST_REQUIRE(x.f.settled("none"));
  BOOST_REQUIRE(x.f.settled("gone"));
  BOOST_TEST(x.f.condition("none", "FetchFailed", "reason") == "ReadOperationFailed");
  BOOST_TEST(x.f.condition("none", "FetchFailed", "message") ==
             "failed to determine the artifact tag for 'oci://registry.example/tenant-a/manifests': no match found "
             "for semver: >=9.0.0");
  BOOST_TEST(x.f.condition("gone", "FetchFailed", "reason") == "ReadOperationFailed");
  BOOST_TEST(x.f.condition("gone", "Stalled") == "");  // retried, not stalled
}

// Bad content: each fails with its reason, leaves the previous artifact and storage as
// they were, and leaves no work directory behind.
BOOST_AUTO_TEST_CASE(bad_content_fails_cleanly) {
  fixture x;
  auto& reg = *x.reg;
  // A manifest served with bytes that do not hash to its digest.
  auto mismatch = push_artifact(reg, "tenant-a/manifests", "mismatch", tar_stream().file("a", "a"));
  reg.corrupt_manifest(mismatch.manifest_digest);
  // A layer with "../" entries, one with an absolute path.
  push_artifact(reg, "tenant-a/manifests", "escape", tar_stream().file("ok", "1").file("../../evil.txt", "x"));
  push_artifact(reg, "tenant-a/manifests", "absolute", tar_stream().file("/etc/evil.txt", "x"));
  // A truncated blob.
  std::string noise(9000, '\0');
  uint32_t seed = 12345;
  for (auto& ch : noise) ch = static_cast<char>((seed = seed * 1103515245u + 12345u) >> 24);
  auto shortened = push_artifact(reg, "tenant-a/manifests", "truncated", tar_stream().file("a", noise));
  reg.truncate_blob(shortened.layer_digest, 100);
  // A gzip bomb (cap lowered for the test).
  {
    std::string bomb = gzip_bomb(8, 1u << 20);
    reg.put_blob(bomb);
    reg.put_manifest("tenant-a/manifests", "bomb", manifest_json({{flux_content_type, bomb}}));
  }
  // An index without a linux/amd64 manifest.
  {
    auto arm = push_artifact(reg, "tenant-a/manifests", "", tar_stream().file("a", "arm"));
    std::string m = manifest_json({{flux_content_type, arm.layer}});
    reg.put_manifest("tenant-a/manifests", "index",
                     index_json({{arm.manifest_digest, "linux/arm64"}}, {m.size()}),
                     "application/vnd.oci.image.index.v1+json");
  }
  ocirepository_options o;
  o.limits.max_extracted_bytes = 2u << 20;
  x.start(o);

  x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {tag: v1.0.0}\n"));
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_REQUIRE(x.f.condition("m", "Ready") == "True");
  const auto good_revision = x.f.status_string("m", {"artifact", "revision"});
  BOOST_REQUIRE(x.work_dirs_gone());
  const auto stored = x.f.storage_files();

  struct bad_case {
    std::string tag, reason, message_part;
  };
  std::vector<bad_case> cases{
      {"mismatch", "OCIArtifactPullFailed", "failed to pull artifact from"},
      {"escape", "OCIArtifactLayerOperationFailed", "escapes the target directory"},
      {"absolute", "OCIArtifactLayerOperationFailed", "absolute path"},
      {"truncated", "OCIArtifactLayerOperationFailed", "received 100 of"},
      {"bomb", "OCIArtifactLayerOperationFailed", "over the limit"},
      {"index", "OCIArtifactPullFailed", "linux/amd64"},
  };
  int n = 0;
  for (const auto& c : cases) {
    auto at = "bad-" + std::to_string(++n);
    x.f.apply(ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {tag: " + c.tag + "}\n",
                           requested(at)));
    BOOST_REQUIRE_MESSAGE(x.f.settled("m", at), c.tag);
    BOOST_TEST(x.f.condition("m", "Ready") == "False", c.tag);
    BOOST_TEST(x.f.condition("m", "FetchFailed", "reason") == c.reason, c.tag);
    auto msg = x.f.condition("m", "FetchFailed", "message");
    BOOST_TEST(msg.find(c.message_part) != std::string::npos, c.tag + ": " + msg);
    BOOST_TEST(x.f.condition("m", "ArtifactOutdated") == "True", c.tag);
    // The last good artifact stays advertised and stored; nothing else was written.
    BOOST_TEST(x.f.status_string("m", {"artifact", "revision"}) == good_revision, c.tag);
    BOOST_TEST(x.work_dirs_gone(), c.tag);
    BOOST_TEST((x.f.storage_files() == stored), c.tag);
  }
  BOOST_TEST(!fs::exists(x.f.work_root().parent_path() / "evil.txt"));
  BOOST_TEST(!fs::exists(x.f.work_root() / "evil.txt"));
}

BOOST_AUTO_TEST_CASE(deleting_the_object_removes_its_artifacts) {
  fixture x;
  x.start();
  auto y = ocirepo_yaml("m", "oci://registry.example/tenant-a/manifests", "  ref: {tag: v1.0.0}\n");
  x.f.apply(y);
  BOOST_REQUIRE(x.f.settled("m"));
  BOOST_TEST(!x.f.storage_files().empty());
  x.f.remove(y);
  BOOST_TEST(x.f.eventually([&](status_log&) { return x.f.storage_files().empty(); }, 10s));
}

BOOST_AUTO_TEST_SUITE_END()
