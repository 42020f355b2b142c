// The Bucket reconciler end to end, with the real fluxaws binary in local mode:
//  - against the emulator's conformance world: static keys and object-level identity,
//    Flux's revision computed independently, the artifact served by the artifact
//    server, a cross-tenant bucket refused with AccessDenied without touching the other
//    tenant, an unchanged bucket reconciled without downloads, a changed object giving
//    a new revision and artifact;
//  - against s3rver, an S3 emulator written by others (it does not check signatures:
//    this proves protocol compatibility only);
//  - against a broken S3: a key escaping the work directory, a truncated object, a
//    malformed listing, an object that vanishes between list and get.
#define BOOST_TEST_MODULE bucket_integration
#include <boost/test/unit_test.hpp>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "tests/emulator/harness/emulator_process.hpp"
#include "tests/integration/bucket/fake_s3.hpp"
#include "tests/integration/bucket/fluxaws_child.hpp"
#include "tests/integration/bucket/test_http.hpp"

namespace fs = std::filesystem;
using namespace fluxaws;
using namespace fluxaws::testing;
using namespace std::chrono_literals;

namespace {

const std::string kWorlds = FLUXAWS_WORLDS;
const std::string kFixture = kWorlds + "/conformance/buckets/tenant-a-manifests";
const aws::credentials kCi{"AKIACONFORMANCE00001", "conformance/Secret+Key/00001", "", std::nullopt, "static"};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    auto t = (fs::temp_directory_path() / "fluxaws-bucket-it-XXXXXX").string();
    std::vector<char> buf(t.begin(), t.end());
    buf.push_back('\0');
    path = ::mkdtemp(buf.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << text;
  }
};

std::string md5_hex(const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr);
  return enc::hex(std::string(reinterpret_cast<char*>(out), len));
}

// Flux's revision, computed here independently of the engine: sha256 over
// "<key> <etag>\n" for the sorted keys, ETags being the MD5 of simple objects.
std::string flux_revision(const std::map<std::string, std::string>& files) {
  std::string text;
  for (const auto& [key, body] : files) text += key + " " + md5_hex(body) + "\n";
  return "sha256:" + digest::sha256_hex(text);
}

// The fixture's files minus what its .sourceignore excludes (*.md, drafts/).
std::map<std::string, std::string> expected_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    if (!it->is_regular_file()) continue;
    auto rel = fs::relative(it->path(), dir).string();
    bool markdown = rel.size() > 3 && rel.substr(rel.size() - 3) == ".md";
    if (rel == ".sourceignore" || markdown || rel.rfind("drafts/", 0) == 0)
      continue;
    out[rel] = slurp(it->path());
  }
  return out;
}

std::map<std::string, std::string> untar(const std::string& tgz) {
  std::map<std::string, std::string> out;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  BOOST_REQUIRE(archive_read_open_memory(a, tgz.data(), tgz.size()) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string name = archive_entry_pathname(e);
    if (name.rfind("./", 0) == 0) name = name.substr(2);
    std::string body(static_cast<std::size_t>(archive_entry_size(e)), '\0');
    archive_read_data(a, body.data(), body.size());
    out[name] = body;
  }
  archive_read_free(a);
  return out;
}

std::optional<json::value> status_of(const fs::path& state, const std::string& ns, const std::string& name) {
  auto text = slurp(state / "status" / "bucket" / ns / (name + ".json"));
  if (text.empty()) return std::nullopt;
  return json::parse(text);
}

std::string condition(const json::value& obj, const std::string& type, const std::string& field = "status") {
  if (const json::value* conds = obj.at({"status", "conditions"}))
    for (const auto& c : conds->as_array())
      if (c.find("type")->as_string() == type) return c.find(field)->as_string();
  return "";
}

std::string revision_of(const json::value& obj) {
  const json::value* r = obj.at({"status", "artifact", "revision"});
  return r ? r->as_string() : "";
}

