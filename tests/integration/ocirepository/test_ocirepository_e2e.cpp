// OCIRepository end to end: the real `fluxaws run` binary against fluxaws-emulator's
// conformance world — the ECR registry front (TLS through the emulator's connect-to
// rules, provider aws with the credential plane: the controller's `ci` keys or
// tenant-b's web identity) and the raw docker-registry behind it (anonymous, plain
// HTTP), plus recording proxies on 127.0.0.1 for what a real registry never serves
// (a manifest that does not match its digest, a blob cut short). Statuses are read
// from the state directory, artifacts from storage, and the emulator's call counters
// say what the registry saw.
#include <boost/test/unit_test.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/common/digest.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/yaml_json.hpp"
#include "tests/integration/bucket/test_http.hpp"
#include "tests/integration/common/child_process.hpp"
#include "fake_server.hpp"
#include "layer_builder.hpp"
#include "registry_push.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

using namespace fluxaws;
using namespace itest;
using fluxaws::testing::http_request;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace ot = fluxaws::oci::testing;

namespace {

const std::string kEcrHost = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
const std::string kCi = "arn:aws:iam::111122223333:user/ci";

// ---- the world: the emulator, started once for the binary ------------------------------------

struct world {
  std::unique_ptr<emu::harness::emulator_process> emulator;
  std::string registry;  // raw docker-registry host:port
  uint16_t registry_port = 0;
  std::string config;  // fluxaws config: the emulator's, plus the controller's `ci` keys
  fs::path dir;

