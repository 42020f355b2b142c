// Kustomization inventory ids as kustomize-controller writes them, and prune sets.
#include <boost/test/unit_test.hpp>

#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/server_side_apply.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;

BOOST_AUTO_TEST_SUITE(inventory_suite)

BOOST_AUTO_TEST_CASE(ids_match_kustomize_controller) {
  BOOST_TEST(object_id({"apps", "podinfo", "apps", "Deployment"}) == "apps_podinfo_apps_Deployment");
  BOOST_TEST(object_id({"", "apps", "", "Namespace"}) == "_apps__Namespace");
  BOOST_TEST(object_id({"", "system:auth-delegator", "rbac.authorization.k8s.io", "ClusterRole"}) ==
             "_system__auth-delegator_rbac.authorization.k8s.io_ClusterRole");
  for (auto ref : {object_ref{"apps", "podinfo", "apps", "Deployment"}, object_ref{"", "apps", "", "Namespace"},
                   object_ref{"", "system:auth-delegator", "rbac.authorization.k8s.io", "ClusterRole"},
                   object_ref{"kube-system", "cm", "", "ConfigMap"}}) {
    auto back = parse_object_id(object_id(ref));
    BOOST_TEST_REQUIRE(back.has_value(), object_id(ref));
    BOOST_TEST((*back == ref), object_id(ref));
  }
  BOOST_TEST(!parse_object_id("nounderscores").has_value());
  BOOST_TEST(!parse_object_id("a_b").has_value());
  BOOST_TEST(!parse_object_id("ns__grp_").has_value());

  auto deploy = yamljson::parse_yaml("{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: prod}}");
  auto e = entry_for(*deploy);
  BOOST_TEST(e.id == "prod_web_apps_Deployment");
  BOOST_TEST(e.version == "v1");
  BOOST_TEST(entry_api_version(e) == "apps/v1");
  auto cm = yamljson::parse_yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: prod}}");
  BOOST_TEST(entry_api_version(entry_for(*cm)) == "v1");
}

BOOST_AUTO_TEST_CASE(inventory_json_is_sorted_and_round_trips) {
  std::vector<inventory_entry> entries{{"b_x_apps_Deployment", "v1"}, {"a_y__ConfigMap", "v1"}, {"b_x_apps_Deployment", "v1"}};
  auto inv = inventory_json(entries);
  BOOST_TEST(json::dump(inv) ==
             R"({"entries":[{"id":"a_y__ConfigMap","v":"v1"},{"id":"b_x_apps_Deployment","v":"v1"}]})");
  auto back = parse_inventory(inv);
  BOOST_TEST(back.size() == 2u);
  auto junk = json::parse(R"({"entries":[{"id":"broken"},{"v":"v1"},{"id":"a_n__Secret","v":"v1"}]})");
  BOOST_TEST(parse_inventory(*junk).size() == 1u);
  BOOST_TEST(parse_inventory(json::value()).empty());
}

BOOST_AUTO_TEST_CASE(prune_set_keeps_what_stays_and_deletes_namespaces_last) {
  std::vector<inventory_entry> before{{"_apps__Namespace", "v1"},
                                      {"_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition", "v1"},
                                      {"apps_web_apps_Deployment", "v1"},
                                      {"apps_cfg__ConfigMap", "v1"},
                                      {"apps_keep__Service", "v1"}};
  std::vector<inventory_entry> after{{"apps_keep__Service", "v1"}, {"apps_web_apps_Deployment", "v2"}};
  auto prune = prune_set(before, after);
  std::vector<std::string> ids;
  for (const auto& e : prune) ids.push_back(e.id);
  std::vector<std::string> expect{"apps_cfg__ConfigMap", "_widgets.example.com_apiextensions.k8s.io_CustomResourceDefinition",
                                  "_apps__Namespace"};
  BOOST_TEST(ids == expect, boost::test_tools::per_element());
  BOOST_TEST(prune_set(after, after).empty());
}

BOOST_AUTO_TEST_CASE(apply_requests_and_ordering) {
  api_resource deploy{"apps", "v1", "Deployment", "deployments", true};
  BOOST_TEST(apply_path(deploy, "prod", "web", "fluxaws", true) ==
             "/apis/apps/v1/namespaces/prod/deployments/web?fieldManager=fluxaws&force=true");
  BOOST_TEST(discovery_path("v1") == "/api/v1");
  BOOST_TEST(discovery_path("apps/v1") == "/apis/apps/v1");
  auto ns = yamljson::parse_yaml("{apiVersion: v1, kind: Namespace, metadata: {name: a}}");
  auto crd = yamljson::parse_yaml("{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: a}}");
  auto cm = yamljson::parse_yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}");
  BOOST_TEST(apply_stage(*ns) == 0);
  BOOST_TEST(apply_stage(*crd) == 0);
  BOOST_TEST(apply_stage(*cm) == 1);
  add_owner_labels(*cm, "apps", "flux-system");
  BOOST_TEST(cm->at({"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"})->as_string() == "apps");
  auto keep = yamljson::parse_yaml("{metadata: {annotations: {kustomize.toolkit.fluxcd.io/prune: disabled}}}");
  BOOST_TEST(prune_disabled(*keep));
  BOOST_TEST(!prune_disabled(*cm));

  auto list = json::parse(R"({"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
    {"name":"deployments","singularName":"","namespaced":true,"kind":"Deployment","verbs":["get"]},
    {"name":"deployments/status","namespaced":true,"kind":"Deployment"},
    {"name":"controllerrevisions","namespaced":true,"kind":"ControllerRevision"}]})");
  auto parsed = parse_resource_list("apps/v1", *list);
  BOOST_TEST_REQUIRE(parsed.ok());
  BOOST_TEST(parsed->size() == 2u);
  BOOST_TEST(parsed->at("Deployment").plural == "deployments");
  BOOST_TEST(parsed->at("Deployment").group == "apps");
  BOOST_TEST(!parse_resource_list("v1", json::value::make_object()).ok());
}

BOOST_AUTO_TEST_SUITE_END()
