#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/kube/manifest_set.hpp"

using namespace fluxaws;
namespace fs = std::filesystem;

namespace {
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("fluxaws-test-" + enc::hex(digest::random_bytes(6)));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(manifests)

BOOST_AUTO_TEST_CASE(multi_document_list_and_default_namespace) {
  kube::manifest_set set;
  kube::load_manifest_text(R"(
apiVersion: v1
kind: ServiceAccount
metadata: {name: flux, namespace: tenant-a}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: s}
  stringData: {a: b}
)",
                           "objects.yaml", set);
  BOOST_TEST(set.issues.empty());
  BOOST_TEST(set.objects.size() == 2u);
  BOOST_TEST(set.objects.count(kube::object_key{"Secret", "default", "s"}) == 1u);
}

BOOST_AUTO_TEST_CASE(problems_name_file_and_path_and_others_go_on) {
  kube::manifest_set set;
  kube::load_manifest_text("apiVersion: v1\nkind: Secret\nmetadata: {}\n---\napiVersion: v1\nkind: Secret\n"
                           "metadata: {name: ok}\n",
                           "a.yaml", set);
  kube::load_manifest_text("key: [unclosed\n", "b.yaml", set);
  BOOST_TEST(set.objects.size() == 1u);
  BOOST_REQUIRE(set.issues.size() == 2u);
  BOOST_TEST(set.issues[0].to_string() == "a.yaml: [0].metadata.name: Required value");
  BOOST_TEST(set.issues[1].to_string().find("b.yaml: line") == 0u);
}

BOOST_AUTO_TEST_CASE(duplicates_keep_the_first) {
  kube::manifest_set set;
  kube::load_manifest_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "a.yaml", set);
  kube::load_manifest_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", "b.yaml", set);
  BOOST_TEST(set.objects.begin()->second.file == "a.yaml");
  BOOST_TEST(set.issues.size() == 1u);
}

BOOST_AUTO_TEST_CASE(scanner_picks_up_changes_and_diff_reports_them) {
  temp_dir d;
  d.write("a.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: one}\n");
  d.write("nested/b.json", R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"two"}})");
  d.write(".hidden/c.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: hidden}\n");
  d.write("notes.txt", "ignored");
  kube::directory_scanner scanner(d.path);
  BOOST_TEST(scanner.rescan());
  auto first = scanner.snapshot();
  BOOST_TEST(first.objects.size() == 2u);
  BOOST_TEST(!scanner.rescan());

  d.write("a.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: one}\ndata: {k: dg==}\n");
  fs::remove(d.path / "nested/b.json");
  d.write("c.yml", "apiVersion: v1\nkind: Secret\nmetadata: {name: three}\n");
  BOOST_TEST(scanner.rescan());
  auto changes = kube::diff(first, scanner.snapshot());
  int added = 0, modified = 0, deleted = 0;
  for (const auto& c : changes) {
    if (c.kind == kube::object_change::type::added) ++added;
    if (c.kind == kube::object_change::type::modified) ++modified;
    if (c.kind == kube::object_change::type::deleted) ++deleted;
  }
  BOOST_TEST(added == 1);
  BOOST_TEST(modified == 1);
  BOOST_TEST(deleted == 1);
}

BOOST_AUTO_TEST_CASE(referenced_kinds_are_delivered_first_and_removed_last) {
  kube::manifest_set before, after;
  kube::load_manifest_text(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: b, namespace: t}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: flux, namespace: t}
---
apiVersion: v1
kind: Secret
metadata: {name: keys, namespace: t}
)",
                           "a.yaml", after);
  auto added = kube::diff(before, after);
  BOOST_REQUIRE(added.size() == 3u);
  BOOST_TEST(added[2].key.kind == "Bucket");
  auto removed = kube::diff(after, before);
  BOOST_REQUIRE(removed.size() == 3u);
  BOOST_TEST(removed[0].key.kind == "Bucket");
}

BOOST_AUTO_TEST_SUITE_END()
