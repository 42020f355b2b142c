// Artifact storage: source-controller's layout and naming, atomic writes, the latest
// link, digest checks, garbage collection by TTL and by count (with an injected
// clock), deletion, the startup sweep and byte accounting.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "../archive/tar_listing.hpp"
#include "../archive/test_support.hpp"
#include "adapters/archive/source_ignore.hpp"
#include "adapters/common/digest.hpp"
#include "runtime/artifact_storage.hpp"

using namespace fluxaws;
using namespace fluxaws::runtime;
using namespace fluxaws::testing;
using namespace std::chrono_literals;

namespace {

const std::string hex_a(64, 'a');
const std::string hex_b(64, 'b');

std::string rev(char c) { return "sha256:" + std::string(64, c); }

// A clock the test moves by hand.
struct manual_clock {
  std::shared_ptr<timefmt::sys_time> t = std::make_shared<timefmt::sys_time>(std::chrono::sys_days{std::chrono::year{2026} / 3 / 1});
  std::function<timefmt::sys_time()> fn() const {
    auto p = t;
    return [p] { return *p; };
  }
  void advance(std::chrono::seconds s) const { *t += s; }
};

struct fixture {
  scratch_dir root, src;
  manual_clock clock;
  std::unique_ptr<artifact_storage> storage;
  object_ref bucket{"Bucket", "tenant-a", "podinfo"};
  object_ref oci{"OCIRepository", "tenant-b", "manifests"};

  fixture() { reopen(); }

  void reopen(std::chrono::nanoseconds ttl = 1min, int records = 2) {
    storage.reset();
    storage_options o;
    o.root = root.path();
    o.advertised_address = "source-controller.flux-system.svc.cluster.local.";
    o.retention_ttl = ttl;
    o.retention_records = records;
    o.clock = clock.fn();
    auto s = artifact_storage::open(o);
    if (!s) throw std::runtime_error(s.error().to_string());
    storage = std::move(*s);
    write_file(src / "deploy/app.yaml", "kind: Deployment\n");
    write_file(src / "README.md", "readme\n");
  }

  artifact store(const object_ref& obj, const std::string& revision) {
    auto a = storage->store_directory(obj, revision, src.path());
    if (!a) throw std::runtime_error(a.error().to_string());
    return *a;
  }