  world() = default;
  world(world&&) = default;
  ~world() {
    emulator.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

world& the_world() {
  static world w = [] {
    world x;
    emu::harness::emulator_options o;
    o.binary = FLUXAWS_EMULATOR_BIN;
    o.world = std::string(FLUXAWS_EMULATOR_DIR) + "/worlds/conformance.yaml";
    o.extra_args = {"--quiet"};
    o.ready_timeout = std::chrono::seconds(300);
    x.emulator = std::make_unique<emu::harness::emulator_process>(o);
    auto ready = json::parse(x.emulator->ready_json());
    if (!ready) throw std::runtime_error("ready.json is not JSON");
    x.registry = ready->find("registry")->as_string();
    x.registry_port = static_cast<uint16_t>(std::stoi(x.registry.substr(x.registry.rfind(':') + 1)));
    // The controller's own identity is the `ci` user's static keys (aws.env), so that
    // provider aws without a ServiceAccount has credentials; the directory is rescanned
    // often so that a changed manifest is seen quickly.
    auto cfg = yamljson::parse_yaml(read_file(ready->find("config")->as_string()));
    if (!cfg) throw std::runtime_error("fluxaws.yaml: " + cfg.error().message);
    (*cfg)["aws"]["env"]["AWS_ACCESS_KEY_ID"] = "AKIACONFORMANCE00001";
    (*cfg)["aws"]["env"]["AWS_SECRET_ACCESS_KEY"] = "conformance/Secret+Key/00001";
    (*cfg)["local"]["pollInterval"] = "200ms";
    x.dir = x.emulator->state_dir() + "-ocirepo";
    fs::create_directories(x.dir);
    x.config = (x.dir / "fluxaws.json").string();
    std::ofstream(x.config) << json::dump(*cfg, 2);
    return x;
  }();
  return w;
}

json::value emulator_calls() {
  auto a = http_request("GET", "http://127.0.0.1:" + std::to_string(the_world().emulator->port()) + "/_emulator/calls");
  auto v = json::parse(a.body);
  return v ? *v : json::value();
}

void reset_calls() {
  http_request("POST", "http://127.0.0.1:" + std::to_string(the_world().emulator->port()) + "/_emulator/calls/reset");
}

// Sum of the counts of registry/ECR calls matching (principal and status when given).
long calls(const std::string& service, const std::string& operation, const std::string& principal = "",
           long status = 0) {
  long n = 0;
  auto all = emulator_calls();
  for (const auto& e : all.as_array()) {
    if (e.find("service")->as_string() != service || e.find("operation")->as_string() != operation) continue;
    if (!principal.empty() && e.find("principal")->as_string().find(principal) == std::string::npos) continue;
    if (status && e.find("status")->as_int() != status) continue;
    n += e.find("count")->as_int();
  }
  return n;
}

std::string raw_repo(const std::string& ecr_name) { return "111122223333/us-east-1/" + ecr_name; }

const std::vector<std::string> kManifestAccept = {
    "Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json"};

std::string raw_digest(const std::string& repo, const std::string& tag) {
  auto a = http_request("HEAD", "http://" + the_world().registry + "/v2/" + repo + "/manifests/" + tag, kManifestAccept);
  BOOST_REQUIRE_EQUAL(a.status, 200);
  return a.headers["docker-content-digest"];
}

// ---- a test's directories, runs and statuses ---------------------------------------------------

struct run_dirs {
  fs::path root, objects, state, tmp;
  run_dirs() {
    std::string tmpl = (fs::temp_directory_path() / "fluxaws-ocirepo-it-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    root = tmpl;
    objects = root / "objects";
    state = root / "state";
    tmp = root / "tmp";  // TMPDIR of fluxaws: where its work directories go
    fs::create_directories(objects);
    fs::create_directories(tmp);
  }
  ~run_dirs() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void write_objects(const std::string& yaml, const std::string& file = "objects.yaml") const {
    std::ofstream(objects / (file + ".tmp")) << yaml;
    fs::rename(objects / (file + ".tmp"), objects / file);  // the poller never sees half a file
  }
};

std::vector<std::string> run_args(const run_dirs& d, bool once, const std::vector<std::string>& extra) {
  std::vector<std::string> a = {FLUXAWS_BIN,    "run",           "--config",       the_world().config,
                                "--objects",    d.objects.string(), "--state-dir", d.state.string(),
                                "--storage-addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
                                "--health-addr",  "127.0.0.1:0"};
  if (once) a.push_back("--once");
  for (const auto& e : extra) a.push_back(e);
  return a;
}

int run_once(const run_dirs& d, const std::vector<std::string>& extra = {}) {
  auto out = (d.root / "run.out").string();
  auto err = (d.root / "run.err").string();
  child_process p(run_args(d, true, extra), {"TMPDIR=" + d.tmp.string()}, out, err);
  auto rc = p.wait(300s);
  BOOST_TEST_MESSAGE("fluxaws run --once exited " << (rc ? *rc : -1) << "\n" << read_file(out));
  return rc ? *rc : -1;
}

json::value status_of(const run_dirs& d, const std::string& ns, const std::string& name) {
  auto v = json::parse(read_file((d.state / "status" / "ocirepository" / ns / (name + ".json")).string()));
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
  return v && v->is_string() ? v->as_string() : std::string();
}

std::string ocirepository(const std::string& ns, const std::string& name, const std::string& url,
                          const std::string& spec_extra, const std::string& meta_extra = "") {
  return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\n" + meta_extra + "spec:\n  url: " + url + "\n  interval: 1h\n" + spec_extra +
         "---\n";
}

std::string ecr_url(const std::string& repo) { return "oci://" + kEcrHost + "/" + repo; }

// Regular files of a tar.gz: path -> content.
std::map<std::string, std::string> read_targz(const fs::path& file) {
  std::map<std::string, std::string> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_filename(a, file.c_str(), 1 << 16) == ARCHIVE_OK) {
    struct archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
      if (archive_entry_filetype(e) != AE_IFREG) continue;
      std::string data;
      char buf[8192];
      la_ssize_t n;
      while ((n = archive_read_data(a, buf, sizeof buf)) > 0) data.append(buf, static_cast<std::size_t>(n));
      out[archive_entry_pathname(e)] = data;
    }
  }
  archive_read_free(a);
  return out;
}

// Regular files of a directory: relative path -> content.
std::map<std::string, std::string> read_tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it)
    if (it->is_regular_file()) out[fs::relative(it->path(), dir).string()] = read_file(it->path().string());
  return out;
}

// Every file under a directory with its size and modification time, for "unchanged".
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    auto rel = fs::relative(it->path(), dir).string();
    if (it->is_symlink()) {
      out[rel] = "-> " + fs::read_symlink(it->path()).string();
    } else if (it->is_regular_file()) {
      auto t = fs::last_write_time(it->path()).time_since_epoch().count();
      out[rel] = std::to_string(it->file_size()) + "@" + std::to_string(t);
    } else {
      out[rel] = "dir";
    }
  }
  return out;
}

std::string world_artifact_dir(const std::string& name) {
  return std::string(FLUXAWS_EMULATOR_DIR) + "/worlds/conformance/artifacts/" + name;
}