// Waits (bounded) until pred holds for the object's stored status.
template <class Pred>
std::optional<json::value> wait_status(const fs::path& state, const std::string& ns, const std::string& name,
                                       Pred pred, std::chrono::seconds limit = 60s) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (auto s = status_of(state, ns, name); s && pred(*s)) return s;
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

struct emulator_fixture {
  emu::harness::emulator_process emu{[] {
    emu::harness::emulator_options o;
    o.binary = FLUXAWS_EMULATOR_BIN;
    o.world = kWorlds + "/conformance.yaml";
    o.extra_args = {"--no-registry"};
    o.ready_timeout = 120s;
    return o;
  }()};
  std::string config() const { return emu.state_dir() + "/fluxaws.yaml"; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(emu.port()); }
  connection_settings conn() const { return settings_from_emulator_config(config()); }
};

const char* kObjects = R"(
apiVersion: v1
kind: Secret
metadata: {name: ci-keys, namespace: tenant-a}
stringData: {accesskey: AKIACONFORMANCE00001, secretkey: conformance/Secret+Key/00001}
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
metadata:
  name: flux
  namespace: tenant-b
  annotations: {eks.amazonaws.com/role-arn: "arn:aws:iam::111122223333:role/tenant-b"}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: generic-keys, namespace: tenant-a}
spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, provider: generic,
       secretRef: {name: ci-keys}, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: aws-keys, namespace: tenant-a}
spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, provider: aws,
       secretRef: {name: ci-keys}, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: irsa, namespace: tenant-a}
spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: cross-tenant, namespace: tenant-a}
spec: {bucketName: tenant-b-manifests, endpoint: s3.amazonaws.com, region: eu-west-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: own, namespace: tenant-b}
spec: {bucketName: tenant-b-manifests, endpoint: s3.amazonaws.com, region: eu-west-1, provider: aws,
       serviceAccountName: flux, interval: 10m}
)";

std::vector<std::string> run_args(const std::string& config, const fs::path& objects, const fs::path& state) {
  return {"run",       "--config",        config,
          "--objects", objects.string(),  "--state-dir",
          state.string(), "--storage-addr", "127.0.0.1:0",
          "--metrics-addr", "0", "--health-addr", "0",
          "--feature-gates=ObjectLevelWorkloadIdentity=true", "--log-level", "debug"};
}

}  // namespace

