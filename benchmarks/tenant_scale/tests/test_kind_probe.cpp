#include <boost/test/unit_test.hpp>

#include "benchmarks/tenant_scale/src/kind_probe.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;

namespace {

json::value status_with(bool ready, const std::string& reason, const std::string& message) {
  json::value o = json::value::make_object();
  json::value c = json::value::make_object();
  c["type"] = "Ready";
  c["status"] = ready ? "True" : "False";
  c["reason"] = reason;
  c["message"] = message;
  json::value list = json::value::make_array();
  list.push_back(std::move(c));
  o["status"]["conditions"] = std::move(list);
  return o;
}

struct statuses {
  std::map<std::string, json::value> map;
  void set(const std::string& kind, const std::string& name, bool ready, const std::string& message = "") {
    map[kind + "/" + tenant(0) + "/" + name] = status_with(ready, ready ? "Succeeded" : "Failed", message);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(kind_probe)

BOOST_AUTO_TEST_CASE(identity_form_wins_when_ready) {
  statuses s;
  for (const char* kind : {"Bucket", "OCIRepository", "ImageRepository"})
    for (auth_form f : {auth_form::aws_identity, auth_form::static_keys}) s.set(kind, probe_object_name(kind, f), true);
  s.set("ImagePolicy", probe_object_name("ImagePolicy", auth_form::aws_identity, auth_form::aws_identity), true);
  s.set("Kustomization", probe_object_name("Kustomization", auth_form::aws_identity, auth_form::aws_identity), true);
  auto c = choose_forms(s.map, all_kinds());
  BOOST_TEST(c.excluded.empty());
  BOOST_TEST(c.notes.empty());
  for (const auto& k : all_kinds()) {
    BOOST_REQUIRE(c.forms.has(k));
    BOOST_TEST((c.forms.forms[k] == auth_form::aws_identity), k);
  }
}

BOOST_AUTO_TEST_CASE(static_stand_in_and_exclusions_with_reasons) {
  statuses s;
  s.set("Bucket", probe_object_name("Bucket", auth_form::aws_identity), false, "no credential plane configured");
  s.set("Bucket", probe_object_name("Bucket", auth_form::static_keys), true);
  s.set("OCIRepository", probe_object_name("OCIRepository", auth_form::aws_identity), false, "x");
  s.set("OCIRepository", probe_object_name("OCIRepository", auth_form::static_keys), false, "y");
  // ImageRepository has no status at all (the kind is not registered).
  s.set("Kustomization", probe_object_name("Kustomization", auth_form::aws_identity, auth_form::static_keys), false,
        "no credential plane configured");
  s.set("Kustomization", probe_object_name("Kustomization", auth_form::static_keys, auth_form::static_keys), false,
        "no credential plane configured");
  auto c = choose_forms(s.map, all_kinds());
  BOOST_TEST((c.forms.forms.at("Bucket") == auth_form::static_keys));
  BOOST_TEST(!c.forms.has("OCIRepository"));
  BOOST_TEST(!c.forms.has("ImageRepository"));
  BOOST_TEST(!c.forms.has("ImagePolicy"));
  BOOST_TEST(!c.forms.has("Kustomization"));
  BOOST_REQUIRE(c.notes.size() == 1u);
  BOOST_TEST(c.notes[0].find("no credential plane configured") != std::string::npos);
  std::map<std::string, std::string> why(c.excluded.begin(), c.excluded.end());
  BOOST_TEST(why.size() == 4u);
  BOOST_TEST(why["OCIRepository"].find("Failed: x") != std::string::npos);
  BOOST_TEST(why["ImageRepository"].find("no status") != std::string::npos);
  BOOST_TEST(why["ImagePolicy"].find("needs an ImageRepository") != std::string::npos);
  BOOST_TEST(why["Kustomization"].find("no credential plane configured") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(only_wanted_kinds) {
  statuses s;
  s.set("Bucket", probe_object_name("Bucket", auth_form::aws_identity), true);
  auto c = choose_forms(s.map, {"Bucket"});
  BOOST_TEST(c.forms.forms.size() == 1u);
  BOOST_TEST(c.excluded.empty());
}

BOOST_AUTO_TEST_SUITE_END()