// The stored artifact of a status: checks its digest and returns its files.
std::map<std::string, std::string> artifact_files(const run_dirs& d, const json::value& obj) {
  auto file = d.state / "artifacts" / str(obj, {"status", "artifact", "path"});
  BOOST_TEST(fs::is_regular_file(file), file.string());
  BOOST_TEST("sha256:" + digest::sha256_hex(read_file(file.string())) == str(obj, {"status", "artifact", "digest"}));
  return read_targz(file);
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ocirepository_e2e)

// The issue's selections against tenant-a/manifests through the ECR front (provider aws,
// the controller's `ci` identity): revisions, digests and the artifact's files.
BOOST_AUTO_TEST_CASE(semver_and_digest_refs_against_ecr) {
  auto& w = the_world();
  const auto d100 = raw_digest(raw_repo("tenant-a/manifests"), "v1.0.0");
  const auto d110 = raw_digest(raw_repo("tenant-a/manifests"), "v1.1.0");
  BOOST_REQUIRE(d100 != d110);
  run_dirs d;
  d.write_objects(ocirepository("tenant-a", "old", ecr_url("tenant-a/manifests"),
                                "  provider: aws\n  ref: {semver: '>=1.0.0 <1.1.0'}\n") +
                  ocirepository("tenant-a", "new", ecr_url("tenant-a/manifests"),
                                "  provider: aws\n  ref: {semver: '>=1.0.0'}\n") +
                  ocirepository("tenant-a", "pinned", ecr_url("tenant-a/manifests"),
                                "  provider: aws\n  ref: {digest: '" + d100 + "', semver: '>=1.0.0'}\n"));
  reset_calls();
  BOOST_REQUIRE_EQUAL(run_once(d), 0);
  (void)w;

  auto old_obj = status_of(d, "tenant-a", "old");
  auto new_obj = status_of(d, "tenant-a", "new");
  auto pinned = status_of(d, "tenant-a", "pinned");
  BOOST_TEST(str(old_obj, {"status", "artifact", "revision"}) == "v1.0.0@" + d100);
  BOOST_TEST(str(new_obj, {"status", "artifact", "revision"}) == "v1.1.0@" + d110);
  BOOST_TEST(str(pinned, {"status", "artifact", "revision"}) == d100);
  BOOST_TEST(cond(old_obj, "Ready", "message") == "stored artifact for digest 'v1.0.0@" + d100 + "'");
  BOOST_TEST(cond(pinned, "Ready", "message") == "stored artifact for digest '" + d100 + "'");
  BOOST_TEST(str(old_obj, {"status", "artifact", "metadata", "org.opencontainers.image.revision"}) ==
             "v1.0.0@sha1:1111111111111111111111111111111111111111");
  BOOST_TEST(str(new_obj, {"status", "url"}).find("/ocirepository/tenant-a/new/latest.tar.gz") != std::string::npos);

  // The artifacts unpack to the layer's files: the world's directories, byte for byte.
  auto v100 = read_tree(world_artifact_dir("tenant-a-manifests-v1.0.0"));
  auto v110 = read_tree(world_artifact_dir("tenant-a-manifests-v1.1.0"));
  BOOST_TEST((artifact_files(d, old_obj) == v100));
  BOOST_TEST((artifact_files(d, new_obj) == v110));
  BOOST_TEST((artifact_files(d, pinned) == v100));
  BOOST_TEST(str(pinned, {"status", "artifact", "digest"}) == str(old_obj, {"status", "artifact", "digest"}));

  // A digest ref resolves nothing: two semver objects listed tags, nobody else did.
  BOOST_TEST(calls("registry", "ListTags", kCi, 200) == 2);
  BOOST_TEST(calls("registry", "HeadManifest", kCi, 200) == 2);
  BOOST_TEST(calls("ecr", "GetAuthorizationToken", kCi, 200) == 1);  // one token, cached, for all three
  BOOST_TEST(fs::is_empty(d.tmp));  // no work directory left behind
}

