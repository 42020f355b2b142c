// The disk steps of an OCIRepository reconcile against real artifact storage: a
// layer extracted and archived with Flux's ignore rules, a layer copied as is, and
// hostile layers (entries escaping the directory, absolute names, symlinks and
// devices, a gzip bomb, a lying size, truncated or corrupt gzip) — each refused with
// a clear error, nothing written outside the work directory, storage unchanged.
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "actors/ocirepository_artifact.hpp"
#include "engine_fixture.hpp"
#include "layer_builder.hpp"
#include "runtime/artifact_storage.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace fluxaws::ocitest;
namespace fs = std::filesystem;

namespace {

struct disk_fixture {
  fs::path root;
  fs::path storage_root;
  std::unique_ptr<runtime::artifact_storage> store;
  artifact_owner owner{"OCIRepository", "tenant-a", "manifests"};

  disk_fixture() {
    std::string tmpl = (fs::temp_directory_path() / "fluxaws-ocirepo-disk-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    BOOST_REQUIRE(::mkdtemp(buf.data()) != nullptr);
    root = buf.data();
    storage_root = root / "storage";
    runtime::storage_options o;
    o.root = storage_root;
    o.advertised_address = "storage.test";
    auto s = runtime::artifact_storage::open(o);
    BOOST_REQUIRE(s.ok());
    store = std::move(*s);
  }
  ~disk_fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }

  fs::path work() {
    auto d = ocirepo::make_work_dir(root, "tenant-a", "manifests");
    BOOST_REQUIRE(d.ok());
    return *d;
  }

  static fs::path write(const fs::path& p, const std::string& bytes) {
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  // Every path under root except the storage tree and the given work directory.
  std::vector<std::string> strays(const fs::path& work_dir) const {
    std::vector<std::string> out;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
      auto p = it->path();
      if (p == storage_root || p == work_dir) {
        it.disable_recursion_pending();
        continue;
      }
      out.push_back(p.string());
    }
    return out;
  }

  std::size_t stored_files() const {
    if (!fs::exists(storage_root)) return 0;
    std::size_t n = 0;
    for (auto it = fs::recursive_directory_iterator(storage_root); it != fs::recursive_directory_iterator(); ++it)
      if (it->is_regular_file()) ++n;
    return n;
  }

