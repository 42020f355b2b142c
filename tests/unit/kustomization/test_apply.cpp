// Local apply: normalization and checks before anything is written, the files, their
// modes, the atomic swap, pruning, and the inventory.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <set>

#include "actors/kustomization_apply.hpp"
#include "adapters/common/encoding.hpp"
#include "support.hpp"

using namespace fluxaws;
namespace ks = fluxaws::actors::kustomization;
namespace fs = std::filesystem;

namespace {

std::vector<json::value> objects(const std::string& text) { return ks_test::yaml_all(text); }

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
  return out;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(apply)

BOOST_AUTO_TEST_CASE(objects_are_checked_and_normalized_before_writing) {
  auto p = ks::prepare_apply(objects(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: apps}\ndata: {a: YQ==}\n"
      "stringData: {b: two, a: one}\n---\n"
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: apps, namespace: ignored}\n---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: apps}\n"));
  KS_REQUIRE_OK(p);
  BOOST_REQUIRE(p->size() == 3u);
  BOOST_TEST((*p)[0].entry.id == "apps_db__Secret");
  BOOST_TEST((*p)[0].entry.version == "v1");
  BOOST_TEST((*p)[0].file == "apps_db__Secret.yaml");
  auto secret = ks_test::yaml((*p)[0].yaml);
  BOOST_TEST(secret.find("stringData") == nullptr);
  BOOST_TEST(*enc::unbase64(secret.at({"data", "a"})->as_string()) == "one");  // stringData wins
  BOOST_TEST(*enc::unbase64(secret.at({"data", "b"})->as_string()) == "two");
  BOOST_TEST((*p)[1].entry.id == "_apps__Namespace");
  BOOST_TEST((*p)[2].entry.id == "apps_web_apps_Deployment");

  auto inv = ks::inventory_of(*p);
  BOOST_REQUIRE(inv.size() == 3u);
  BOOST_TEST(inv[0].id == "_apps__Namespace");
  BOOST_TEST(inv[2].id == "apps_web_apps_Deployment");
}

BOOST_AUTO_TEST_CASE(refusals_name_the_object_but_not_values) {
  struct {
    const char* yaml;
    const char* expect;
  } cases[] = {
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", "ConfigMap/c namespace not specified"},
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ../../etc, namespace: a}\n", "invalid name or namespace"},
      {"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ..}\n", "invalid name or namespace"},
      {"apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\nstringData: {port: 8080}\n",
       "Secret/a/s: stringData.port is not a string"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.yaml) {
      auto p = ks::prepare_apply(objects(c.yaml));
      BOOST_REQUIRE(!p.ok());
      BOOST_TEST(p.error().code == "ReconciliationFailed");
      BOOST_TEST(p.error().message.find(c.expect) != std::string::npos, p.error().message);
      BOOST_TEST(p.error().message.find("8080") == std::string::npos);
    }
  }
  // A cluster-scoped custom kind needs no namespace when its CRD says so.
  auto crd = ks::prepare_apply(objects(
      "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: w.example.com}\n"
      "spec: {scope: Cluster, names: {kind: Widget}}\n---\napiVersion: example.com/v1\nkind: Widget\n"
      "metadata: {name: w}\n"));
  BOOST_TEST(crd.ok());
  // Cluster mode leaves the scope to the API server (the applier refuses a namespaced
  // object without one in the same words): only the namespace check is waived.
  auto unplaced = objects("apiVersion: example.com/v1\nkind: Tenant\nmetadata: {name: t}\n");
  BOOST_TEST(!ks::check_and_normalize(unplaced).ok());
  BOOST_TEST(ks::check_and_normalize(unplaced, {.require_namespaces = false}).ok());
  auto traversal = objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ../x}\n");
  BOOST_TEST(!ks::check_and_normalize(traversal, {.require_namespaces = false}).ok());
}

BOOST_AUTO_TEST_CASE(writes_are_atomic_private_and_prune_by_replacement) {
  ks_test::temp_dir state;
  auto dir = ks::applied_dir(state.path(), "tenant-a", "apps");
  BOOST_TEST(dir == state.path() / "applied" / "tenant-a" / "apps");

  auto first = ks::prepare_apply(objects(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\n"));
  BOOST_REQUIRE(first.ok());
  BOOST_REQUIRE(ks::write_applied(dir, *first, false).ok());
  BOOST_TEST((files_in(dir) == std::set<std::string>{"x_a__ConfigMap.yaml", "x_b__ConfigMap.yaml"}));
  BOOST_TEST(mode_of(dir / "x_a__ConfigMap.yaml") == 0600u);
  BOOST_TEST(mode_of(dir) == 0700u);
  BOOST_TEST(ks_test::yaml(ks_test::read_file(dir / "x_b__ConfigMap.yaml")).at({"metadata", "name"})->as_string() == "b");

  // b leaves the set: replaced away (prune), c arrives; nothing else lingers beside.
  auto second = ks::prepare_apply(objects(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\n"));
  BOOST_REQUIRE(second.ok());
  BOOST_REQUIRE(ks::write_applied(dir, *second, false).ok());
  BOOST_TEST((files_in(dir) == std::set<std::string>{"x_a__ConfigMap.yaml", "x_c__ConfigMap.yaml"}));
  BOOST_TEST((files_in(dir.parent_path()) == std::set<std::string>{"apps"}));

  // prune: false keeps what left the set, as Flux leaves it in the cluster.
  auto third = ks::prepare_apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: x}\n"));
  BOOST_REQUIRE(third.ok());
  BOOST_REQUIRE(ks::write_applied(dir, *third, true).ok());
  BOOST_TEST((files_in(dir) ==
              std::set<std::string>{"x_a__ConfigMap.yaml", "x_c__ConfigMap.yaml", "x_d__ConfigMap.yaml"}));
  BOOST_TEST(mode_of(dir / "x_a__ConfigMap.yaml") == 0600u);

  // An empty set empties the directory.
  BOOST_REQUIRE(ks::write_applied(dir, {}, false).ok());
  BOOST_TEST(files_in(dir).empty());
  BOOST_REQUIRE(ks::remove_applied(dir).ok());
  BOOST_TEST(!fs::exists(dir));
}

BOOST_AUTO_TEST_CASE(a_failed_write_leaves_the_old_set) {
  ks_test::temp_dir state;
  auto dir = ks::applied_dir(state.path(), "ns", "k");
  auto first = ks::prepare_apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n"));
  BOOST_REQUIRE(ks::write_applied(dir, *first, false).ok());
  // Two objects mapped to one file name: the second create fails mid-write.
  auto clash = *first;
  clash.push_back(clash.front());
  auto st = ks::write_applied(dir, clash, false);
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST((files_in(dir) == std::set<std::string>{"x_a__ConfigMap.yaml"}));
  BOOST_TEST((files_in(dir.parent_path()) == std::set<std::string>{"k"}));  // the temp dir is gone
}

BOOST_AUTO_TEST_CASE(long_ids_get_short_file_names) {
  std::string name(240, 'n');
  auto p = ks::prepare_apply(objects("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: x}\n"));
  BOOST_REQUIRE(p.ok());
  BOOST_TEST((*p)[0].file.size() < 200u);
  BOOST_TEST((*p)[0].entry.id.size() > 240u);
}

BOOST_AUTO_TEST_SUITE_END()