// tenant-a/app has 1,504 tags: read across two pages (ECR serves at most 1,000).
BOOST_AUTO_TEST_CASE(a_long_tag_list_is_read_across_pages) {
  const auto d123 = raw_digest(raw_repo("tenant-a/app"), "1.2.3");
  run_dirs d;
  d.write_objects(
      ocirepository("tenant-a", "app", ecr_url("tenant-a/app"), "  provider: aws\n  ref: {semver: '>=1.0.0'}\n") +
      ocirepository("tenant-a", "builds", ecr_url("tenant-a/app"),
                    "  provider: aws\n  ref: {semver: '>=1.0.0-0', semverFilter: '^2\\.'}\n"));
  reset_calls();
  BOOST_REQUIRE_EQUAL(run_once(d), 0);
  auto app = status_of(d, "tenant-a", "app");
  BOOST_TEST(str(app, {"status", "artifact", "revision"}) == "1.2.3@" + d123);  // 2.0.0-rc.1 is a pre-release
  auto builds = status_of(d, "tenant-a", "builds");
  BOOST_TEST(str(builds, {"status", "artifact", "revision"}).find("2.0.0-rc.1@sha256:") == 0u);
  BOOST_TEST(calls("registry", "ListTags", kCi, 200) == 4);  // two pages for each object
}

// tenant-b's identity (web identity of ServiceAccount tenant-b/flux) against
// tenant-a/manifests: the registry's 403, with its message, in the condition.
BOOST_AUTO_TEST_CASE(tenant_b_identity_is_refused_by_the_registry) {
  run_dirs d;
  d.write_objects(
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: flux\n  namespace: tenant-b\n  annotations: "
      "{eks.amazonaws.com/role-arn: 'arn:aws:iam::111122223333:role/tenant-b'}\n---\n" +
      ocirepository("tenant-b", "cross", ecr_url("tenant-a/manifests"),
                    "  provider: aws\n  serviceAccountName: flux\n  ref: {tag: v1.0.0}\n"));
  reset_calls();
  BOOST_TEST(run_once(d, {"--feature-gates=ObjectLevelWorkloadIdentity=true"}) == 1);
  auto obj = status_of(d, "tenant-b", "cross");
  BOOST_TEST(cond(obj, "Ready", "status") == "False");
  BOOST_TEST(cond(obj, "FetchFailed", "reason") == "OCIArtifactPullFailed");
  auto msg = cond(obj, "FetchFailed", "message");
  BOOST_TEST(msg.find("failed to determine artifact digest") == 0u, msg);
  BOOST_TEST(msg.find("403") != std::string::npos, msg);
  BOOST_TEST(msg.find("assumed-role/tenant-b/") != std::string::npos, msg);
  BOOST_TEST(msg.find("is not authorized to perform: ecr:BatchGetImage") != std::string::npos, msg);
  BOOST_TEST(!obj.at({"status", "artifact"}));
  // The ECR token was tenant-b's own; the registry refused it and served nothing.
  BOOST_TEST(calls("ecr", "GetAuthorizationToken", "assumed-role/tenant-b/", 200) == 1);
  BOOST_TEST(calls("registry", "GetBlob") == 0);
  BOOST_TEST(calls("registry", "HeadManifest", "assumed-role/tenant-b/", 403) >= 1);
}

// Provider aws with a registry that is not ECR: it never sees the ECR token (nor any
// credential), and no token is even asked for. The same registry, anonymous, works.
BOOST_AUTO_TEST_CASE(the_ecr_token_never_reaches_another_registry) {
  auto& w = the_world();
  ot::fake_server proxy(ot::forward_to(w.registry_port));
  const std::string url = "oci://" + proxy.authority() + "/" + raw_repo("tenant-a/manifests");
  run_dirs d;
  d.write_objects(ocirepository("tenant-a", "aws-elsewhere", url, "  provider: aws\n  insecure: true\n  ref: {tag: "
                                                                  "v1.0.0}\n") +
                  ocirepository("tenant-a", "anonymous", url, "  insecure: true\n  ref: {tag: v1.0.0}\n"));
  reset_calls();
  BOOST_TEST(run_once(d) == 1);
  auto aws_obj = status_of(d, "tenant-a", "aws-elsewhere");
  BOOST_TEST(cond(aws_obj, "FetchFailed", "reason") == "AuthenticationFailed");
  BOOST_TEST(cond(aws_obj, "FetchFailed", "message").find("is not an Amazon ECR registry host") != std::string::npos);
  auto anon = status_of(d, "tenant-a", "anonymous");
  BOOST_TEST(cond(anon, "Ready", "status") == "True");
  // Server side: requests arrived (the anonymous object), none with credentials.
  auto seen = proxy.requests();
  BOOST_TEST(!seen.empty());
  for (const auto& r : seen) BOOST_TEST(r.header("authorization").empty(), r.method + " " + r.target);
  BOOST_TEST(calls("ecr", "GetAuthorizationToken") == 0);
}

