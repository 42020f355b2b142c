// The reflector cache: list diffs (a relist after 410 delivers what was missed,
// deletions included), watch events, bookmarks, duplicates, retention of only the
// referenced Secrets; and which Secrets and ServiceAccounts an object references.
#include <boost/test/unit_test.hpp>

#include <set>

#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/finalizers.hpp"
#include "adapters/kube/object_references.hpp"
#include "adapters/kube/watch_cache.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;

namespace {

json::value item(const std::string& name, const std::string& rv, const std::string& ns = "team-a") {
  json::value o = json::value::make_object();
  o["metadata"]["name"] = name;
  o["metadata"]["namespace"] = ns;
  o["metadata"]["resourceVersion"] = rv;
  return o;
}

watch_event event(watch_event::type t, json::value obj) {
  watch_event e;
  e.kind = t;
  e.object = std::move(obj);
  return e;
}

std::string summary(const std::vector<object_change>& changes) {
  std::string s;
  for (const auto& c : changes) {
    s += c.kind == object_change::type::added ? "+" : c.kind == object_change::type::modified ? "~" : "-";
    s += c.key.name + " ";
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(watch_cache_suite)

BOOST_AUTO_TEST_CASE(list_then_watch_then_relist_after_gone) {
  watch_cache c(flux_resources()[0]);
  auto first = c.replace({item("a", "1"), item("b", "2")}, "10");
  BOOST_TEST(summary(first) == "+a +b ");
  BOOST_TEST(c.resource_version() == "10");
  BOOST_TEST(first[0].object.find("kind")->as_string() == "Bucket");  // filled in
  BOOST_TEST(first[0].object.find("apiVersion")->as_string() == "source.toolkit.fluxcd.io/v1");
  BOOST_TEST((first[0].key == object_key{"Bucket", "team-a", "a"}));

  auto m = c.apply(event(watch_event::type::modified, item("a", "11")));
  BOOST_TEST((m.what == watch_cache::action::deliver));
  BOOST_TEST(c.resource_version() == "11");
  auto dup = c.apply(event(watch_event::type::modified, item("a", "11")));
  BOOST_TEST((dup.what == watch_cache::action::none));  // same resourceVersion: nothing new

  json::value bm = json::value::make_object();
  bm["metadata"]["resourceVersion"] = "15";
  auto b = c.apply(event(watch_event::type::bookmark, bm));
  BOOST_TEST((b.what == watch_cache::action::none));
  BOOST_TEST(c.resource_version() == "15");

  json::value status = json::value::make_object();
  status["code"] = 410;
  auto gone = c.apply(event(watch_event::type::error, status));
  BOOST_TEST((gone.what == watch_cache::action::relist));
  BOOST_TEST(!c.listed());

  // While disconnected: b deleted, c created, a changed. The relist delivers all three.
  auto re = c.replace({item("a", "20"), item("c", "21")}, "22");
  BOOST_TEST(summary(re) == "-b ~a +c ");  // deletions first, then by key
  BOOST_TEST(re[0].object.at({"metadata", "resourceVersion"})->as_string() == "2");  // the last known b
  // Relisting the same state again yields nothing.
  BOOST_TEST(c.replace({item("a", "20"), item("c", "21")}, "23").empty());
}

BOOST_AUTO_TEST_CASE(deletes_of_unknown_objects_and_added_twice) {
  watch_cache c(flux_resources()[4]);
  c.replace({}, "1");
  auto del = c.apply(event(watch_event::type::deleted, item("ghost", "2")));
  BOOST_TEST((del.what == watch_cache::action::none));
  auto add = c.apply(event(watch_event::type::added, item("k", "3")));
  BOOST_TEST_REQUIRE(add.change.has_value());
  BOOST_TEST((add.change->kind == object_change::type::added));
  auto again = c.apply(event(watch_event::type::added, item("k", "4")));
  BOOST_TEST_REQUIRE(again.change.has_value());
  BOOST_TEST((again.change->kind == object_change::type::modified));
  auto gone = c.apply(event(watch_event::type::deleted, item("k", "5")));
  BOOST_TEST_REQUIRE(gone.change.has_value());
  BOOST_TEST((gone.change->kind == object_change::type::deleted));
  BOOST_TEST(c.objects().empty());
}

BOOST_AUTO_TEST_CASE(only_retained_secrets_are_kept) {
  std::set<std::string> wanted{"creds"};
  watch_cache c(secret_resource(), [&](const object_key& k) { return wanted.count(k.name) > 0; });
  auto listed = c.replace({item("creds", "1"), item("unrelated", "2")}, "3");
  BOOST_TEST(summary(listed) == "+creds ");
  BOOST_TEST(c.objects().size() == 1u);
  auto other = c.apply(event(watch_event::type::modified, item("unrelated", "4")));
  BOOST_TEST((other.what == watch_cache::action::none));
  BOOST_TEST(c.resource_version() == "4");  // still advances
  wanted.insert("later");
  auto put = c.put(item("later", "5"));
  BOOST_TEST_REQUIRE(put.has_value());
  BOOST_TEST((put->kind == object_change::type::added));
  BOOST_TEST(!c.put(item("later", "5")).has_value());
  auto forgot = c.forget(object_key{"Secret", "team-a", "creds"});
  BOOST_TEST_REQUIRE(forgot.has_value());
  BOOST_TEST((forgot->kind == object_change::type::deleted));
  BOOST_TEST(!c.forget(object_key{"Secret", "team-a", "creds"}).has_value());
}

BOOST_AUTO_TEST_CASE(references_of_flux_objects_and_service_accounts) {
  auto oci = yamljson::parse_yaml(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: app, namespace: team-a}
spec:
  provider: aws
  serviceAccountName: ecr-reader
  secretRef: {name: pull}
  certSecretRef: {name: ca}
  verify: {provider: cosign, secretRef: {name: cosign-pub}}
)");
  auto refs = references_of(*oci, {"default-sa"});
  std::vector<std::string> names;
  for (const auto& r : refs) names.push_back(r.kind + ":" + r.ns + "/" + r.name);
  std::vector<std::string> expect{"Secret:team-a/ca", "Secret:team-a/cosign-pub", "Secret:team-a/pull",
                                  "ServiceAccount:team-a/default-sa", "ServiceAccount:team-a/ecr-reader"};
  BOOST_TEST(names == expect, boost::test_tools::per_element());

  auto ks = yamljson::parse_yaml(R"(
kind: Kustomization
metadata: {name: apps, namespace: flux}
spec: {decryption: {provider: sops, secretRef: {name: sops-keys}, serviceAccountName: kms}}
)");
  BOOST_TEST(references_of(*ks).size() == 2u);
  auto sa = yamljson::parse_yaml(R"(
kind: ServiceAccount
metadata: {name: ecr-reader, namespace: team-a}
imagePullSecrets: [{name: regcred}, {name: regcred}]
)");
  auto sa_refs = references_of(*sa, {"ignored-for-sas"});
  BOOST_TEST_REQUIRE(sa_refs.size() == 1u);
  BOOST_TEST((sa_refs[0] == object_key{"Secret", "team-a", "regcred"}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(finalizer_suite)

BOOST_AUTO_TEST_CASE(only_flux_finalizer_is_removed_with_the_resource_version) {
  auto obj = yamljson::parse_yaml(R"(
metadata: {name: b, namespace: a, resourceVersion: "42", deletionTimestamp: "2030-01-01T00:00:00Z",
           finalizers: [finalizers.fluxcd.io, example.com/keep]}
)");
  BOOST_TEST(being_deleted(*obj));
  BOOST_TEST(has_finalizer(*obj, flux_finalizer));
  auto patch = finalizer_removal_patch(*obj, flux_finalizer);
  BOOST_TEST_REQUIRE(patch.has_value());
  BOOST_TEST(json::dump(*patch) == R"({"metadata":{"resourceVersion":"42","finalizers":["example.com/keep"]}})");
  auto live = yamljson::parse_yaml("{metadata: {name: b, finalizers: [example.com/keep]}}");
  BOOST_TEST(!being_deleted(*live));
  BOOST_TEST(!finalizer_removal_patch(*live, flux_finalizer).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
