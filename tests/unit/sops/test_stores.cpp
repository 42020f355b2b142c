// The stores on their own: where YAML comments land (they decide the comment's
// additional data), what the scanner must not take for a comment, how strings are
// quoted so that they read back as strings, and go-ini / dotenv / JSON details.
#include <boost/test/unit_test.hpp>

#include "adapters/common/yaml_json.hpp"
#include "adapters/sops/flatten.hpp"
#include "adapters/sops/stores.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;

namespace {

// Comments with the key path of the collection holding them, in document order.
void collect_comments(const node& n, const std::string& path, std::vector<std::string>& out) {
  if (n.kind == node_kind::mapping) {
    for (const auto& e : n.entries) {
      if (e.is_comment()) out.push_back(path + "#" + e.value.text);
      else collect_comments(e.value, path + e.key + ":", out);
    }
  } else if (n.kind == node_kind::sequence) {
    for (const auto& i : n.items) {
      if (i.is_comment()) out.push_back(path + "#" + i.text);
      else collect_comments(i, path, out);
    }
  }
}

std::vector<std::string> comments_of(const std::string& yaml) {
  auto b = load_yaml(yaml);
  BOOST_REQUIRE_MESSAGE(b.ok(), (b.ok() ? "" : b.error().to_string()));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < b->size(); ++i) collect_comments((*b)[i], std::to_string(i) + "/", out);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stores)

BOOST_AUTO_TEST_CASE(yaml_comments_attach_to_their_collection) {
  std::vector<std::string> want = {"0/# head",     "0/a:# inside a", "0/a:b:# deep foot", "0/a:# foot of a",
                                   "0/# before c", "0/c:# in list",  "0/c:# after list", "0/# inline c2",
                                   "0/# last"};
  auto got = comments_of(
      "# head\n"
      "a:\n"
      "    # inside a\n"
      "    b:\n"
      "        x: 1\n"
      "        # deep foot\n"
      "    y: 2\n"
      "    # foot of a\n"
      "# before c\n"
      "c:\n"
      "    - one\n"
      "    # in list\n"
      "    - two\n"
      "    # after list\n"
      "c2: v # inline c2\n"
      "# last\n");
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
}