// The same tag again: resolved with one HEAD, nothing pulled (the registry's counters);
// a changed ignore rule rebuilds from a new pull. Then a clean SIGTERM.
BOOST_AUTO_TEST_CASE(an_unchanged_tag_is_not_pulled_again) {
  run_dirs d;
  auto object = [](const std::string& meta, const std::string& extra) {
    return ocirepository("tenant-a", "steady", ecr_url("tenant-a/manifests"),
                         "  provider: aws\n  ref: {tag: v1.1.0}\n" + extra, meta);
  };
  d.write_objects(object("", ""));
  auto out = (d.root / "run.out").string();
  auto err = (d.root / "run.err").string();
  reset_calls();
  child_process p(run_args(d, false, {}), {"TMPDIR=" + d.tmp.string()}, out, err);

  auto status = [&] { return status_of(d, "tenant-a", "steady"); };
  BOOST_REQUIRE(eventually([&] { return cond(status(), "Ready", "status") == "True"; }, 120s));
  const auto first = status();
  const long heads = calls("registry", "HeadManifest", kCi, 200);
  const long gets = calls("registry", "GetManifest", kCi, 200);
  const long blobs = calls("registry", "GetBlob", kCi, 200);
  BOOST_TEST(heads == 1);
  BOOST_TEST(gets == 1);
  BOOST_TEST(blobs == 1);

  d.write_objects(object("  annotations: {reconcile.fluxcd.io/requestedAt: 'again-1'}\n", ""));
  BOOST_REQUIRE(eventually([&] { return str(status(), {"status", "lastHandledReconcileAt"}) == "again-1"; }, 120s));
  auto second = status();
  BOOST_TEST(cond(second, "Ready", "status") == "True");
  BOOST_TEST(calls("registry", "HeadManifest", kCi, 200) == heads + 1);
  BOOST_TEST(calls("registry", "GetManifest", kCi, 200) == gets);  // not pulled again
  BOOST_TEST(calls("registry", "GetBlob", kCi, 200) == blobs);
  BOOST_TEST(json::dump(*second.at({"status", "artifact"})) == json::dump(*first.at({"status", "artifact"})));

  // A new ignore rule: same revision, new content, pulled again.
  d.write_objects(
      object("  annotations: {reconcile.fluxcd.io/requestedAt: 'again-1'}\n", "  ignore: \"apps/\"\n"));
  BOOST_REQUIRE(eventually([&] { return str(status(), {"status", "observedIgnore"}) == "apps/"; }, 120s));
  auto third = status();
  BOOST_TEST(calls("registry", "GetBlob", kCi, 200) == blobs + 1);
  BOOST_TEST(str(third, {"status", "artifact", "revision"}) == str(first, {"status", "artifact", "revision"}));
  auto files = artifact_files(d, third);
  BOOST_TEST(files.count("configmap.yaml") == 1u);
  BOOST_TEST(files.count("apps/deployment.yaml") == 0u);

  auto rc = p.stop(30s);
  BOOST_TEST((rc && *rc == 0), "fluxaws run stops cleanly on SIGTERM");
  BOOST_TEST(fs::is_empty(d.tmp));
}