  std::filesystem::path dir_of(const object_ref& obj) const {
    return root.path() / (*artifact_dir(obj));
  }
};

std::string link_target(const std::filesystem::path& p) {
  std::error_code ec;
  auto t = std::filesystem::read_symlink(p, ec);
  return ec ? std::string() : t.string();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(storage)

BOOST_FIXTURE_TEST_CASE(bucket_layout_record_and_latest_link, fixture) {
  auto a = store(bucket, rev('a'));
  BOOST_TEST(a.path == "bucket/tenant-a/podinfo/" + hex_a + ".tar.gz");
  BOOST_TEST(a.url == "http://source-controller.flux-system.svc.cluster.local./bucket/tenant-a/podinfo/" + hex_a + ".tar.gz");
  BOOST_TEST(a.revision == rev('a'));
  auto bytes = read_file(root.path() / a.path);
  BOOST_TEST(a.digest == "sha256:" + digest::sha256_hex(bytes));
  BOOST_TEST(a.size == static_cast<std::int64_t>(bytes.size()));
  BOOST_TEST((a.last_update_time == *clock.t));
  BOOST_TEST(link_target(dir_of(bucket) / "latest.tar.gz") == hex_a + ".tar.gz");  // relative
  BOOST_TEST(read_file(dir_of(bucket) / "latest.tar.gz") == bytes);
  auto latest = storage->latest_url(bucket);
  BOOST_REQUIRE(latest.ok());
  BOOST_TEST(*latest == "http://source-controller.flux-system.svc.cluster.local./bucket/tenant-a/podinfo/latest.tar.gz");
  struct stat st {};
  BOOST_REQUIRE(::stat((root.path() / a.path).c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  std::vector<std::string> want = {hex_a + ".tar.gz", "latest.tar.gz"};
  BOOST_TEST(list_dir(dir_of(bucket)) == want, boost::test_tools::per_element());  // no temp files
  BOOST_TEST(storage->exists(a));
  BOOST_TEST(storage->verify(a).ok());
}

BOOST_FIXTURE_TEST_CASE(same_content_same_digest_across_revisions, fixture) {
  auto a = store(bucket, rev('a'));
  auto b = store(oci, "v1.0.0@" + rev('b'));
  BOOST_TEST(a.digest == b.digest);  // reproducible archive of the same tree
}

BOOST_FIXTURE_TEST_CASE(oci_file_names_keep_the_digest_algorithm, fixture) {
  auto a = store(oci, "6.1.0@" + rev('b'));
  BOOST_TEST(a.path == "ocirepository/tenant-b/manifests/sha256:" + hex_b + ".tar.gz");
  BOOST_TEST(*artifact_file_name("OCIRepository", rev('b')) == "sha256:" + hex_b + ".tar.gz");
  BOOST_TEST(*artifact_file_name("Bucket", rev('b')) == hex_b + ".tar.gz");
  BOOST_TEST(!artifact_file_name("OCIRepository", "x@").ok());
  BOOST_TEST(!artifact_file_name("OCIRepository", "../../etc@../x").ok());
  BOOST_TEST(!artifact_file_name("Bucket", "sha256:.hidden").ok());
}

BOOST_FIXTURE_TEST_CASE(unsafe_object_names_are_refused, fixture) {
  for (const auto& bad : {object_ref{"Bucket", "..", "x"}, object_ref{"Bucket", "ns", "a/b"},
                          object_ref{"Bucket", "", "x"}, object_ref{"Bucket", "ns", ".hidden"},
                          object_ref{"", "ns", "x"}}) {
    auto r = storage->store_directory(bad, rev('a'), src.path());
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == "invalid");
  }
  BOOST_TEST(list_dir(root.path()).empty());
}

BOOST_AUTO_TEST_CASE(advertised_addresses) {
  BOOST_TEST(*advertised_address(":9090") == "localhost:9090");
  BOOST_TEST(*advertised_address("127.0.0.1:9090") == "127.0.0.1:9090");
  BOOST_TEST(*advertised_address("[::1]:9090") == "[::1]:9090");
  BOOST_TEST(*advertised_address(":9090", "source-controller.flux-system.svc") == "source-controller.flux-system.svc");
  ::setenv("HOSTNAME", "pod-7", 1);
  BOOST_TEST(*advertised_address("0.0.0.0:9090") == "pod-7:9090");
  BOOST_TEST(!advertised_address("9090").ok());
  BOOST_TEST(!advertised_address("[::1]9090").ok());
}

BOOST_FIXTURE_TEST_CASE(url_with_a_scheme_is_kept, fixture) {
  storage_options o;
  o.root = root.path();
  o.advertised_address = "https://artifacts.example.com";
  auto s = artifact_storage::open(o);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST((*s)->url_for("/bucket/a/b/x.tar.gz") == "https://artifacts.example.com/bucket/a/b/x.tar.gz");
}

BOOST_FIXTURE_TEST_CASE(store_file_verifies_the_digest, fixture) {
  std::string layer = "pretend this is a gzip layer";
  write_file(src / "layer.tgz", layer);
  auto good = storage->store_file(oci, "latest@" + rev('c'), src / "layer.tgz", "sha256:" + digest::sha256_hex(layer));
  BOOST_REQUIRE_MESSAGE(good.ok(), why(good));
  BOOST_TEST(read_file(root.path() / good->path) == layer);
  BOOST_TEST(good->digest == "sha256:" + digest::sha256_hex(layer));

  auto bad = storage->store_file(oci, "latest@" + rev('d'), src / "layer.tgz", rev('e'));
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == "digest_mismatch");
  BOOST_TEST(bad.error().message.find("OCIRepository tenant-b/manifests") != std::string::npos);
  std::vector<std::string> want = {"latest.tar.gz", "sha256:" + std::string(64, 'c') + ".tar.gz"};
  BOOST_TEST(list_dir(dir_of(oci)) == want, boost::test_tools::per_element());  // nothing from the bad one
  BOOST_TEST(link_target(dir_of(oci) / "latest.tar.gz") == want[1]);

  auto malformed = storage->store_bytes(oci, "latest@" + rev('f'), layer, "md5:abc");
  BOOST_REQUIRE(!malformed.ok());
  auto bytes = storage->store_bytes(oci, "latest@" + rev('f'), layer);
  BOOST_REQUIRE(bytes.ok());
  BOOST_TEST(bytes->digest == good->digest);
  auto missing = storage->store_file(oci, "latest@" + rev('g'), src / "nope.tgz");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("nope.tgz") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(store_directory_applies_the_filter, fixture) {
  auto m = archive::sourceignore::directory_filter_matcher(archive::sourceignore::read_patterns("*.md"));
  auto a = storage->store_directory(bucket, rev('a'), src.path(), archive::ignore_filter(m));
  BOOST_REQUIRE(a.ok());
  std::vector<std::string> names;
  for (const auto& e : list_tar(read_file(root.path() / a->path))) names.push_back(e.name);
  std::vector<std::string> want = {".", "deploy", "deploy/app.yaml"};
  BOOST_TEST(names == want, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(latest_link_follows_the_newest_store, fixture) {
  store(bucket, rev('a'));
  clock.advance(5s);
  write_file(src / "deploy/app.yaml", "kind: Deployment # v2\n");
  auto b = store(bucket, rev('b'));
  BOOST_TEST(link_target(dir_of(bucket) / "latest.tar.gz") == hex_b + ".tar.gz");
  BOOST_TEST(read_file(dir_of(bucket) / "latest.tar.gz") == read_file(root.path() / b.path));
  std::vector<std::string> want = {hex_a + ".tar.gz", hex_b + ".tar.gz", "latest.tar.gz"};
  BOOST_TEST(list_dir(dir_of(bucket)) == want, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(gc_by_ttl, fixture) {
  reopen(60s, 10);
  auto a = store(bucket, rev('a'));
  clock.advance(10s);
  auto b = store(bucket, rev('b'));
  clock.advance(10s);
  auto c = store(bucket, rev('c'));
  clock.advance(45s);  // a is 65 s old, b 55 s, c 45 s
  auto removed = storage->garbage_collect(bucket, c);
  BOOST_REQUIRE(removed.ok());
  std::vector<std::string> want = {a.path};
  BOOST_TEST(*removed == want, boost::test_tools::per_element());
  clock.advance(60s);  // everything expired; the current one stays
  removed = storage->garbage_collect(bucket, c);
  BOOST_REQUIRE(removed.ok());
  want = {b.path};
  BOOST_TEST(*removed == want, boost::test_tools::per_element());
  BOOST_TEST(storage->exists(c));
  std::vector<std::string> left = {std::string(64, 'c') + ".tar.gz", "latest.tar.gz"};
  BOOST_TEST(list_dir(dir_of(bucket)) == left, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(gc_by_count, fixture) {
  reopen(1h, 2);
  std::vector<artifact> stored;
  for (char c : {'1', '2', '3', '4'}) {
    stored.push_back(store(bucket, rev(c)));
    clock.advance(1s);
  }
  auto removed = storage->garbage_collect(bucket, stored[3]);
  BOOST_REQUIRE(removed.ok());
  std::vector<std::string> want = {stored[0].path, stored[1].path};
  BOOST_TEST(*removed == want, boost::test_tools::per_element());
  BOOST_TEST(storage->exists(stored[2]));
  BOOST_TEST(storage->exists(stored[3]));
}

BOOST_FIXTURE_TEST_CASE(gc_never_removes_the_current_artifact, fixture) {
  reopen(1h, 2);
  std::vector<artifact> stored;
  for (char c : {'1', '2', '3', '4'}) {
    stored.push_back(store(bucket, rev(c)));
    clock.advance(1s);
  }
  // The current artifact is the oldest (e.g. a rollback to an older revision's status).
  auto removed = storage->garbage_collect(bucket, stored[0]);
  BOOST_REQUIRE(removed.ok());
  std::vector<std::string> want = {stored[1].path, stored[2].path};
  BOOST_TEST(*removed == want, boost::test_tools::per_element());
  BOOST_TEST(storage->exists(stored[0]));
  BOOST_TEST(storage->exists(stored[3]));
}

BOOST_FIXTURE_TEST_CASE(gc_by_ttl_then_count, fixture) {
  reopen(60s, 2);
  auto a = store(bucket, rev('a'));
  clock.advance(100s);
  auto b = store(bucket, rev('b'));
  clock.advance(10s);
  auto c = store(bucket, rev('c'));
  clock.advance(10s);
  auto d = store(bucket, rev('d'));
  clock.advance(30s);  // a expired; b, c, d young, one too many
  auto removed = storage->garbage_collect(bucket, d);
  BOOST_REQUIRE(removed.ok());
  std::vector<std::string> want = {a.path, b.path};
  BOOST_TEST(*removed == want, boost::test_tools::per_element());
  BOOST_TEST(storage->exists(c));
  BOOST_TEST(storage->exists(d));
  // Nothing to do for an object that has no directory.
  auto none = storage->garbage_collect(object_ref{"Bucket", "tenant-z", "none"}, d);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->empty());
}

BOOST_FIXTURE_TEST_CASE(remove_object_and_bytes_stored, fixture) {
  BOOST_TEST(storage->bytes_stored() == 0u);
  auto a = store(bucket, rev('a'));
  auto o = store(oci, "v1@" + rev('b'));
  BOOST_TEST(storage->bytes_stored() == static_cast<std::uint64_t>(a.size + o.size));
  store(bucket, rev('a'));  // the same revision again replaces, it does not add
  BOOST_TEST(storage->bytes_stored() == static_cast<std::uint64_t>(a.size + o.size));
  BOOST_TEST(storage->remove_object(bucket).ok());
  BOOST_TEST(!std::filesystem::exists(dir_of(bucket)));
  BOOST_TEST(storage->bytes_stored() == static_cast<std::uint64_t>(o.size));
  BOOST_TEST(storage->remove_object(bucket).ok());  // idempotent
  reopen();                                          // the sweep recounts from disk
  BOOST_TEST(storage->bytes_stored() == static_cast<std::uint64_t>(o.size));
}

BOOST_FIXTURE_TEST_CASE(startup_sweep_removes_what_a_crash_left, fixture) {
  auto a = store(bucket, rev('a'));
  // What a crash mid-write leaves: a temp file next to the artifacts, and a temp link.
  write_file(dir_of(bucket) / ("." + hex_b + ".tar.gz.tmp-Ab3dE9"), "half an archi");
  std::filesystem::create_symlink(hex_a + ".tar.gz", dir_of(bucket) / ".latest.tar.gz.tmp-a1b2c3");
  reopen();
  BOOST_TEST(storage->temp_files_swept() == 2u);
  std::vector<std::string> want = {hex_a + ".tar.gz", "latest.tar.gz"};
  BOOST_TEST(list_dir(dir_of(bucket)) == want, boost::test_tools::per_element());
  BOOST_TEST(storage->bytes_stored() == static_cast<std::uint64_t>(a.size));
}

BOOST_FIXTURE_TEST_CASE(verify_detects_tampering, fixture) {
  auto a = store(bucket, rev('a'));
  BOOST_TEST(storage->verify(a).ok());
  write_file(root.path() / a.path, "tampered");
  auto v = storage->verify(a);
  BOOST_REQUIRE(!v.ok());
  BOOST_TEST(v.error().code == "digest_mismatch");
  artifact through_link = a;
  through_link.path = "bucket/tenant-a/podinfo/latest.tar.gz";
  BOOST_TEST(!storage->exists(through_link));  // a symlink is not an artifact
  artifact escape = a;
  escape.path = "../../etc/passwd";
  BOOST_TEST(storage->local_path(escape).empty());
  BOOST_TEST(!storage->exists(escape));
}

BOOST_FIXTURE_TEST_CASE(concurrent_stores, fixture) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      object_ref obj{"Bucket", "tenant-" + std::to_string(t % 2), "app"};
      for (int i = 0; i < 5; ++i) {
        auto a = storage->store_directory(obj, rev(static_cast<char>('a' + i)), src.path());
        if (!a || !storage->verify(*a).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(failures.load() == 0);
  for (const char* ns : {"tenant-0", "tenant-1"}) {
    auto entries = list_dir(root.path() / "bucket" / ns / "app");
    BOOST_TEST(entries.size() == 6u);  // five revisions + latest, no temp files
  }
}

BOOST_AUTO_TEST_CASE(artifact_json_round_trip) {
  artifact a;
  a.path = "bucket/ns/n/" + hex_a + ".tar.gz";
  a.url = "http://h/" + a.path;
  a.revision = rev('a');
  a.digest = rev('b');
  a.last_update_time = std::chrono::sys_days{std::chrono::year{2024} / 1 / 28} + 10h + 30min + 30s;
  a.size = 38099;
  auto j = a.to_json();
  BOOST_TEST(json::dump(j) == "{\"path\":\"" + a.path + "\",\"url\":\"" + a.url + "\",\"revision\":\"" + a.revision +
                                  "\",\"digest\":\"" + a.digest + "\",\"lastUpdateTime\":\"2024-01-28T10:30:30Z\",\"size\":38099}");
  auto back = artifact::from_json(j);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(back->path == a.path);
  BOOST_TEST(back->size == a.size);
  BOOST_TEST((back->last_update_time == a.last_update_time));
  a.metadata["org.opencontainers.image.source"] = "https://github.com/x/y";
  BOOST_TEST(artifact::from_json(a.to_json())->metadata == a.metadata);
  BOOST_TEST(!artifact::from_json(json::value("x")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