BOOST_AUTO_TEST_CASE(conformance_world_static_keys_identity_and_tenancy, *boost::unit_test::timeout(300)) {
  emulator_fixture f;
  temp_dir objects, state;
  objects.write("objects.yaml", kObjects);
  auto args = run_args(f.config(), objects.path, state.path);
  args.push_back("--once");
  auto r = run_to_end(FLUXAWS_BIN, args, 120s);
  BOOST_TEST_MESSAGE(r.out);
  auto expected = flux_revision(expected_files(kFixture));
  for (const auto* name : {"generic-keys", "aws-keys", "irsa"}) {
    auto s = status_of(state.path, "tenant-a", name);
    BOOST_REQUIRE_MESSAGE(s, name);
    BOOST_TEST(condition(*s, "Ready") == "True", name << ": " << condition(*s, "Ready", "message"));
    BOOST_TEST(revision_of(*s) == expected, name);
    BOOST_TEST(condition(*s, "Ready", "message") == "stored artifact: revision '" + expected + "'");
  }
  auto cross = status_of(state.path, "tenant-a", "cross-tenant");
  BOOST_REQUIRE(cross);
  BOOST_TEST(condition(*cross, "Ready") == "False");
  BOOST_TEST(condition(*cross, "FetchFailed", "reason") == "BucketOperationFailed");
  BOOST_TEST(condition(*cross, "Ready", "message").find("AccessDenied") != std::string::npos,
             condition(*cross, "Ready", "message"));
  auto own = status_of(state.path, "tenant-b", "own");
  BOOST_REQUIRE(own);
  BOOST_TEST(condition(*own, "Ready") == "True", condition(*own, "Ready", "message"));
  BOOST_TEST(r.exit_code == 1);  // not every object is Ready
  // tenant-a's role never read tenant-b's objects.
  BOOST_TEST(emulator_calls(f.base(), "s3", "GetObject", "", "200") > 0);
  BOOST_TEST(emulator_calls(f.base(), "s3", "ListObjectsV2",
                            "arn:aws:sts::111122223333:assumed-role/tenant-a/flux.tenant-a.eu-west-1.fluxcd.io", "200") ==
             0);
  // No secret in the logs.
  BOOST_TEST(r.err.find("conformance/Secret+Key/00001") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(artifact_served_unchanged_bucket_and_changed_object, *boost::unit_test::timeout(300)) {
  emulator_fixture f;
  temp_dir objects, state;
  auto manifest = [&](const std::string& requested_at) {
    std::string annotations =
        requested_at.empty() ? "" : "  annotations: {reconcile.fluxcd.io/requestedAt: \"" + requested_at + "\"}\n";
    objects.write("objects.yaml",
                  "apiVersion: v1\nkind: Secret\nmetadata: {name: ci-keys, namespace: tenant-a}\n"
                  "stringData: {accesskey: AKIACONFORMANCE00001, secretkey: conformance/Secret+Key/00001}\n---\n"
                  "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata:\n  name: served\n"
                  "  namespace: tenant-a\n" +
                      annotations +
                      "spec: {bucketName: tenant-a-manifests, endpoint: s3.amazonaws.com, region: us-east-1, "
                      "provider: generic, secretRef: {name: ci-keys}, interval: 10m}\n");
  };
  manifest("");
  auto args = run_args(f.config(), objects.path, state.path);
  background_child engine(FLUXAWS_BIN, args);
  auto ready = wait_status(state.path, "tenant-a", "served",
                           [](const json::value& s) { return condition(s, "Ready") == "True"; });
  BOOST_REQUIRE_MESSAGE(ready, engine.logs());
  auto files = expected_files(kFixture);
  BOOST_TEST(revision_of(*ready) == flux_revision(files));

  // The artifact server serves it, and it unpacks to exactly the non-ignored objects.
  auto url = ready->at({"status", "artifact", "url"})->as_string();
  auto got = http_get(url);
  BOOST_REQUIRE(got.status == 200);
  BOOST_TEST("sha256:" + digest::sha256_hex(got.body) == ready->at({"status", "artifact", "digest"})->as_string());
  BOOST_TEST((untar(got.body) == files));
  // The server serves artifacts only.
  auto base = url.substr(0, url.find("/bucket/"));
  BOOST_TEST(http_get(base + "/bucket/tenant-a/served/").status == 404);
  BOOST_TEST(http_get(base + "/%2e%2e/%2e%2e/etc/passwd").status == 404);

  // Unchanged: a forced reconcile downloads nothing.
  http_post(f.base() + "/_emulator/calls/reset", "");
  manifest("first");
  auto again = wait_status(state.path, "tenant-a", "served", [](const json::value& s) {
    const json::value* h = s.at({"status", "lastHandledReconcileAt"});
    return h && h->as_string() == "first" && condition(s, "Ready") == "True";
  });
  BOOST_REQUIRE_MESSAGE(again, engine.logs());
  BOOST_TEST(emulator_calls(f.base(), "s3", "ListObjectsV2") >= 1);
  BOOST_TEST(emulator_calls(f.base(), "s3", "GetObject", "", "200") == 0);
  BOOST_TEST(revision_of(*again) == revision_of(*ready));

  // A changed object: new revision, new artifact with the new content.
  auto ep = aws::resolve_s3_bucket("us-east-1", "tenant-a-manifests", {});
  BOOST_REQUIRE(ep.ok());
  auto put = send_signed(aws::s3::put_object_request(*ep, "configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n"
                                                                          "metadata: {name: changed}\n"),
                         kCi, f.conn());
  BOOST_REQUIRE_MESSAGE(put.status == 200, put.body + put.error);
  files["configmap.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: changed}\n";
  manifest("second");
  auto changed = wait_status(state.path, "tenant-a", "served", [](const json::value& s) {
    const json::value* h = s.at({"status", "lastHandledReconcileAt"});
    return h && h->as_string() == "second" && condition(s, "Ready") == "True";
  });
  BOOST_REQUIRE_MESSAGE(changed, engine.logs());
  BOOST_TEST(revision_of(*changed) == flux_revision(files));
  BOOST_TEST(revision_of(*changed) != revision_of(*ready));
  auto fresh = http_get(changed->at({"status", "artifact", "url"})->as_string());
  BOOST_TEST((untar(fresh.body) == files));
  BOOST_TEST(engine.stop() == 0);
  BOOST_TEST(engine.logs().find("conformance/Secret+Key/00001") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(s3rver_compatibility, *boost::unit_test::timeout(300)) {
  fs::path s3rver = fs::path(FLUXAWS_S3RVER_DIR) / "node_modules" / ".bin" / "s3rver";
  BOOST_REQUIRE_MESSAGE(fs::exists(s3rver), "s3rver is not installed at " << s3rver.string());
  temp_dir data, objects, state;
  // A free port: bind, read it, release it for s3rver.
  int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(probe);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    std::string p = std::to_string(port), d = data.path.string();
    ::execlp(s3rver.c_str(), s3rver.c_str(), "--address", "127.0.0.1", "--port", p.c_str(), "--directory",
             d.c_str(), "--silent", nullptr);
    std::_Exit(127);
  }
  struct stopper {
    pid_t pid;
    ~stopper() {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  } stop_s3rver{pid};
  std::string endpoint = "http://127.0.0.1:" + std::to_string(port);
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    up = http_get(endpoint + "/").status > 0;
    if (!up) std::this_thread::sleep_for(50ms);
  }
  BOOST_REQUIRE_MESSAGE(up, "s3rver did not start");

  aws::endpoint_settings es;
  es.endpoint_url = endpoint;
  auto ep = aws::resolve_s3_bucket("us-east-1", "compat", es);
  BOOST_REQUIRE(ep.ok());
  aws::credentials any{"S3RVER", "S3RVER", "", std::nullopt, "static"};
  aws::service_request create{"S3 CreateBucket", "PUT", ep->ep, "/compat", "", {}, "", aws::auth_mode::sigv4_s3};
  auto made = send_signed(create, any, {});
  BOOST_REQUIRE_MESSAGE(made.status == 200, made.body + made.error);
  std::map<std::string, std::string> files = {{"a.yaml", "a: 1\n"}, {"dir/b.yaml", "b: 2\n"},
                                              {"dir/deeper/c.yaml", "c: 3\n"}, {"notes.md", "ignored\n"}};
  for (const auto& [k, v] : files) {
    auto put = send_signed(aws::s3::put_object_request(*ep, k, v), any, {});
    BOOST_REQUIRE_MESSAGE(put.status == 200, k << ": " << put.body << put.error);
  }
  auto ignore = send_signed(aws::s3::put_object_request(*ep, ".sourceignore", "*.md\n"), any, {});
  BOOST_REQUIRE(ignore.status == 200);
  files.erase("notes.md");

  objects.write("objects.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: keys, namespace: default}\n"
                "stringData: {accesskey: S3RVER, secretkey: S3RVER}\n---\n"
                "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: compat, namespace: default}\n"
                "spec: {bucketName: compat, endpoint: \"127.0.0.1:" +
                    std::to_string(port) +
                    "\", insecure: true, provider: generic, secretRef: {name: keys}, interval: 10m}\n");
  auto args = run_args("/dev/null", objects.path, state.path);
  args.erase(args.begin() + 1, args.begin() + 3);  // no --config
  args.push_back("--once");
  auto r = run_to_end(FLUXAWS_BIN, args, 120s);
  auto s = status_of(state.path, "default", "compat");
  BOOST_REQUIRE_MESSAGE(s, r.err);
  BOOST_TEST(condition(*s, "Ready") == "True", condition(*s, "Ready", "message") << "\n" << r.err);
  auto artifact = slurp(state.path / "artifacts" / s->at({"status", "artifact", "path"})->as_string());
  BOOST_TEST((untar(artifact) == files));
  BOOST_TEST(r.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(hostile_buckets_fail_clearly_and_write_nothing, *boost::unit_test::timeout(300)) {
  struct scenario {
    std::string name;
    std::function<void(fake_s3&)> setup;
    std::string expect_in_message;  // empty: expect Ready
  };
  std::vector<scenario> scenarios = {
      {"escape",
       [](fake_s3& s) {
         s.put("ok.yaml", {"ok: 1\n"});
         s.put("../../etc/fluxaws-escape-test", {"owned\n"});
       },
       "../../etc/fluxaws-escape-test"},
      {"truncated",
       [](fake_s3& s) {
         s.put("ok.yaml", {"ok: 1\n"});
         s.put("big.yaml", {std::string(100000, 'x'), true});
       },
       "failed to get 'big.yaml' object"},
      {"malformed",
       [](fake_s3& s) {
         s.put("ok.yaml", {"ok: 1\n"});
         s.set_raw_listing("<ListBucketResult><Contents><Key>a</Key><ETag>\"x\"</Contents>");
       },
       "indexation of objects from bucket"},
      {"vanished",
       [](fake_s3& s) {
         s.put("ok.yaml", {"ok: 1\n"});
         s.put("gone.yaml", {"gone: 1\n", false, true});
       },
       ""},
  };
  for (const auto& sc : scenarios) {
    BOOST_TEST_CONTEXT("scenario " << sc.name) {
      fake_s3 s3("hostile");
      sc.setup(s3);
      temp_dir objects, state;
      objects.write("objects.yaml",
                    "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: b, namespace: default}\n"
                    "spec: {bucketName: hostile, endpoint: \"" +
                        s3.endpoint() + "\", insecure: true, provider: generic, interval: 10m}\n");
      auto args = run_args("/dev/null", objects.path, state.path);
      args.erase(args.begin() + 1, args.begin() + 3);
      args.push_back("--once");
      auto r = run_to_end(FLUXAWS_BIN, args, 120s);
      auto st = status_of(state.path, "default", "b");
      BOOST_REQUIRE_MESSAGE(st, r.err);
      auto artifacts = state.path / "artifacts" / "bucket" / "default" / "b";
      if (sc.expect_in_message.empty()) {
        BOOST_TEST(condition(*st, "Ready") == "True", condition(*st, "Ready", "message"));
        // The vanished object is not part of the index or the artifact.
        // fake_s3's ETags are the first 32 hex digits of the body's SHA-256.
        auto etag = digest::sha256_hex("ok: 1\n").substr(0, 32);
        BOOST_TEST(revision_of(*st) == "sha256:" + digest::sha256_hex("ok.yaml " + etag + "\n"));
        auto artifact = slurp(state.path / "artifacts" / st->at({"status", "artifact", "path"})->as_string());
        auto got = untar(artifact);
        BOOST_TEST(got.count("ok.yaml") == 1u);
        BOOST_TEST(got.count("gone.yaml") == 0u);
      } else {
        BOOST_TEST(condition(*st, "Ready") == "False");
        BOOST_TEST(condition(*st, "Ready", "message").find(sc.expect_in_message) != std::string::npos,
                   condition(*st, "Ready", "message"));
        bool nothing_stored = !fs::exists(artifacts) || fs::is_empty(artifacts);
        BOOST_TEST(nothing_stored);
      }
      BOOST_TEST(!fs::exists("/etc/fluxaws-escape-test"));
      BOOST_TEST(!fs::exists(fs::temp_directory_path() / "etc" / "fluxaws-escape-test"));
      // No work directory left behind.
      for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
        BOOST_TEST(e.path().filename().string().rfind("fluxaws-bucket-default-b-", 0) != 0u, e.path().string());
    }
  }
}
