// Printer-column JSONPath and label/field selectors.
#include <boost/test/unit_test.hpp>

#include "tests/kube-standin/jsonpath.hpp"
#include "tests/kube-standin/selectors.hpp"

using namespace kstand;
using fluxaws::json::parse;

namespace {
fluxaws::json::value j(const char* text) { return parse(text).value(); }

std::vector<std::string> eval(const char* expr, const fluxaws::json::value& doc) {
  auto p = jsonpath::compile(expr);
  BOOST_REQUIRE_MESSAGE(p.ok(), expr);
  std::vector<std::string> out;
  for (const auto* v : p->evaluate(doc)) out.push_back(v->is_string() ? v->as_string() : fluxaws::json::dump(*v));
  return out;
}

const auto kBucket = R"({"metadata":{"name":"b","creationTimestamp":"2025-01-01T00:00:00Z","labels":{"tier":"a","x.io/shard":"1"}},
  "spec":{"endpoint":"s3.amazonaws.com","n":3},
  "status":{"conditions":[{"type":"Reconciling","status":"False","message":"m1"},
                          {"type":"Ready","status":"True","message":"stored artifact"}]}})";
}  // namespace

BOOST_AUTO_TEST_SUITE(jsonpath_and_selectors)

BOOST_AUTO_TEST_CASE(printer_column_paths_of_the_flux_crds) {
  auto doc = j(kBucket);
  BOOST_TEST(eval(".spec.endpoint", doc) == std::vector<std::string>{"s3.amazonaws.com"});
  BOOST_TEST(eval(R"(.status.conditions[?(@.type=="Ready")].status)", doc) == std::vector<std::string>{"True"});
  BOOST_TEST(eval(R"(.status.conditions[?(@.type=="Ready")].message)", doc) == std::vector<std::string>{"stored artifact"});
  BOOST_TEST(eval(R"({.status.conditions[?(@.type!='Ready')].type})", doc) == std::vector<std::string>{"Reconciling"});
  BOOST_TEST(eval("$.status.conditions[*].type", doc) == (std::vector<std::string>{"Reconciling", "Ready"}));
  BOOST_TEST(eval(".status.conditions[-1].type", doc) == std::vector<std::string>{"Ready"});
  BOOST_TEST(eval("['metadata']['labels']['x.io/shard']", doc) == std::vector<std::string>{"1"});
  BOOST_TEST(eval(".spec.n", doc) == std::vector<std::string>{"3"});
  BOOST_TEST(eval(".status.lastScanResult.tagCount", doc).empty());  // absent: no result, no error
  BOOST_TEST(eval(R"(.status.conditions[?(@.type=="Stalled")].status)", doc).empty());
}

BOOST_AUTO_TEST_CASE(paths_outside_the_subset_are_refused_with_a_position) {
  for (const char* bad : {".spec..x", ".status.conditions[?(@.type=~\"R\")]", ".a[", ".a b", ".status.conditions[?(@.type==\"x)]"}) {
    auto p = jsonpath::compile(bad);
    BOOST_TEST(!p.ok(), bad);
    if (!p.ok()) BOOST_TEST(p.error().message.find("position") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(label_selectors) {
  auto doc = j(kBucket);
  auto m = [&](const char* sel) {
    auto s = label_selector::parse(sel);
    BOOST_REQUIRE_MESSAGE(s.ok(), sel);
    return s->matches(doc);
  };
  BOOST_TEST(m(""));
  BOOST_TEST(m("tier=a"));
  BOOST_TEST(m("tier==a,x.io/shard"));
  BOOST_TEST(!m("tier!=a"));
  BOOST_TEST(m("tier in (a, b)"));
  BOOST_TEST(!m("tier notin (a,b)"));
  BOOST_TEST(m("!missing"));
  BOOST_TEST(!m("missing"));
  BOOST_TEST(m("missing!=x"));
  BOOST_TEST(!label_selector::parse("tier in a").ok());
  BOOST_TEST(!label_selector::parse("=a").ok());
}

BOOST_AUTO_TEST_CASE(field_selectors) {
  auto doc = j(R"({"metadata":{"name":"x","namespace":"ns"},"involvedObject":{"kind":"Bucket"},"spec":{"on":true}})");
  auto f = field_selector::parse("metadata.name=x,metadata.namespace==ns,involvedObject.kind!=Pod,spec.on=true");
  BOOST_REQUIRE(f.ok());
  BOOST_TEST(f->matches(doc));
  BOOST_TEST(f->required("metadata.name").value_or("") == "x");
  BOOST_TEST(!field_selector::parse("metadata.name=y")->matches(doc));
  BOOST_TEST(!field_selector::parse("metadata.name").ok());
}

BOOST_AUTO_TEST_SUITE_END()