BOOST_AUTO_TEST_CASE(yaml_hash_signs_that_are_not_comments) {
  auto got = comments_of(
      "a: \"x # not a comment\"\n"
      "b: 'y # nor this'\n"
      "c: z#nor this\n"
      "d: |\n"
      "    # inside a block scalar\n"
      "    text\n"
      "e: >-\n"
      "    # folded too\n"
      "f: \"multi\n"
      "  # line quoted\"\n"
      "g: [1, 2] # real\n"
      "h: don't # real too\n");
  // An inline comment after a flow collection stays with that collection.
  std::vector<std::string> want = {"0/g:# real", "0/# real too"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  auto b = load_yaml("d: |\n    # inside a block scalar\n    text\n");
  BOOST_REQUIRE(b.ok());
  BOOST_CHECK_EQUAL(find_entry(b->at(0), "d")->text, "# inside a block scalar\ntext\n");
}

BOOST_AUTO_TEST_CASE(yaml_comments_per_document) {
  auto got = comments_of("# one\na: 1\n---\n# two\nb: 2\n# end two\n--- # three\nc: 3\n");
  std::vector<std::string> want = {"0/# one", "1/# two", "1/# end two", "2/# three"};
  BOOST_CHECK_EQUAL_COLLECTIONS(got.begin(), got.end(), want.begin(), want.end());
  auto explicit_start = comments_of("---\n# first\na: 1\n---\nb: 2\n");
  BOOST_REQUIRE_EQUAL(explicit_start.size(), 1u);
  BOOST_CHECK_EQUAL(explicit_start[0], "0/# first");
}

BOOST_AUTO_TEST_CASE(yaml_strings_are_quoted_to_stay_strings) {
  node m = node::make_mapping();
  const char* tricky[] = {"true", "yes", "No", "on", "null", "~", "", "123", "0777", "0x1F", "1e3", ".5", "1_000",
                          "-1", "+1", ".inf", "12:30", "2024-01-01", "2024-01-01T10:00:00Z", "- a", "a: b", "a #b",
                          "#x", "@x", "`x", "'q'", "\"q\"", " lead", "trail ", "tab\there", "line\nbreak",
                          "ends:", "<<", "=", "!tag", "&anchor", "*alias", "%", "{}", "[]", "?", ",", "|", ">"};
  for (const char* s : tricky) m.entries.push_back(entry{s, node::make_string(s)});
  auto text = emit_yaml({m});
  BOOST_REQUIRE(text.ok());
  auto back = load_yaml(*text);
  BOOST_REQUIRE_MESSAGE(back.ok(), (back.ok() ? "" : back.error().to_string()));
  auto k8s = yamljson::parse_yaml(*text);  // the project's manifest reader (YAML 1.1 words)
  BOOST_REQUIRE(k8s.ok());
  std::size_t i = 0;
  for (const auto& e : back->at(0).entries) {
    BOOST_TEST_CONTEXT("string #" << i) {
      BOOST_CHECK(e.key == tricky[i]);
      BOOST_CHECK(e.value.kind == node_kind::string);
      BOOST_CHECK(e.value.text == tricky[i]);
      const json::value* v = k8s->find(tricky[i]);
      BOOST_REQUIRE(v != nullptr);
      BOOST_CHECK(v->is_string() && v->as_string() == tricky[i]);
    }
    ++i;
  }
  BOOST_CHECK_EQUAL(i, std::size(tricky));
}

BOOST_AUTO_TEST_CASE(yaml_typed_scalars_and_binary_survive) {
  node m = node::make_mapping();
  node i;
  i.kind = node_kind::integer;
  i.integer = -42;
  node f;
  f.kind = node_kind::floating;
  f.floating = 3.0;
  node b;
  b.kind = node_kind::boolean;
  b.boolean = false;
  m.entries.push_back(entry{"i", i});
  m.entries.push_back(entry{"f", f});
  m.entries.push_back(entry{"b", b});
  m.entries.push_back(entry{"n", node{}});
  m.entries.push_back(entry{"raw", node::make_string(std::string("\xff\x00\x01", 3))});
  m.entries.push_back(entry{"multi", node::make_string("a\n\nb\n\n\n")});
  m.entries.push_back(entry{"lead", node::make_string("  indented\nsecond")});
  auto text = emit_yaml({m});
  BOOST_REQUIRE(text.ok());
  auto back = load_yaml(*text);
  BOOST_REQUIRE(back.ok());
  const node& r = back->at(0);
  BOOST_CHECK(find_entry(r, "i")->kind == node_kind::integer && find_entry(r, "i")->integer == -42);
  BOOST_CHECK(find_entry(r, "f")->kind == node_kind::floating && find_entry(r, "f")->floating == 3.0);
  BOOST_CHECK(find_entry(r, "b")->kind == node_kind::boolean && !find_entry(r, "b")->boolean);
  BOOST_CHECK(find_entry(r, "n")->kind == node_kind::null);
  BOOST_CHECK(find_entry(r, "raw")->text == std::string("\xff\x00\x01", 3));
  BOOST_CHECK(find_entry(r, "multi")->text == "a\n\nb\n\n\n");
  BOOST_CHECK(find_entry(r, "lead")->text == "  indented\nsecond");
}

BOOST_AUTO_TEST_CASE(yaml_keeps_verbatim_plain_scalars) {
  const std::string src = "a: 0777\nb: 1_000\nc: null\nd: 1e3\ne: TRUE\n";
  auto b = load_yaml(src);
  BOOST_REQUIRE(b.ok());
  BOOST_CHECK_EQUAL(find_entry(b->at(0), "a")->integer, 511);  // as go-yaml v3 reads it
  auto out = emit_yaml(*b);
  BOOST_REQUIRE(out.ok());
  BOOST_CHECK_EQUAL(*out, src);
}

BOOST_AUTO_TEST_CASE(ini_reading_follows_go_ini) {
  const std::string ini =
      "top = level\n"
      "; about s1\n"
      "[s1] # trailing\n"
      "plain = value ; cut here\n"
      "colon: works\n"
      "quoted = \"  spaced  \"\n"
      "single = 'x'\n"
      "tick = `has ; semicolon`\n"
      "multi = \"\"\"line1\n"
      "line2\"\"\"\n"
      "cont = one \\\n"
      "  two\n"
      "`odd=key` = v\n"
      "dup = first\n"
      "dup = second\n"
      "[s1]\n"
      "again = yes\n";
  auto r = load_ini(ini);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().to_string()));
  const node& root = *r;
  BOOST_REQUIRE_EQUAL(root.entries.size(), 3u);  // DEFAULT, s1, s1 (non-unique sections)
  BOOST_CHECK_EQUAL(root.entries[0].key, "DEFAULT");
  BOOST_CHECK_EQUAL(find_entry(root.entries[0].value, "top")->text, "level");
  const node& s1 = root.entries[1].value;
  BOOST_CHECK(s1.entries[0].is_comment());
  BOOST_CHECK_EQUAL(s1.entries[0].value.text, "about s1\n# trailing");
  BOOST_CHECK_EQUAL(find_entry(s1, "plain")->text, "value");
  BOOST_CHECK_EQUAL(find_entry(s1, "colon")->text, "works");
  BOOST_CHECK_EQUAL(find_entry(s1, "quoted")->text, "  spaced  ");
  BOOST_CHECK_EQUAL(find_entry(s1, "single")->text, "x");
  BOOST_CHECK_EQUAL(find_entry(s1, "tick")->text, "has ; semicolon");
  BOOST_CHECK_EQUAL(find_entry(s1, "multi")->text, "line1\nline2");
  BOOST_CHECK_EQUAL(find_entry(s1, "cont")->text, "one two");
  BOOST_CHECK_EQUAL(find_entry(s1, "odd=key")->text, "v");
  BOOST_CHECK_EQUAL(find_entry(s1, "dup")->text, "second");
  BOOST_CHECK_EQUAL(find_entry(root.entries[2].value, "again")->text, "yes");

  // Written back in go-ini's style and read again to the same tree.
  auto text = emit_ini(root);
  BOOST_REQUIRE(text.ok());
  auto again = load_ini(*text);
  BOOST_REQUIRE(again.ok());
  BOOST_CHECK(to_json(*again) == to_json(root));
}

