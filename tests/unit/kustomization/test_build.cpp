// Building manifests from an unpacked artifact: Flux's generated kustomization, the
// kustomization.yaml subset, targetNamespace, and the refusals with their messages.
#include <boost/test/unit_test.hpp>

#include "actors/kustomization_build.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/object.hpp"
#include "support.hpp"

using namespace fluxaws;
namespace ks = fluxaws::actors::kustomization;

namespace {

std::string cm(const std::string& name, const std::string& extra = "") {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n" + extra + "data: {k: v}\n";
}

std::vector<std::string> names(const std::vector<ks::built_resource>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.emplace_back(kube::name_of(r.object));
  return out;
}

std::string ns_of(const std::vector<ks::built_resource>& rs, const std::string& name) {
  for (const auto& r : rs)
    if (kube::name_of(r.object) == name) return std::string(kube::namespace_of(r.object));
  return "<missing>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(build)

BOOST_AUTO_TEST_CASE(plain_folders_list_every_yaml_file_in_walk_order) {
  ks_test::temp_dir d;
  d.write("deploy/b.yaml", cm("b"));
  d.write("deploy/a.yml", cm("a") + "---\n" + cm("a2"));
  d.write("deploy/sub/c.yaml", cm("c"));
  d.write("deploy/README.md", "# not a manifest\n");
  d.write("deploy/notes.txt", "apiVersion: nonsense");
  d.write("other/z.yaml", cm("z"));
  auto r = ks::build_manifests(d.path(), "./deploy", "");
  KS_REQUIRE_OK(r);
  BOOST_TEST((names(*r) == std::vector<std::string>{"a", "a2", "b", "c"}));
  BOOST_TEST((*r)[0].origin == "deploy/a.yml");
  BOOST_TEST((*r)[3].origin == "deploy/sub/c.yaml");
}

BOOST_AUTO_TEST_CASE(a_sub_folder_with_a_kustomization_is_built_not_walked) {
  ks_test::temp_dir d;
  d.write("top.yaml", cm("top"));
  d.write("app/kustomization.yaml", "resources: [listed.yaml]\n");
  d.write("app/listed.yaml", cm("listed"));
  d.write("app/unlisted.yaml", cm("unlisted"));
  auto r = ks::build_manifests(d.path(), "", "");
  KS_REQUIRE_OK(r);
  BOOST_TEST((names(*r) == std::vector<std::string>{"listed", "top"}));
}

BOOST_AUTO_TEST_CASE(kustomization_resources_files_folders_bases_and_namespace) {
  ks_test::temp_dir d;
  d.write("overlay/kustomization.yaml",
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: inner\n"
          "resources:\n- ../base\n- extra.yaml\nbases: [../more]\n");
  d.write("overlay/extra.yaml", cm("extra"));
  d.write("base/Kustomization", "resources: [cm.yaml, ns.yaml]\n");
  d.write("base/cm.yaml", cm("base", "  namespace: original\n"));
  d.write("base/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: inner}\n");
  d.write("more/kustomization.yml", "resources: [list.yaml]\n");
  d.write("more/list.yaml", "apiVersion: v1\nkind: List\nitems:\n- " + std::string("{apiVersion: v1, kind: ConfigMap, "
          "metadata: {name: l1}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: l2}}\n"));
  auto r = ks::build_manifests(d.path(), "overlay", "");
  KS_REQUIRE_OK(r);
  BOOST_TEST((names(*r) == std::vector<std::string>{"base", "inner", "extra", "l1", "l2"}));
  BOOST_TEST(ns_of(*r, "base") == "inner");
  BOOST_TEST(ns_of(*r, "inner") == "");  // Namespace is cluster-scoped
  BOOST_TEST(ns_of(*r, "l2") == "inner");
}

BOOST_AUTO_TEST_CASE(target_namespace_is_kustomizes_namespace_transformer) {
  ks_test::temp_dir d;
  d.write("all.yaml",
          cm("plain") + "---\n" + cm("moved", "  namespace: elsewhere\n") +
              "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\n"
              "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"
              "subjects: [{kind: ServiceAccount, name: default, namespace: x}, {kind: ServiceAccount, name: other, "
              "namespace: x}]\n"
              "---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
              "metadata: {name: widgets.example.com}\nspec: {group: example.com, scope: Cluster, names: {kind: Widget}}\n"
              "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
              "---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n"
              "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
              "metadata: {name: hook}\nwebhooks: [{name: h, clientConfig: {service: {name: svc, namespace: old}}}]\n");
  auto r = ks::build_manifests(d.path(), "/", "apps");
  KS_REQUIRE_OK(r);
  BOOST_TEST(ns_of(*r, "plain") == "apps");
  BOOST_TEST(ns_of(*r, "moved") == "apps");
  BOOST_TEST(ns_of(*r, "crb") == "");
  BOOST_TEST(ns_of(*r, "w") == "");   // a Cluster-scoped CRD in the same build
  BOOST_TEST(ns_of(*r, "g") == "apps");
  for (const auto& res : *r) {
    if (kube::name_of(res.object) == "crb") {
      const auto& subjects = res.object.find("subjects")->as_array();
      BOOST_TEST(subjects[0].find("namespace")->as_string() == "apps");
      BOOST_TEST(subjects[1].find("namespace")->as_string() == "x");
    }
    if (kube::name_of(res.object) == "hook")
      BOOST_TEST(res.object.find("webhooks")->as_array()[0].at({"clientConfig", "service", "namespace"})->as_string() ==
                 "apps");
  }
}

BOOST_AUTO_TEST_CASE(spec_path_cannot_leave_the_artifact_and_must_exist) {
  ks_test::temp_dir d;
  d.write("a/x.yaml", cm("x"));
  auto clamped = ks::build_manifests(d.path() / "a", "../../..", "");
  KS_REQUIRE_OK(clamped);  // ".." stops at the root, as securejoin
  BOOST_TEST(ks::clean_relative_path("/../a/./b/../c") == "a/c");
  auto missing = ks::build_manifests(d.path(), "./nope", "");
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().code == "ArtifactFailed");
  BOOST_TEST(missing.error().message == "kustomization path not found: stat nope: no such file or directory");
  auto file = ks::build_manifests(d.path(), "a/x.yaml", "");
  BOOST_REQUIRE(!file.ok());
  BOOST_TEST(file.error().code == "ArtifactFailed");
}

BOOST_AUTO_TEST_CASE(unsupported_kustomize_fields_are_named) {
  ks_test::temp_dir d;
  d.write("kustomization.yaml", "resources: [a.yaml]\nimages: [{name: nginx, newTag: '1'}]\n");
  d.write("a.yaml", cm("a"));
  auto r = ks::build_manifests(d.path(), "", "");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "BuildFailed");
  BOOST_TEST(r.error().message ==
             "kustomize build failed: 'kustomization.yaml': field 'images' is not supported by fluxaws (supported: "
             "resources, namespace)");
  d.write("kustomization.yaml", "resources: [a.yaml]\npatches: []\nnamePrefix: ''\n");  // empty: harmless
  BOOST_TEST(ks::build_manifests(d.path(), "", "").ok());
  d.write("kustomization.yaml", "kind: Component\nresources: [a.yaml]\n");
  BOOST_TEST(!ks::build_manifests(d.path(), "", "").ok());
}

