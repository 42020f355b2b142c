// ImageRepository and ImagePolicy end to end: the real `fluxaws run` against
// fluxaws-emulator's conformance world (tenant-a/app: 1.0.0, 1.2.3, 2.0.0-rc.1,
// latest, build-0001..build-1500), through the raw docker-registry (anonymous, plain
// HTTP) and through the ECR registry front (TLS via the emulator's connect-to rules, a
// dockerconfigjson Secret holding the ECR token the AWS CLI gets as the `ci` user).
// Statuses are read from the state directory, as `fluxaws get` does.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "tests/integration/bucket/test_http.hpp"
#include "tests/integration/common/child_process.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

using namespace fluxaws;
using namespace itest;
using fluxaws::testing::http_request;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const char* kEcrHost = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

// ---- the emulator, started once for the binary ---------------------------------------

struct world {
  std::unique_ptr<emu::harness::emulator_process> emulator;
  std::string registry;  // raw docker-registry host:port (no auth, plain HTTP)
  std::string config;    // fluxaws.yaml written by the emulator
  std::string env_file;
  unsigned short port = 0;
};

world& the_world() {
  static world w = [] {
    world x;
    emu::harness::emulator_options o;
    o.binary = FLUXAWS_EMULATOR_BIN;
    o.world = std::string(FLUXAWS_EMULATOR_DIR) + "/worlds/conformance.yaml";
    x.emulator = std::make_unique<emu::harness::emulator_process>(o);
    auto ready = json::parse(x.emulator->ready_json());
    BOOST_REQUIRE(ready.has_value());
    x.registry = ready->find("registry")->as_string();
    x.config = ready->find("config")->as_string();
    x.env_file = ready->find("env")->as_string();
    x.port = x.emulator->port();
    return x;
  }();
  return w;
}

// The raw registry's name for an ECR repository (the emulator's backing name).
std::string raw_repo(const std::string& ecr_name) { return "111122223333/us-east-1/" + ecr_name; }

const std::vector<std::string> kManifestAccept = {
    "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json"};

// The digest the raw registry reports for repo:tag.
std::string raw_digest(const std::string& repo, const std::string& tag) {
  auto a = http_request("HEAD", "http://" + the_world().registry + "/v2/" + repo + "/manifests/" + tag, kManifestAccept);
  BOOST_REQUIRE(a.status == 200);
  return a.headers["docker-content-digest"];
}

// Pushes tag `to` as a copy of tag `from`'s manifest (its blobs are already there).
void push_tag(const std::string& repo, const std::string& from, const std::string& to) {
  auto base = "http://" + the_world().registry + "/v2/" + repo + "/manifests/";
  auto got = http_request("GET", base + from, kManifestAccept);
  BOOST_REQUIRE(got.status == 200);
  auto put = http_request("PUT", base + to, {"Content-Type: " + got.headers["content-type"]}, got.body);
  BOOST_REQUIRE(put.status == 201);
}

// ---- objects, runs, statuses ---------------------------------------------------------------

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "fluxaws-images-it-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path sub(const std::string& name) const {
    fs::create_directories(path / name);
    return path / name;
  }
};