  // Extracting `layer` must fail with an error containing `why`, leave nothing in
  // the work directory's target and nothing outside it.
  void expect_refused(const std::string& layer, const std::string& why, ocirepo::layer_limits limits = {}) {
    auto w = work();
    auto file = write(w / "layer", layer);
    auto st = ocirepo::extract_layer(file, w / "content", limits);
    BOOST_REQUIRE_MESSAGE(!st.ok(), "extraction should fail: " + why);
    BOOST_TEST(st.error().code == "extract");
    BOOST_TEST_MESSAGE(st.error().message);
    BOOST_TEST(st.error().message.find(why) != std::string::npos, st.error().message);
    BOOST_TEST(!fs::exists(w / "content"));
    BOOST_TEST(!fs::exists(file));  // the layer is removed either way
    BOOST_TEST(fs::is_empty(w));    // no temp directory left behind
    BOOST_TEST(strays(w).empty());
    BOOST_TEST(!fs::exists(root.parent_path() / "evil.txt"));
    BOOST_TEST(!fs::exists("/tmp/fluxaws-ocirepo-escape"));
    ocirepo::remove_work_dir(w);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(layer_disk_steps, disk_fixture)

BOOST_AUTO_TEST_CASE(work_dirs_are_private_and_named_after_the_object) {
  auto w = work();
  BOOST_TEST(w.parent_path() == root);
  BOOST_TEST(w.filename().string().find("ocirepository-tenant-a-manifests-") == 0u);
  auto perms = fs::status(w).permissions();
  BOOST_TEST(((perms & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none));
  auto odd = ocirepo::make_work_dir(root, "../x", "a/b");
  BOOST_REQUIRE(odd.ok());
  BOOST_TEST(odd->parent_path() == root);
  ocirepo::remove_work_dir(w);
  BOOST_TEST(!fs::exists(w));
}

BOOST_AUTO_TEST_CASE(extract_then_archive_with_ignore_rules) {
  auto w = work();
  tar_stream t;
  t.dir("apps/")
      .file("apps/deployment.yaml", "kind: Deployment\n")
      .file("namespace.yaml", "kind: Namespace\n")
      .file("README.md", "docs\n")
      .file("apps/.sourceignore", "*.txt\n")
      .file("apps/notes.txt", "ignored by the nested .sourceignore\n")
      .symlink("link", "/etc/passwd")
      .char_device("dev");
  auto layer = write(w / "layer", gzip(t.bytes()));
  BOOST_REQUIRE(ocirepo::extract_layer(layer, w / "content", {}).ok());
  BOOST_TEST(fs::exists(w / "content" / "apps" / "deployment.yaml"));
  BOOST_TEST(!fs::exists(w / "content" / "link"));  // symlinks are skipped
  BOOST_TEST(!fs::exists(w / "content" / "dev"));   // devices too

  auto s = ocirepo::archive_extracted(*store, owner, "v1.0.0@sha256:" + std::string(64, 'a'), w / "content",
                                      std::string("*.md\n"));
  BOOST_REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
  BOOST_TEST(s->stored.revision == "v1.0.0@sha256:" + std::string(64, 'a'));
  BOOST_TEST(s->stored.path == "ocirepository/tenant-a/manifests/sha256:" + std::string(64, 'a') + ".tar.gz");
  BOOST_TEST(s->latest_url == "http://storage.test/ocirepository/tenant-a/manifests/latest.tar.gz");
  auto files = read_targz(storage_root / s->stored.path);
  BOOST_TEST(files.count("apps/deployment.yaml") == 1u);
  BOOST_TEST(files.count("namespace.yaml") == 1u);
  BOOST_TEST(files.count("README.md") == 0u);        // spec.ignore
  BOOST_TEST(files.count("apps/notes.txt") == 0u);   // nested .sourceignore
  BOOST_TEST(files["namespace.yaml"] == "kind: Namespace\n");
  ocirepo::remove_work_dir(w);
}

BOOST_AUTO_TEST_CASE(copy_stores_the_layer_byte_for_byte) {
  auto w = work();
  std::string bytes = gzip(tar_stream().file("a.yaml", "a: 1\n").bytes());
  auto layer = write(w / "layer", bytes);
  auto digest = sha256_digest(bytes);
  auto s = ocirepo::store_copied_layer(*store, owner, "v1@" + digest, layer, digest);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->stored.digest == digest);
  BOOST_TEST(s->stored.size == static_cast<int64_t>(bytes.size()));

  // A layer file that no longer matches its digest stores nothing.
  auto before = stored_files();
  write(layer, bytes + "tampered");
  auto bad = ocirepo::store_copied_layer(*store, owner, "v2@sha256:" + std::string(64, 'c'), layer, digest);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == "archive");
  BOOST_TEST(stored_files() == before);
  ocirepo::remove_work_dir(w);
}

BOOST_AUTO_TEST_CASE(entries_escaping_the_directory_are_refused) {
  expect_refused(gzip(tar_stream().file("ok.yaml", "x").file("../evil.txt", "pwned").bytes()), "../evil.txt");
  expect_refused(gzip(tar_stream().file("a/../../evil.txt", "pwned").bytes()), "evil.txt");
  expect_refused(gzip(tar_stream().file("/tmp/fluxaws-ocirepo-escape", "pwned").bytes()),
                 "/tmp/fluxaws-ocirepo-escape");
}

BOOST_AUTO_TEST_CASE(writing_through_a_symlink_entry_is_refused) {
  expect_refused(gzip(tar_stream().symlink("up", "..").file("up/evil.txt", "pwned").bytes()), "up/evil.txt");
}

BOOST_AUTO_TEST_CASE(a_gzip_bomb_stops_at_the_cap) {
  ocirepo::layer_limits small;
  small.max_extracted_bytes = 4u << 20;  // 4 MiB
  // 16 entries of 1 MiB of zeros: ~16 KiB compressed; the sizes in the headers are honest.
  auto bomb = gzip_bomb(16, 1u << 20);
  BOOST_TEST(bomb.size() < 200u * 1024);
  expect_refused(bomb, "limit", small);
  // One entry declaring more than the cap is refused before anything is written.
  expect_refused(gzip(tar_stream().file_header("huge", (std::uint64_t{1} << 33) - 1, {}).bytes()), "limit");
}

BOOST_AUTO_TEST_CASE(too_many_entries_stop_at_the_cap) {
  ocirepo::layer_limits small;
  small.max_extracted_entries = 10;
  tar_stream t;
  for (int i = 0; i < 20; ++i) t.file("f" + std::to_string(i), "x");
  expect_refused(gzip(t.bytes()), "entries", small);
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupt_layers_fail) {
  auto good = gzip(tar_stream().file("a.yaml", std::string(4096, 'a')).file("b.yaml", "b").bytes());
  expect_refused(good.substr(0, good.size() / 2), "");
  auto corrupt = good;
  corrupt[corrupt.size() - 6] ^= 0x55;  // inside the CRC-32 trailer
  expect_refused(corrupt, "");
  expect_refused("this is not a tarball at all, nor gzip", "");
  // A header promising more bytes than follow.
  expect_refused(gzip(tar_stream().file_header("short", 100000, "only this").bytes()), "");
}

BOOST_AUTO_TEST_SUITE_END()