BOOST_AUTO_TEST_CASE(dotenv_details) {
  auto r = load_dotenv("A=1\n#c\nB =  spaced\nC=x=y\nD=a\\nb\n\n");
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK_EQUAL(find_entry(*r, "A")->text, "1");
  BOOST_CHECK_EQUAL(find_entry(*r, "B ")->text, "  spaced");
  BOOST_CHECK_EQUAL(find_entry(*r, "C")->text, "x=y");
  BOOST_CHECK_EQUAL(find_entry(*r, "D")->text, "a\nb");
  BOOST_CHECK(r->entries[1].is_comment());
  auto bad = load_dotenv("A=1\nno-equals-here\n");
  BOOST_REQUIRE(!bad.ok());
  BOOST_CHECK(bad.error().message.find("line 2") != std::string::npos);
  BOOST_CHECK(bad.error().message.find("no-equals-here") == std::string::npos);
  node nested = node::make_mapping();
  nested.entries.push_back(entry{"x", node::make_mapping()});
  BOOST_CHECK(!emit_dotenv(nested).ok());
  node typed = node::make_mapping();
  node f;
  f.kind = node_kind::floating;
  f.floating = 1234568000.0;
  node g = f;
  g.floating = 25.0;
  typed.entries.push_back(entry{"big", f});
  typed.entries.push_back(entry{"round", g});
  BOOST_CHECK_EQUAL(*emit_dotenv(typed), "big=1.234568E+09\nround=25.0\n");
}

BOOST_AUTO_TEST_CASE(json_emission_like_go) {
  auto r = load_json("{\"s\": \"<a&b>\\u2028\", \"i\": 9007199254740993, \"f\": 1.5, \"big\": 1e300, \"o\": {}}");
  BOOST_REQUIRE(r.ok());
  BOOST_CHECK(find_entry(*r, "i")->kind == node_kind::integer);
  BOOST_CHECK_EQUAL(find_entry(*r, "i")->integer, 9007199254740993LL);
  auto text = emit_json(*r);
  BOOST_REQUIRE(text.ok());
  BOOST_CHECK_EQUAL(*text,
                    "{\n\t\"s\": \"\\u003ca\\u0026b\\u003e\\u2028\",\n\t\"i\": 9007199254740993,\n\t\"f\": 1.5,\n\t\"big\": "
                    "1e+300,\n\t\"o\": {}\n}\n");
  node nan = node::make_mapping();
  node n;
  n.kind = node_kind::floating;
  n.floating = std::numeric_limits<double>::quiet_NaN();
  nan.entries.push_back(entry{"x", n});
  BOOST_CHECK(!emit_json(nan).ok());
}

BOOST_AUTO_TEST_CASE(flatten_round_trip) {
  auto md = load_yaml(
      "kms:\n    - arn: a\n      context:\n          k: v\n    - arn: b\nlastmodified: x\nage: []\n");
  BOOST_REQUIRE(md.ok());
  auto flat = flatten_mapping(md->at(0), "sops_");
  BOOST_REQUIRE(flat.ok());
  std::vector<std::string> keys;
  for (const auto& e : flat->entries) keys.push_back(e.key);
  std::vector<std::string> want = {"sops_kms__list_0__map_arn", "sops_kms__list_0__map_context__map_k",
                                   "sops_kms__list_1__map_arn", "sops_lastmodified"};
  BOOST_CHECK_EQUAL_COLLECTIONS(keys.begin(), keys.end(), want.begin(), want.end());
  node unprefixed = *flat;
  for (auto& e : unprefixed.entries) e.key = e.key.substr(5);
  auto back = unflatten_mapping(unprefixed);
  BOOST_REQUIRE(back.ok());
  BOOST_CHECK_EQUAL(find_entry(*back, "kms")->items.size(), 2u);
  BOOST_CHECK_EQUAL(find_entry(find_entry(*back, "kms")->items[0], "context")->entries[0].value.text, "v");
  node clash = node::make_mapping();
  clash.entries.push_back(entry{"a", node::make_string("1")});
  clash.entries.push_back(entry{"a__map_b", node::make_string("2")});
  BOOST_CHECK(!unflatten_mapping(clash).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(stores_bom)

BOOST_AUTO_TEST_CASE(a_byte_order_mark_does_not_hide_the_first_comment) {
  auto b = load_yaml("\xef\xbb\xbf# first\na: 1\n");
  BOOST_REQUIRE(b.ok());
  BOOST_REQUIRE_GE(b->at(0).entries.size(), 2u);
  BOOST_CHECK(b->at(0).entries[0].is_comment());
  BOOST_CHECK_EQUAL(b->at(0).entries[0].value.text, " first");
}

BOOST_AUTO_TEST_SUITE_END()