void write(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

std::vector<std::string> run_args(const fs::path& objects, const fs::path& state, bool once,
                                  const std::vector<std::string>& extra = {}) {
  std::vector<std::string> a = {FLUXAWS_BIN,  "run",         "--config",      the_world().config,
                                "--objects",  objects.string(), "--state-dir", state.string(),
                                "--storage-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
                                "--health-addr",  "127.0.0.1:0"};
  if (once) a.push_back("--once");
  for (const auto& e : extra) a.push_back(e);
  return a;
}

struct once_result {
  int rc = -1;
  std::string table;
  std::string log;
};

once_result run_once(const temp_dir& d, const fs::path& objects, const std::vector<std::string>& extra = {}) {
  auto state = d.sub("state");
  auto out = (d.path / "run.out").string();
  auto err = (d.path / "run.err").string();
  child_process p(run_args(objects, state, true, extra), {}, out, err);
  auto rc = p.wait(300s);
  once_result r;
  r.rc = rc ? *rc : -1;
  r.table = read_file(out);
  r.log = read_file(err);
  BOOST_TEST_MESSAGE("fluxaws run --once exited " << r.rc << "\n" << r.table);
  return r;
}

json::value status_of(const temp_dir& d, const std::string& kind_lower, const std::string& ns, const std::string& name) {
  auto text = read_file((d.path / "state" / "status" / kind_lower / ns / (name + ".json")).string());
  auto v = json::parse(text);
  return v ? *v : json::value();
}

std::string cond(const json::value& obj, const std::string& type, const std::string& field) {
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return "";
  for (const auto& c : conds->as_array())
    if (c.find("type") && c.find("type")->as_string() == type) return c.find(field) ? c.find(field)->as_string() : "";
  return "";
}

std::string str(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : (v ? json::dump(*v) : std::string());
}

std::string raw_repository(const std::string& name, const std::string& ns, const std::string& ecr_repo,
                           const std::string& extra = "") {
  return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: " + name +
         ", namespace: " + ns + "}\nspec:\n  image: " + the_world().registry + "/" + raw_repo(ecr_repo) +
         "\n  interval: 1m\n  insecure: true\n" + extra + "---\n";
}

std::string policy(const std::string& name, const std::string& ns, const std::string& ref, const std::string& body) {
  return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nspec:\n  imageRepositoryRef: " + ref + "\n" + body + "---\n";
}

// The ECR token of the `ci` user, from the AWS CLI (an independent client).
std::string ecr_token() {
  std::string cli = FLUXAWS_AWS_CLI;
  if (cli.empty()) BOOST_FAIL("the AWS CLI (aws) was not found when configuring; it is a project dependency");
  auto out = capture({"/bin/sh", "-c",
                      ". '" + the_world().env_file +
                          "' && exec '" + cli +
                          "' ecr get-authorization-token --region us-east-1 "
                          "--query 'authorizationData[0].authorizationToken' --output text"},
                     {"AWS_ACCESS_KEY_ID=AKIACONFORMANCE00001", "AWS_SECRET_ACCESS_KEY=conformance/Secret+Key/00001",
                      "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null"},
                     120s);
  BOOST_REQUIRE_MESSAGE(out.has_value(), "aws ecr get-authorization-token failed");
  std::string t = *out;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  BOOST_REQUIRE(!t.empty());
  return t;
}

long emulator_calls(const std::string& service, const std::string& op, const std::string& principal, int status) {
  auto a = http_request("GET", "http://127.0.0.1:" + std::to_string(the_world().port) + "/_emulator/calls");
  auto v = json::parse(a.body);
  if (!v) return -1;
  long n = 0;
  for (const auto& e : v->as_array())
    if (e.find("service")->as_string() == service && e.find("operation")->as_string() == op &&
        e.find("principal")->as_string() == principal && e.find("status")->as_int() == status)
      n += e.find("count")->as_int();
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(images_end_to_end)

BOOST_AUTO_TEST_CASE(conformance_selections_through_the_registry_and_the_ecr_front) {
  temp_dir d;
  auto objects = d.sub("objects");
  auto token = ecr_token();
  std::string y = raw_repository("app", "tenant-a", "tenant-a/app");
  y += "apiVersion: v1\nkind: Secret\nmetadata: {name: ecr-login, namespace: tenant-a}\n"
       "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"" +
       std::string(kEcrHost) + "\":{\"auth\":\"" + token + "\"}}}'\n---\n";
  y += "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: ecr, namespace: tenant-a}\n"
       "spec: {image: " + std::string(kEcrHost) + "/tenant-a/app, interval: 1m, secretRef: {name: ecr-login}}\n---\n";
  y += policy("semver", "tenant-a", "{name: app}", "  policy: {semver: {range: '>=1.0.0'}}\n");
  y += policy("prerelease", "tenant-a", "{name: app}", "  policy: {semver: {range: '>=2.0.0-0'}}\n");
  y += policy("builds", "tenant-a", "{name: app}",
              "  policy: {numerical: {order: asc}}\n  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$n'}\n");
  y += policy("alpha", "tenant-a", "{name: app}", "  policy: {alphabetical: {order: desc}}\n");
  y += policy("ecr-semver", "tenant-a", "{name: ecr}",
              "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: IfNotPresent\n");
  write(objects / "images.yaml", y);

  auto before = emulator_calls("registry", "ListTags", "arn:aws:iam::111122223333:user/ci", 200);
  auto r = run_once(d, objects);
  BOOST_TEST(r.rc == 0);  // every object Ready
  BOOST_TEST(r.log.find(token) == std::string::npos);  // the token is never logged
  BOOST_TEST(r.table.find(token) == std::string::npos);

  auto latest = [&](const std::string& name) {
    return str(status_of(d, "imagepolicy", "tenant-a", name), {"status", "latestRef", "tag"});
  };
  BOOST_TEST(latest("semver") == "1.2.3");
  BOOST_TEST(latest("prerelease") == "2.0.0-rc.1");
  BOOST_TEST(latest("builds") == "build-1500");
  BOOST_TEST(latest("alpha") == "1.0.0");
  BOOST_TEST(latest("ecr-semver") == "1.2.3");

  // The digest reflected through the ECR front is the registry's own.
  auto ecr_policy = status_of(d, "imagepolicy", "tenant-a", "ecr-semver");
  BOOST_TEST(str(ecr_policy, {"status", "latestRef", "digest"}) == raw_digest(raw_repo("tenant-a/app"), "1.2.3"));
  BOOST_TEST(str(ecr_policy, {"status", "latestRef", "name"}) == std::string(kEcrHost) + "/tenant-a/app");

  // Both scans saw the same 1504 tags; the revision is the stored list's digest.
  auto app = status_of(d, "imagerepository", "tenant-a", "app");
  auto ecr = status_of(d, "imagerepository", "tenant-a", "ecr");
  BOOST_TEST(str(app, {"status", "lastScanResult", "tagCount"}) == "1504");
  BOOST_TEST(str(ecr, {"status", "lastScanResult", "tagCount"}) == "1504");
  auto rev = str(app, {"status", "lastScanResult", "revision"});
  BOOST_TEST(rev == str(ecr, {"status", "lastScanResult", "revision"}));
  auto stored = read_file((d.path / "state" / "imagerepository" / "tenant-a" / "app" / "tags.txt").string());
  BOOST_TEST(rev == "sha256:" + digest::sha256_hex(stored));
  BOOST_TEST(cond(app, "Ready", "message") == "successful scan: found 1504 tags with checksum " + rev);
  BOOST_TEST(str(ecr, {"status", "canonicalImageName"}) == std::string(kEcrHost) + "/tenant-a/app");
  BOOST_TEST(str(app, {"status", "lastScanResult", "latestTags"}).find("\"latest\",\"build-1500\"") !=
             std::string::npos);

  // The ECR front served the scan to the ci user (the emulator's counters).
  BOOST_TEST(emulator_calls("registry", "ListTags", "arn:aws:iam::111122223333:user/ci", 200) > before);
}

BOOST_AUTO_TEST_CASE(cross_namespace_references_follow_access_from) {
  temp_dir d;
  auto objects = d.sub("objects");
  std::string y = "apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b, labels: {tenant: b}}\n---\n";
  y += raw_repository("private", "tenant-a", "tenant-a/app");
  y += raw_repository("shared", "tenant-a", "tenant-a/app",
                      "  accessFrom: {namespaceSelectors: [{matchLabels: {tenant: b}}]}\n");
  y += policy("denied", "tenant-b", "{name: private, namespace: tenant-a}", "  policy: {semver: {range: '>=1.0.0'}}\n");
  y += policy("allowed", "tenant-b", "{name: shared, namespace: tenant-a}", "  policy: {semver: {range: '>=1.0.0'}}\n");
  write(objects / "cross.yaml", y);
  auto r = run_once(d, objects);
  BOOST_TEST(r.rc == 1);  // "denied" is not Ready

  auto denied = status_of(d, "imagepolicy", "tenant-b", "denied");
  BOOST_TEST(cond(denied, "Ready", "status") == "False");
  BOOST_TEST(cond(denied, "Ready", "reason") == "AccessDenied");
  BOOST_TEST(cond(denied, "Ready", "message") ==
             "failed to get the referred ImageRepository: access denied: 'tenant-a/private' can't be accessed due "
             "to missing ACL labels on 'accessFrom'");
  BOOST_TEST(str(denied, {"status", "latestRef"}).empty());
  auto allowed = status_of(d, "imagepolicy", "tenant-b", "allowed");
  BOOST_TEST(cond(allowed, "Ready", "status") == "True");
  BOOST_TEST(str(allowed, {"status", "latestRef", "tag"}) == "1.2.3");

  // --no-cross-namespace-refs refuses even what accessFrom admits.
  temp_dir d2;
  auto objects2 = d2.sub("objects");
  write(objects2 / "cross.yaml", y);
  auto locked = run_once(d2, objects2, {"--no-cross-namespace-refs"});
  BOOST_TEST(locked.rc == 1);
  auto refused = status_of(d2, "imagepolicy", "tenant-b", "allowed");
  BOOST_TEST(cond(refused, "Ready", "reason") == "AccessDenied");
  BOOST_TEST(cond(refused, "Ready", "message") ==
             "failed to get the referred ImageRepository: cannot access 'ImageRepository/tenant-a/shared', "
             "cross-namespace references have been blocked");
}

BOOST_AUTO_TEST_CASE(bad_input_stalls_with_invalid_policy) {
  temp_dir d;
  auto objects = d.sub("objects");
  std::string y = raw_repository("app", "tenant-a", "tenant-a/app");
  y += policy("bad-range", "tenant-a", "{name: app}", "  policy: {semver: {range: '>=1.0 <'}}\n");
  y += policy("bad-pattern", "tenant-a", "{name: app}",
              "  policy: {alphabetical: {order: asc}}\n  filterTags: {pattern: '^build-(['}\n");
  y += policy("not-numbers", "tenant-a", "{name: app}", "  policy: {numerical: {order: asc}}\n");
  y += policy("bad-extract", "tenant-a", "{name: app}",
              "  policy: {numerical: {order: asc}}\n  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$ts'}\n");
  write(objects / "bad.yaml", y);
  auto r = run_once(d, objects);
  BOOST_TEST(r.rc == 1);
  struct expect {
    const char* name;
    const char* culprit;
  };
  for (auto e : {expect{"bad-range", ">=1.0 <"}, expect{"bad-pattern", "'^build-(['"},
                 expect{"not-numbers", "failed to parse invalid numeric value '"}, expect{"bad-extract", "'$ts'"}}) {
    BOOST_TEST_CONTEXT(e.name) {
      auto s = status_of(d, "imagepolicy", "tenant-a", e.name);
      BOOST_TEST(cond(s, "Stalled", "status") == "True");
      BOOST_TEST(cond(s, "Stalled", "reason") == "InvalidPolicy");
      BOOST_TEST(cond(s, "Ready", "reason") == "InvalidPolicy");
      BOOST_TEST(cond(s, "Ready", "message").find(e.culprit) != std::string::npos);
    }
  }
  // The repository itself is fine.
  BOOST_TEST(cond(status_of(d, "imagerepository", "tenant-a", "app"), "Ready", "status") == "True");
}

BOOST_AUTO_TEST_CASE(provider_aws_through_the_credential_plane) {
  // The node's instance role (IMDS, through the emulator's connect-to rule) for the
  // controller identity; object-level identity through ServiceAccount tenant-a/flux
  // (role tenant-a, web identity with a locally issued token); a repository that role
  // is denied by the repository policy.
  std::string y = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: flux\n  namespace: tenant-a\n"
                  "  annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam::111122223333:role/tenant-a'}\n---\n";
  auto ecr_repository = [](const std::string& name, const std::string& repo, const std::string& extra) {
    return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: " + name +
           ", namespace: tenant-a}\nspec:\n  image: " + std::string(kEcrHost) + "/" + repo +
           "\n  interval: 1m\n  provider: aws\n" + extra + "---\n";
  };
  y += ecr_repository("node", "tenant-a/app", "");
  y += ecr_repository("irsa", "tenant-a/app", "  serviceAccountName: flux\n");
  y += ecr_repository("other-tenant", "tenant-b/app", "  serviceAccountName: flux\n");
  y += policy("irsa-digest", "tenant-a", "{name: irsa}",
              "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: Always\n  interval: 5m\n");

  temp_dir d;
  auto objects = d.sub("objects");
  write(objects / "identity.yaml", y);
  auto web_identity_before = emulator_calls("sts", "AssumeRoleWithWebIdentity", "arn:aws:iam::111122223333:role/tenant-a", 200);
  auto r = run_once(d, objects, {"--feature-gates=ObjectLevelWorkloadIdentity=true"});
  BOOST_TEST(r.rc == 1);  // other-tenant is refused

  auto node = status_of(d, "imagerepository", "tenant-a", "node");
  BOOST_TEST(cond(node, "Ready", "status") == "True");
  BOOST_TEST(str(node, {"status", "lastScanResult", "tagCount"}) == "1504");
  auto irsa = status_of(d, "imagerepository", "tenant-a", "irsa");
  BOOST_TEST(cond(irsa, "Ready", "status") == "True");
  auto pol = status_of(d, "imagepolicy", "tenant-a", "irsa-digest");
  BOOST_TEST(str(pol, {"status", "latestRef", "tag"}) == "1.2.3");
  BOOST_TEST(str(pol, {"status", "latestRef", "digest"}) == raw_digest(raw_repo("tenant-a/app"), "1.2.3"));
  auto denied = status_of(d, "imagerepository", "tenant-a", "other-tenant");
  BOOST_TEST(cond(denied, "Ready", "reason") == "ReadOperationFailed");
  BOOST_TEST(cond(denied, "Ready", "message").find("assumed-role/tenant-a/") != std::string::npos);
  BOOST_TEST(cond(denied, "Ready", "message").find("explicit deny") != std::string::npos);
  BOOST_TEST(cond(denied, "Stalled", "status").empty());

  // Who the emulator saw: the node's role and tenant-a's web identity session.
  BOOST_TEST(emulator_calls("imds", "GetCredentials", "arn:aws:iam::111122223333:role/node", 200) > 0);
  BOOST_TEST(emulator_calls("sts", "AssumeRoleWithWebIdentity", "arn:aws:iam::111122223333:role/tenant-a", 200) >
             web_identity_before);

  // Without the feature gate a ServiceAccount stalls both kinds.
  temp_dir d2;
  auto objects2 = d2.sub("objects");
  write(objects2 / "identity.yaml", y);
  auto gated = run_once(d2, objects2);
  BOOST_TEST(gated.rc == 1);
  auto stalled = status_of(d2, "imagerepository", "tenant-a", "irsa");
  BOOST_TEST(cond(stalled, "Stalled", "reason") == "FeatureGateDisabled");
  auto stalled_policy = status_of(d2, "imagepolicy", "tenant-a", "irsa-digest");
  BOOST_TEST(cond(stalled_policy, "Stalled", "reason") == "FeatureGateDisabled");
  BOOST_TEST(cond(stalled_policy, "Stalled", "message").find("in the ImageRepository") != std::string::npos);
  BOOST_TEST(cond(status_of(d2, "imagerepository", "tenant-a", "node"), "Ready", "status") == "True");
}

BOOST_AUTO_TEST_CASE(a_running_fluxaws_picks_up_a_pushed_tag_on_the_next_scan) {
  // tenant-b/app (0.1.0, 0.2.0, 0.3.0, latest) gets the new tag, so tenant-a/app stays
  // as the conformance world defines it.
  temp_dir d;
  auto objects = d.sub("objects");
  auto state = d.sub("state");
  std::string y = "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\n"
                  "metadata: {name: app, namespace: tenant-b}\nspec:\n  image: " +
                  the_world().registry + "/" + raw_repo("tenant-b/app") + "\n  interval: 2s\n  insecure: true\n---\n";
  y += policy("semver", "tenant-b", "{name: app}", "  policy: {semver: {range: '>=0.1.0'}}\n");
  write(objects / "live.yaml", y);
  child_process p(run_args(objects, state, false), {}, (d.path / "live.out").string(), (d.path / "live.err").string());

  auto tag_is = [&](const std::string& tag) {
    for (int i = 0; i < 1200; ++i) {  // bounded: 60 s
      auto s = status_of(d, "imagepolicy", "tenant-b", "semver");
      if (str(s, {"status", "latestRef", "tag"}) == tag) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  };
  BOOST_REQUIRE(tag_is("0.3.0"));
  const std::string tag = "0.4.0";  // the emulator's registry is fresh for each test binary
  push_tag(raw_repo("tenant-b/app"), "0.3.0", tag);
  BOOST_TEST(tag_is(tag));
  auto s = status_of(d, "imagepolicy", "tenant-b", "semver");
  BOOST_TEST(str(s, {"status", "observedPreviousRef", "tag"}) == "0.3.0");
  BOOST_TEST(cond(s, "Ready", "message").find("(previously ") != std::string::npos);
  auto rc = p.stop(30s);
  BOOST_TEST(rc.has_value());
  BOOST_TEST(rc.value_or(-1) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
