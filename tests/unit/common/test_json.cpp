#include <boost/test/unit_test.hpp>

#include <cmath>

#include "adapters/common/json.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;

BOOST_AUTO_TEST_SUITE(json_value)

BOOST_AUTO_TEST_CASE(parse_and_dump_keep_order_and_types) {
  auto v = json::parse(R"({"b":1,"a":[true,null,1.5,"x\n"],"c":{"d":-2}})");
  BOOST_REQUIRE(v);
  BOOST_TEST(json::dump(*v) == R"({"b":1,"a":[true,null,1.5,"x\n"],"c":{"d":-2}})");
  BOOST_TEST(v->at({"c", "d"})->as_int() == -2);
  BOOST_TEST(v->find("a")->as_array()[2].as_double() == 1.5);
  BOOST_TEST(!v->find("missing"));
}

BOOST_AUTO_TEST_CASE(malformed_json_is_an_error_not_a_crash) {
  std::string err;
  BOOST_TEST(!json::parse("{\"a\":", &err));
  BOOST_TEST(!err.empty());
  BOOST_TEST(!json::parse("", &err));
  BOOST_TEST(!json::parse("[1,2", &err));
}

BOOST_AUTO_TEST_CASE(escaping_and_invalid_utf8) {
  json::value v("a\"b\\c\x01\xff\xc3\xa9");
  BOOST_TEST(json::dump(v) == "\"a\\\"b\\\\c\\u0001\\ufffd\xc3\xa9\"");
}

BOOST_AUTO_TEST_CASE(building_objects) {
  json::value o;
  o["kind"] = "Bucket";
  o["spec"]["interval"] = "1m";
  o["status"]["conditions"].push_back(json::value::make_object());
  BOOST_TEST(json::dump(o) == R"({"kind":"Bucket","spec":{"interval":"1m"},"status":{"conditions":[{}]}})");
  BOOST_TEST(o.erase("status"));
  BOOST_TEST(o.size() == 2u);
}

BOOST_AUTO_TEST_CASE(yaml_to_json_like_kubernetes) {
  auto r = yamljson::parse_yaml_all(R"(---
apiVersion: v1
kind: Secret
data:
  n: 10
  q: "10"
  b: true
  f: 1.5
  z: ~
  s: hello
  l: [1, two]
---
---
kind: Other
)");
  BOOST_REQUIRE(r.ok());
  BOOST_REQUIRE(r->size() == 2u);
  const auto& d = *(*r)[0].find("data");
  BOOST_TEST(d.find("n")->is_integer());
  BOOST_TEST(d.find("q")->is_string());
  BOOST_TEST(d.find("b")->as_bool());
  BOOST_TEST(d.find("f")->as_double() == 1.5);
  BOOST_TEST(d.find("z")->is_null());
  BOOST_TEST(d.find("s")->as_string() == "hello");
  BOOST_TEST(d.find("l")->as_array()[1].as_string() == "two");
}

BOOST_AUTO_TEST_CASE(yaml_scalars_resolve_like_go_yaml_v2) {
  auto r = yamljson::parse_yaml(R"(
hex: 0x1F
octal: 0o17
legacy_octal: 012
underscores: 1_000
negative: -42
plus: +7
f1: 1.5e3
f2: .5
f3: "1.5"
f4: 1.
notnum1: 1e
notnum2: 0x
notnum3: 12abc
notnum4: 1.2.3
inf: .inf
yes_word: yes
off_word: off
)");
  BOOST_REQUIRE(r.ok());
  const auto& v = *r;
  BOOST_TEST(v.find("hex")->as_int() == 31);
  BOOST_TEST(v.find("octal")->as_int() == 15);
  BOOST_TEST(v.find("legacy_octal")->as_int() == 10);
  BOOST_TEST(v.find("underscores")->as_int() == 1000);
  BOOST_TEST(v.find("negative")->as_int() == -42);
  BOOST_TEST(v.find("plus")->as_int() == 7);
  BOOST_TEST(v.find("f1")->as_double() == 1500.0);
  BOOST_TEST(v.find("f2")->as_double() == 0.5);
  BOOST_TEST(v.find("f3")->is_string());
  BOOST_TEST(v.find("f4")->as_double() == 1.0);
  for (auto k : {"notnum1", "notnum2", "notnum3", "notnum4"}) BOOST_TEST(v.find(k)->is_string(), k);
  BOOST_TEST(std::isinf(v.find("inf")->as_double()));
  BOOST_TEST(v.find("yes_word")->as_bool());
  BOOST_TEST(!v.find("off_word")->as_bool());
  BOOST_TEST(v.find("off_word")->is_bool());
}

BOOST_AUTO_TEST_CASE(yaml_errors_name_the_line) {
  auto r = yamljson::parse_yaml("a: b\nc: [d\n");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message.find("line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(yaml_alias_bomb_is_refused) {
  std::string doc = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    doc += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) doc += std::string(i ? "," : "") + "*" + prev;
    doc += "]\n";
    prev = c;
  }
  auto r = yamljson::parse_yaml(doc);
  BOOST_TEST(!r.ok());
}

BOOST_AUTO_TEST_CASE(json_to_yaml_round_trip) {
  auto v = json::parse(R"({"a":"true","b":true,"c":"multi\nline","d":[1,"2"],"e":null})");
  auto y = yamljson::to_yaml(*v);
  auto back = yamljson::parse_yaml(y);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(json::dump(*back) == json::dump(*v));
}

BOOST_AUTO_TEST_SUITE_END()
