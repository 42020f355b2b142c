#include <boost/test/unit_test.hpp>

#include "adapters/common/json.hpp"
#include "runtime/status_table.hpp"

using namespace fluxaws;
using namespace fluxaws::runtime;

BOOST_AUTO_TEST_SUITE(status_table)

BOOST_AUTO_TEST_CASE(kinds_by_name) {
  BOOST_TEST(*kind_for_get_argument("all") == "");
  BOOST_TEST(*kind_for_get_argument("buckets") == "Bucket");
  BOOST_TEST(*kind_for_get_argument("OCIRepositories") == "OCIRepository");
  BOOST_TEST(*kind_for_get_argument("imagepolicies") == "ImagePolicy");
  BOOST_TEST(*kind_for_get_argument("kustomizations") == "Kustomization");
  BOOST_TEST(!kind_for_get_argument("gitrepositories"));
}

BOOST_AUTO_TEST_CASE(table_columns_as_flux_get) {
  auto obj = json::parse(R"({"kind":"Bucket","metadata":{"name":"b","namespace":"t"},"spec":{"suspend":false},
    "status":{"artifact":{"revision":"sha256:abc"},"conditions":[{"type":"Ready","status":"True",
    "message":"stored artifact: revision 'sha256:abc'"}]}})");
  auto policy = json::parse(R"({"kind":"ImagePolicy","metadata":{"name":"p","namespace":"t"},
    "status":{"latestRef":{"name":"repo","tag":"1.2.3"},"conditions":[{"type":"Ready","status":"False",
    "message":"multi\nline"}]}})");
  auto out = render_table({*obj, *policy}, true);
  BOOST_TEST(out.find("NAMESPACE") == 0u);
  BOOST_TEST(out.find("bucket/b") != std::string::npos);
  BOOST_TEST(out.find("sha256:abc") != std::string::npos);
  BOOST_TEST(out.find("imagepolicy/p") != std::string::npos);
  BOOST_TEST(out.find("repo:1.2.3") != std::string::npos);
  BOOST_TEST(out.find("multi line") != std::string::npos);
  auto list = json::parse(render_list_json({*obj}));
  BOOST_REQUIRE(list);
  BOOST_TEST(list->find("kind")->as_string() == "List");
  BOOST_TEST(list->find("items")->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