BOOST_AUTO_TEST_CASE(resource_references_are_checked) {
  struct {
    const char* resources;
    const char* expect;
  } cases[] = {
      {"[https://github.com/org/repo//deploy]", "remote resource 'https://github.com/org/repo//deploy'"},
      {"[github.com/org/repo]", "remote resource"},
      {"[/etc/passwd]", "must be a relative path"},
      {"[../../outside]", "points outside the artifact"},
      {"[missing.yaml]", "accumulating resources from 'missing.yaml' of 'app/kustomization.yaml': no such file"},
      {"[plain]", "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory "
                  "'app/plain'"},
      {"[.]", "cycle detected"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.resources) {
      ks_test::temp_dir d;
      d.write("app/kustomization.yaml", std::string("resources: ") + c.resources + "\n");
      d.write("app/plain/x.yaml", cm("x"));
      auto r = ks::build_manifests(d.path(), "app", "");
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().code == "BuildFailed");
      BOOST_TEST(r.error().message.find(c.expect) != std::string::npos, r.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(two_kustomization_files_are_ambiguous) {
  ks_test::temp_dir d;
  d.write("kustomization.yaml", "resources: []\n");
  d.write("kustomization.yml", "resources: []\n");
  auto r = ks::build_manifests(d.path(), "", "");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("found multiple kustomization files") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_documents_are_named_without_their_content) {
  ks_test::temp_dir d;
  d.write("s.yaml", "apiVersion: v1\nkind: Secret\nstringData: {password: Hunter2-Plain}\n");  // no name
  auto r = ks::build_manifests(d.path(), "", "");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "BuildFailed");
  BOOST_TEST(r.error().message == "failed to decode Kubernetes apiVersion, kind and name from document 1 of 's.yaml'");
  BOOST_TEST(r.error().message.find("Hunter2") == std::string::npos);

  d.write("s.yaml", "key: [unclosed\n");
  auto broken = ks::build_manifests(d.path(), "", "");
  BOOST_REQUIRE(!broken.ok());
  BOOST_TEST(broken.error().message.find("failed to decode Kubernetes YAML from s.yaml") == 0u);

  d.write("s.yaml", "- just\n- a list\n");
  BOOST_TEST(!ks::build_manifests(d.path(), "", "").ok());
}

BOOST_AUTO_TEST_CASE(the_same_object_twice_is_refused) {
  ks_test::temp_dir d;
  d.write("a.yaml", cm("same", "  namespace: x\n"));
  d.write("b.yaml", cm("same", "  namespace: y\n"));
  BOOST_TEST(ks::build_manifests(d.path(), "", "").ok());
  auto r = ks::build_manifests(d.path(), "", "one");  // the same namespace makes them collide
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("may not add resource with an already registered id: one_same__ConfigMap") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_documents_and_empty_folders_build_nothing) {
  ks_test::temp_dir d;
  d.write("empty.yaml", "---\n---\n");
  auto r = ks::build_manifests(d.path(), "", "");
  KS_REQUIRE_OK(r);
  BOOST_TEST(r->empty());
}

BOOST_AUTO_TEST_SUITE_END()