// Bad input, each a clear failure: nothing written outside the work directories (which
// are gone afterwards) and the storage as it was before the run.
BOOST_AUTO_TEST_CASE(bad_input_fails_cleanly) {
  auto& w = the_world();
  using namespace fluxaws::ocitest;
  const std::string repo = "hostile/" + std::to_string(::getpid());
  const auto port = w.registry_port;
  const std::string evil = "fluxaws-ocirepo-evil-" + std::to_string(::getpid()) + ".txt";
  const fs::path absolute = fs::temp_directory_path() / ("fluxaws-ocirepo-abs-" + std::to_string(::getpid()));

  auto push = [&](const std::string& tag, const std::string& layer) {
    ot::push_blob(port, repo, layer);
    ot::push_blob(port, repo, "{}");
    return ot::push_manifest(port, repo, tag, oci_manifest_type, manifest_json({{flux_content_type, layer}}));
  };
  auto good = push("good", gzip(tar_stream().file("ok.yaml", "ok: true\n").bytes()));
  push("escape", gzip(tar_stream().file("ok.yaml", "1").file("../../../" + evil, "pwned").bytes()));
  push("absolute", gzip(tar_stream().file(absolute.string(), "pwned").bytes()));
  // 300 MiB of zeros in one entry, about 300 KiB compressed: over the 256 MiB cap.
  push("bomb", gzip_bomb(1, 300ull << 20));
  {
    // An index whose only manifest is for linux/arm64 (pushed by digest, untagged).
    auto arm_layer = gzip(tar_stream().file("arm.yaml", "arm\n").bytes());
    ot::push_blob(port, repo, arm_layer);
    auto arm_manifest = manifest_json({{flux_content_type, arm_layer}});
    auto arm = ot::push_manifest(port, repo, sha256_digest(arm_manifest), oci_manifest_type, arm_manifest);
    ot::push_manifest(port, repo, "index", oci_index_type,
                      index_json({{arm.digest, "linux/arm64"}}, {arm_manifest.size()}));
  }
  // Incompressible content, so that the blob is large enough to be cut mid-transfer.
  const auto big_layer = gzip(tar_stream().file("noise.bin", ot::pseudo_random(256 * 1024, 7)).bytes());
  push("big", big_layer);
  const std::string big_layer_digest = sha256_digest(big_layer);

  // A proxy that lies: the manifest of "good" by digest comes back altered, and the
  // blob of "big" is cut off mid-transfer.
  ot::fake_server liar(ot::forward_to(port, [&](const ot::fake_request& r, ot::fake_reply& reply) {
    if (r.method == "GET" && r.target.find("/manifests/" + good.digest) != std::string::npos) reply.body += " ";
    if (r.method == "GET" && r.target.find("/blobs/" + big_layer_digest) != std::string::npos) {
      reply.declared_length = reply.body.size();
      reply.body.resize(reply.body.size() / 2);
    }
  }));

  run_dirs d;
  auto raw = [&](const std::string& name, const std::string& tag, const std::string& host) {
    return ocirepository("hostile", name, "oci://" + host + "/" + repo, "  insecure: true\n  ref: {tag: " + tag + "}\n");
  };
  // First a good artifact, then the storage must not change.
  d.write_objects(raw("good", "good", w.registry));
  BOOST_REQUIRE_EQUAL(run_once(d), 0);
  const auto stored = snapshot(d.state / "artifacts");
  BOOST_REQUIRE(!stored.empty());

  d.write_objects(raw("escape", "escape", w.registry) + raw("absolute", "absolute", w.registry) +
                  raw("bomb", "bomb", w.registry) + raw("index", "index", w.registry) +
                  raw("mismatch", "good", liar.authority()) + raw("truncated", "big", liar.authority()));
  BOOST_TEST(run_once(d) == 1);

  struct expectation {
    std::string name, reason, part;
  };
  for (const auto& e : std::vector<expectation>{
           {"escape", "OCIArtifactLayerOperationFailed", "escapes the target directory"},
           {"absolute", "OCIArtifactLayerOperationFailed", "has an absolute path"},
           {"bomb", "OCIArtifactLayerOperationFailed", "over the limit"},
           {"index", "OCIArtifactPullFailed", "no manifest for platform linux/amd64"},
           {"mismatch", "OCIArtifactPullFailed", "failed to pull artifact from"},
           {"truncated", "OCIArtifactLayerOperationFailed", "failed to extract layer contents from artifact"},
       }) {
    auto obj = status_of(d, "hostile", e.name);
    BOOST_TEST(cond(obj, "Ready", "status") == "False", e.name);
    BOOST_TEST(cond(obj, "FetchFailed", "reason") == e.reason, e.name);
    auto msg = cond(obj, "FetchFailed", "message");
    BOOST_TEST(msg.find(e.part) != std::string::npos, e.name + ": " + msg);
    BOOST_TEST(!obj.at({"status", "artifact"}), e.name);
  }
  BOOST_TEST(cond(status_of(d, "hostile", "mismatch"), "FetchFailed", "message").find("digest") != std::string::npos);
  // Nothing outside: no escaped file, work directories removed, storage as it was.
  BOOST_TEST(fs::is_empty(d.tmp));
  for (auto p = d.tmp; p != p.root_path(); p = p.parent_path()) BOOST_TEST(!fs::exists(p / evil), p.string());
  BOOST_TEST(!fs::exists(absolute));
  BOOST_TEST((snapshot(d.state / "artifacts") == stored));
}

BOOST_AUTO_TEST_SUITE_END()
