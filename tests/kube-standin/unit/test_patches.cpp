// Patch formats: RFC 7386 merge patch, the stand-in's strategic merge patch, RFC 6902.
#include <boost/test/unit_test.hpp>

#include "tests/kube-standin/patches.hpp"

using namespace kstand;
using fluxaws::json::dump;
using fluxaws::json::parse;

namespace {
fluxaws::json::value j(const char* text) { return parse(text).value(); }
}  // namespace

BOOST_AUTO_TEST_SUITE(patches)

BOOST_AUTO_TEST_CASE(merge_patch_follows_rfc7386_examples) {
  // The RFC's appendix A cases that matter for Kubernetes objects.
  BOOST_TEST(dump(merge_patch(j(R"({"a":"b"})"), j(R"({"a":"c"})"))) == R"({"a":"c"})");
  BOOST_TEST(dump(merge_patch(j(R"({"a":"b"})"), j(R"({"b":"c"})"))) == R"({"a":"b","b":"c"})");
  BOOST_TEST(dump(merge_patch(j(R"({"a":"b"})"), j(R"({"a":null})"))) == R"({})");
  BOOST_TEST(dump(merge_patch(j(R"({"a":["b"]})"), j(R"({"a":"c"})"))) == R"({"a":"c"})");
  BOOST_TEST(dump(merge_patch(j(R"({"a":{"b":"c"}})"), j(R"({"a":{"b":"d","c":null}})"))) == R"({"a":{"b":"d"}})");
  BOOST_TEST(dump(merge_patch(j(R"({"a":[{"b":"c"}]})"), j(R"({"a":[1]})"))) == R"({"a":[1]})");
  BOOST_TEST(dump(merge_patch(j(R"({"e":null})"), j(R"({"a":1})"))) == R"({"e":null,"a":1})");
  BOOST_TEST(dump(merge_patch(j(R"([1,2])"), j(R"({"a":{"bb":{"ccc":null}}})"))) == R"({"a":{"bb":{}}})");
}

BOOST_AUTO_TEST_CASE(strategic_merge_patch_drops_directives_and_honours_patch_keys) {
  auto target = j(R"({"metadata":{"labels":{"a":"1","b":"2"}},"data":{"x":"1"},"spec":{"list":[1,2]}})");
  auto patch = j(R"({"$setElementOrder/list":[1],"metadata":{"labels":{"b":null,"c":"3"}},"spec":{"list":[3]},
                    "data":{"$patch":"replace","y":"2"}})");
  auto out = strategic_merge_patch(target, patch);
  BOOST_TEST(dump(out) == R"({"metadata":{"labels":{"a":"1","c":"3"}},"data":{"y":"2"},"spec":{"list":[3]}})");
  auto deleted = strategic_merge_patch(target, j(R"({"data":{"$patch":"delete"}})"));
  BOOST_TEST(!deleted.find("data"));
}

BOOST_AUTO_TEST_CASE(json_patch_operations) {
  auto doc = j(R"({"metadata":{"labels":{"a/b":"1"}},"list":[1,2,3],"s":"x"})");
  auto r = json_patch(doc, j(R"([
    {"op":"add","path":"/list/-","value":4},
    {"op":"add","path":"/list/0","value":0},
    {"op":"remove","path":"/list/1"},
    {"op":"replace","path":"/s","value":"y"},
    {"op":"test","path":"/s","value":"y"},
    {"op":"copy","from":"/s","path":"/t"},
    {"op":"move","from":"/metadata/labels/a~1b","path":"/metadata/labels/c~0d"}
  ])"));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(dump(*r) == R"({"metadata":{"labels":{"c~d":"1"}},"list":[0,2,3,4],"s":"y","t":"y"})");
  BOOST_TEST(dump(doc) == R"({"metadata":{"labels":{"a/b":"1"}},"list":[1,2,3],"s":"x"})");  // input untouched
}

BOOST_AUTO_TEST_CASE(json_patch_failures_name_the_operation_and_leave_nothing_half_done) {
  auto doc = j(R"({"a":1})");
  auto bad_test = json_patch(doc, j(R"([{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}])"));
  BOOST_REQUIRE(!bad_test.ok());
  BOOST_TEST(bad_test.error().message.find("operation 1 (test)") != std::string::npos);
  BOOST_TEST(!json_patch(doc, j(R"([{"op":"remove","path":"/nope"}])")).ok());
  BOOST_TEST(!json_patch(doc, j(R"([{"op":"replace","path":"/nope","value":1}])")).ok());
  BOOST_TEST(!json_patch(doc, j(R"([{"op":"add","path":"nope","value":1}])")).ok());
  BOOST_TEST(!json_patch(doc, j(R"([{"op":"frobnicate","path":"/a"}])")).ok());
  BOOST_TEST(!json_patch(doc, j(R"({"op":"add"})")).ok());
  BOOST_TEST(!json_patch(doc, j(R"([{"op":"add","path":"/a/~2","value":1}])")).ok());
}

BOOST_AUTO_TEST_SUITE_END()
