// ImagePolicy selection: the tables of Flux's image-reflector-controller (internal/policy
// *_test.go and the controller's policy_test.go), the conformance cases, bad input, and the
// Go regexp behaviour the filter relies on.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "actors/image_policy_select.hpp"

using namespace fluxaws;
using namespace fluxaws::policy;

namespace {

selector semver_policy(const std::string& range) {
  auto s = selector::semver(range);
  BOOST_REQUIRE_MESSAGE(s.ok(), "range " << range);
  return s.value();
}
selector alphabetical_policy(const std::string& order) {
  auto s = selector::alphabetical(order);
  BOOST_REQUIRE_MESSAGE(s.ok(), "order " << order);
  return s.value();
}
selector numerical_policy(const std::string& order) {
  auto s = selector::numerical(order);
  BOOST_REQUIRE_MESSAGE(s.ok(), "order " << order);
  return s.value();
}
tag_filter filter(const std::string& pattern, const std::string& extract) {
  auto f = tag_filter::compile(pattern, extract);
  BOOST_REQUIRE_MESSAGE(f.ok(), "filter " << pattern << " / " << extract << ": " << (f.ok() ? "" : f.error().message));
  return f.value();
}
std::string latest(const std::vector<std::string>& tags, const selector& s, const tag_filter* f = nullptr) {
  auto r = select_latest(tags, f, s);
  BOOST_REQUIRE_MESSAGE(r.ok(), "select_latest: " << (r.ok() ? "" : r.error().message));
  return r->tag;
}
error_info failure(const std::vector<std::string>& tags, const selector& s, const tag_filter* f = nullptr) {
  auto r = select_latest(tags, f, s);
  BOOST_REQUIRE_MESSAGE(!r.ok(), "expected an error, got " << (r.ok() ? r->tag : ""));
  return r.error();
}

// The conformance tag list: 1.0.0, 1.2.3, 2.0.0-rc.1, latest, build-0001 … build-1500.
std::vector<std::string> conformance_tags() {
  std::vector<std::string> tags = {"1.0.0", "1.2.3", "2.0.0-rc.1", "latest"};
  for (int i = 1; i <= 1500; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "build-%04d", i);
    tags.emplace_back(buf);
  }
  return tags;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(flux_semver_policy)

BOOST_AUTO_TEST_CASE(new_semver_table) {
  for (const char* r : {"1.0.x", "^1.0", "=1.0.0", "~1.0", ">=1.0", ">0,<2.0"}) {
    BOOST_TEST_CONTEXT(r) { BOOST_TEST(selector::semver(r).ok()); }
  }
  for (const char* r : {"1.0.0p", "1x", "x1", "-1", "a", ""}) {
    BOOST_TEST_CONTEXT(r) {
      auto s = selector::semver(r);
      BOOST_TEST_REQUIRE(!s.ok());
      BOOST_TEST(s.error().code == "InvalidRange");
      BOOST_TEST(is_invalid_policy(s.error()));
    }
  }
}

BOOST_AUTO_TEST_CASE(semver_latest_table) {
  BOOST_TEST(latest({"1.0.0", "1.0.0.1", "1.0.0p", "1.0.1", "1.2.0", "0.1.0"}, semver_policy("1.0.x")) == "1.0.1");
  BOOST_TEST(latest({"v1.2.3", "v1.0.0", "v0.1.0"}, semver_policy("1.0.x")) == "v1.0.0");
  BOOST_TEST(failure({"b1.2.3", "b1.0.0", "b0.1.0"}, semver_policy("1.0.x")).code == "NoMatchingVersion");
  BOOST_TEST(failure({}, semver_policy("1.0.x")).code == "NoCandidates");
  BOOST_TEST(failure({"1.2.0"}, semver_policy("1.0.x")).code == "NoMatchingVersion");
}

BOOST_AUTO_TEST_CASE(controller_semver_cases) {
  // TestImagePolicyReconciler_calculateImageFromRepoTags.
  const std::vector<std::string> tags = {"0.1.0", "0.1.1", "0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"};
  BOOST_TEST(latest(tags, semver_policy("1.0.x")) == "1.0.2");
  auto invalid = selector::semver("*-*");
  BOOST_TEST_REQUIRE(!invalid.ok());
  BOOST_TEST(is_invalid_policy(invalid.error()));
  BOOST_TEST(latest({"xenial", "yakkety", "zesty", "artful", "bionic"}, alphabetical_policy("")) == "zesty");
}

BOOST_AUTO_TEST_CASE(controller_filter_cases) {
  // TestImagePolicyReconciler_filterTags (range ">=0.x").
  const std::vector<std::string> tags = {"test-0.1.0", "test-0.1.1", "dev-0.2.0", "1.0.0", "1.0.1", "1.0.2", "1.1.0-alpha"};
  const tag_filter f = filter("^test-(.*)$", "$1");
  auto r = select_latest(tags, &f, semver_policy(">=0.x"));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->tag == "test-0.1.1");
  BOOST_TEST(r->value == "0.1.1");
  auto bad = tag_filter::compile("^test-(.*", "$1");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("invalid regular expression pattern") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(semver_ties_and_skips) {
  // Equal versions: the first one wins (GreaterThan is strict).
  BOOST_TEST(latest({"v1.0.0", "1.0.0", "1.0.0+b2"}, semver_policy("*")) == "v1.0.0");
  // Tags that are not versions by Flux's rule are skipped, never an error.
  BOOST_TEST(latest({"latest", "1.2", "1.2.3.4", "2.0", "0.9.0"}, semver_policy(">=0.1")) == "0.9.0");
  // Two dots make "1.2-rc.1" a version (1.2.0-rc.1), as in Flux.
  BOOST_TEST(latest({"1.1.0", "1.2-rc.1"}, semver_policy(">=1.0.0-0")) == "1.2-rc.1");
  // Calendar versions with leading zeros.
  BOOST_TEST(latest({"v2025.02.03", "v2025.10.01", "v2024.12.31"}, semver_policy(">=2024.1.1")) == "v2025.10.01");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flux_alphabetical_policy)

BOOST_AUTO_TEST_CASE(new_alphabetical_table) {
  BOOST_TEST(selector::alphabetical("").ok());
  BOOST_TEST(selector::alphabetical("ASC").ok());
  BOOST_TEST(selector::alphabetical("DESC").ok());
  BOOST_TEST(selector::alphabetical("asc").ok());  // the API value; Flux upper-cases it
  BOOST_TEST(selector::alphabetical("desc").ok());
  auto bad = selector::alphabetical("invalid");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == "InvalidOrder");
  BOOST_TEST(bad.error().message ==
             "invalid policy: invalid order argument provided: 'INVALID', must be one of: ASC, DESC");
}

BOOST_AUTO_TEST_CASE(alphabetical_latest_table) {
  const std::vector<std::string> calver = {"16.04", "16.04.1", "16.10", "20.04", "20.10"};
  const std::vector<std::string> names = {"xenial", "yakkety", "zesty", "artful", "bionic"};
  const std::vector<std::string> stamps = {"1606234201", "1606364286", "1606334092", "1606334284", "1606334201"};
  const std::vector<std::string> prefixed = {"rel-1606234201", "rel-1606364286", "rel-1606334092", "rel-1606334284",
                                             "rel-1606334201"};
  const std::vector<std::string> rfc3339 = {"2021-01-08T21-18-21Z", "2020-05-08T21-18-21Z", "2021-01-08T19-20-00Z",
                                            "1990-01-08T00-20-00Z", "2023-05-08T00-20-00Z"};
  BOOST_TEST(latest(calver, alphabetical_policy("")) == "20.10");
  BOOST_TEST(latest(calver, alphabetical_policy("DESC")) == "16.04");
  BOOST_TEST(latest(names, alphabetical_policy("")) == "zesty");
  BOOST_TEST(latest(names, alphabetical_policy("DESC")) == "artful");
  BOOST_TEST(latest(stamps, alphabetical_policy("")) == "1606364286");
  BOOST_TEST(latest(stamps, alphabetical_policy("DESC")) == "1606234201");
  BOOST_TEST(latest(prefixed, alphabetical_policy("")) == "rel-1606364286");
  BOOST_TEST(latest(rfc3339, alphabetical_policy("")) == "2023-05-08T00-20-00Z");
  BOOST_TEST(latest(rfc3339, alphabetical_policy("DESC")) == "1990-01-08T00-20-00Z");
  BOOST_TEST(failure({}, alphabetical_policy("")).code == "NoCandidates");
}

BOOST_AUTO_TEST_CASE(alphabetical_is_byte_order) {
  // Go's sort.Strings compares bytes: uppercase before lowercase, high bytes last.
  BOOST_TEST(latest({"Zeta", "alpha"}, alphabetical_policy("asc")) == "alpha");
  BOOST_TEST(latest({"a", "\xc3\xa9"}, alphabetical_policy("asc")) == "\xc3\xa9");
  BOOST_TEST(latest({"a", "ab"}, alphabetical_policy("desc")) == "a");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flux_numerical_policy)

BOOST_AUTO_TEST_CASE(new_numerical_table) {
  BOOST_TEST(selector::numerical("").ok());
  BOOST_TEST(selector::numerical("ASC").ok());
  BOOST_TEST(selector::numerical("DESC").ok());
  auto bad = selector::numerical("invalid");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == "InvalidOrder");
}

BOOST_AUTO_TEST_CASE(numerical_latest_table) {
  // Flux shuffles each list; we try the listed order and several fixed permutations.
  struct num_case {
    std::vector<std::string> tags;
    std::string order, expected;
  };
  const std::vector<num_case> cases = {
      {{"-62", "-88", "73", "72", "15", "16", "15", "29", "-33", "-91"}, "", "73"},
      {{"5", "-8", "-78", "25", "70", "-4", "80", "92", "-20", "-24"}, "DESC", "-78"},
      {{"47.40896403322944", "-27.8520927455902", "-27.930666514224427", "-31.352485948094568", "-50.41072694704882",
        "-21.962849842263736", "24.71884721436865", "-39.99177354004344", "53.47333823144817", "3.2008658570411086"},
       "",
       "53.47333823144817"},
      {{"-65.27202780220686", "57.82948329142309", "22.40184684363291", "-86.36934305697784", "-90.29082099756083",
        "-12.041712603564264", "77.70488240399305", "-38.98425003883552", "16.06867070412028", "53.735674335181216"},
       "DESC",
       "-90.29082099756083"},
      {{"1606234201", "1606364286", "1606334092", "1606334284", "1606334201"}, "", "1606364286"},
      {{"1606234201", "1606364286", "1606334092", "1606334284", "1606334201"}, "DESC", "1606234201"},
      {{"1"}, "", "1"},
      {{"1"}, "DESC", "1"},
  };
  std::mt19937 rng(20240611);
  for (const auto& c : cases) {
    std::vector<std::string> tags = c.tags;
    for (int round = 0; round < 6; ++round) {
      BOOST_TEST_CONTEXT("order " << c.order << " round " << round) {
        BOOST_TEST(latest(tags, numerical_policy(c.order)) == c.expected);
      }
      std::shuffle(tags.begin(), tags.end(), rng);
    }
  }
  auto err = failure({"0", "1a", "b"}, numerical_policy(""));
  BOOST_TEST(err.code == "NonNumericTag");
  BOOST_TEST(err.message == "failed to parse invalid numeric value '1a'");
  BOOST_TEST(failure({}, numerical_policy("")).code == "NoCandidates");
}

BOOST_AUTO_TEST_CASE(numerical_ties_follow_the_loop) {
  // Of equal numbers the later one wins (Flux replaces unless strictly worse).
  BOOST_TEST(latest({"1", "1.0", "0"}, numerical_policy("asc")) == "1.0");
  BOOST_TEST(latest({"0", "0.0", "1"}, numerical_policy("desc")) == "0.0");
  // Go's ParseFloat spellings count as numbers.
  BOOST_TEST(latest({"1e3", "999", "0x1p9"}, numerical_policy("asc")) == "1e3");
  BOOST_TEST(latest({"1_000", "999"}, numerical_policy("asc")) == "1_000");
  // Out of range is not a number (ErrRange).
  BOOST_TEST(failure({"1", "1e400"}, numerical_policy("asc")).code == "NonNumericTag");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(flux_regex_filter)

BOOST_AUTO_TEST_CASE(regex_filter_table) {
  // TestRegexFilter: the set of values a filter produces.
  struct filter_case {
    std::vector<std::string> tags;
    std::string pattern, extract;
    std::vector<std::string> expected;
  };
  const std::vector<std::string> complex = {"123-123.123.abcd123-debug", "123-123.123.abcd123",
                                            "123-123.123.abcd456-debug", "123-123.123.abcd456"};
  const std::vector<filter_case> cases = {
      {{"a"}, "", "", {"a"}},
      {{"ver1", "ver2", "ver3", "rel1"}, "^ver", "", {"ver1", "ver2", "ver3"}},
      {{"ver1", "ver2", "ver3", "rel1"}, R"(ver(\d+))", "$1", {"1", "2", "3"}},
      {complex, R"(^(123-[0-9]+\.[0-9]+\.[a-z0-9]+-debug))", "", {"123-123.123.abcd123-debug", "123-123.123.abcd456-debug"}},
      {complex, R"(^(?P<tag>123-[0-9]+\.[0-9]+\.[a-z0-9]+[^-debug]))", "$tag", {"123-123.123.abcd123", "123-123.123.abcd456"}},
      {complex, R"(^(?P<tag>123-[0-9]+\.[0-9]+\.[a-z0-9]+$))", "$tag", {"123-123.123.abcd123", "123-123.123.abcd456"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("pattern " << c.pattern << " extract " << c.extract) {
      const tag_filter f = filter(c.pattern, c.extract);
      std::set<std::string> values;
      for (const auto& t : c.tags) {
        std::string v;
        if (f.apply(t, v)) values.insert(v);
      }
      const std::vector<std::string> got(values.begin(), values.end());
      BOOST_TEST(got == c.expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(same_value_reports_the_later_tag) {
  // Flux keeps map[value]tag, so the last tag with a value is the one reported.
  const tag_filter f = filter(R"(-(\d+)$)", "$1");
  auto r = select_latest({"a-1", "b-2", "c-2", "d-1"}, &f, alphabetical_policy("asc"));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->tag == "c-2");
  BOOST_TEST(r->value == "2");
  auto d = select_latest({"a-1", "b-2", "c-2", "d-1"}, &f, alphabetical_policy("desc"));
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d->tag == "d-1");
  // One candidate "v3.0.0", produced last by y-3.
  const tag_filter g = filter(R"(-(\d+)$)", "v$1.0.0");
  auto n = select_latest({"x-3", "y-3"}, &g, semver_policy("*"));
  BOOST_TEST_REQUIRE(n.ok());
  BOOST_TEST(n->tag == "y-3");
  BOOST_TEST(n->value == "v3.0.0");
}

BOOST_AUTO_TEST_CASE(filter_without_extract_reports_the_tag) {
  const tag_filter f = filter("^v", "");
  auto r = select_latest({"v1.0.0", "1.5.0", "v1.1.0"}, &f, semver_policy("*"));
  BOOST_TEST_REQUIRE(r.ok());
  BOOST_TEST(r->tag == "v1.1.0");
  BOOST_TEST(r->value == "v1.1.0");
  BOOST_TEST(!f.extracts());
  BOOST_TEST(f.pattern() == "^v");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(conformance)

BOOST_AUTO_TEST_CASE(expectations) {
  const auto tags = conformance_tags();
  BOOST_TEST(latest(tags, semver_policy(">=1.0.0")) == "1.2.3");
  BOOST_TEST(latest(tags, semver_policy(">=2.0.0-0")) == "2.0.0-rc.1");

  const tag_filter build = filter("^build-(?P<n>[0-9]+)$", "$n");
  auto numeric = select_latest(tags, &build, numerical_policy("asc"));
  BOOST_TEST_REQUIRE(numeric.ok());
  BOOST_TEST(numeric->tag == "build-1500");
  BOOST_TEST(numeric->value == "1500");
  BOOST_TEST(latest(tags, numerical_policy("desc"), &build) == "build-0001");

  BOOST_TEST(latest(tags, alphabetical_policy("desc")) == "1.0.0");
  BOOST_TEST(latest(tags, alphabetical_policy("asc")) == "latest");
}

BOOST_AUTO_TEST_CASE(go_1_22_named_group_syntax) {
  const auto tags = conformance_tags();
  const tag_filter build = filter("^build-(?<n>[0-9]+)$", "${n}");
  BOOST_TEST(latest(tags, numerical_policy("asc"), &build) == "build-1500");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(each_error_is_distinct_and_names_the_culprit) {
  const auto tags = conformance_tags();
  std::set<std::string> codes;

  auto range = selector::semver(">=1.0.0 <");
  BOOST_TEST_REQUIRE(!range.ok());
  BOOST_TEST(range.error().message == "invalid policy: improper constraint: \">=1.0.0 <\"");
  codes.insert(range.error().code);

  auto pattern = tag_filter::compile("^build-(", "");
  BOOST_TEST_REQUIRE(!pattern.ok());
  BOOST_TEST(pattern.error().message.rfind("failed to filter tags: invalid regular expression pattern '^build-(': "
                                           "error parsing regexp: missing closing ): `",
                                           0) == 0);
  codes.insert(pattern.error().code);

  auto extract = tag_filter::compile("^build-(?P<n>[0-9]+)$", "$num");
  BOOST_TEST_REQUIRE(!extract.ok());
  BOOST_TEST(extract.error().message ==
             "failed to filter tags: extract '$num' refers to capture group 'num', which pattern "
             "'^build-(?P<n>[0-9]+)$' does not define");
  codes.insert(extract.error().code);

  auto order = selector::numerical("up");
  BOOST_TEST_REQUIRE(!order.ok());
  codes.insert(order.error().code);

  auto none = make_selector(policy_choice{});
  BOOST_TEST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().message == "invalid policy: given ImagePolicyChoice object is invalid");
  codes.insert(none.error().code);

  for (const auto& e : {range.error(), pattern.error(), extract.error(), order.error(), none.error()}) {
    BOOST_TEST(is_invalid_policy(e));
  }

  auto numeric = failure(tags, numerical_policy("asc"));
  BOOST_TEST(numeric.message == "failed to parse invalid numeric value '1.0.0'");
  BOOST_TEST(!is_invalid_policy(numeric));
  codes.insert(numeric.code);

  const tag_filter version_part = filter(R"(^(\d+)\.)", "$1.x");
  auto extracted = failure(tags, numerical_policy("asc"), &version_part);
  BOOST_TEST(extracted.message == "failed to parse invalid numeric value '1.x' (extracted from tag '1.2.3')");

  const tag_filter nothing = filter("^release-", "");
  auto empty = failure(tags, semver_policy("*"), &nothing);
  BOOST_TEST(empty.message == "version list argument cannot be empty");
  BOOST_TEST(!is_invalid_policy(empty));
  codes.insert(empty.code);

  auto unmatched = failure(tags, semver_policy(">=3.0.0"));
  BOOST_TEST(unmatched.message == "unable to determine latest version from provided list");
  BOOST_TEST(!is_invalid_policy(unmatched));
  codes.insert(unmatched.code);

  BOOST_TEST(codes.size() == 8u);  // every kind of failure has its own code
}

BOOST_AUTO_TEST_CASE(extract_numbered_group_out_of_range) {
  auto e = tag_filter::compile(R"(^v(\d+)$)", "$2");
  BOOST_TEST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().code == "InvalidExtract");
  BOOST_TEST(e.error().message.find("capture group '2'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(make_selector_takes_the_first_policy_present) {
  policy_choice both;
  both.alphabetical_order = "desc";
  both.numerical_order = "bogus";
  auto s = make_selector(both);
  BOOST_TEST_REQUIRE(s.ok());
  BOOST_TEST((s->kind() == policy_kind::alphabetical));
  BOOST_TEST((s->order() == sort_order::descending));
  policy_choice semver;
  semver.semver_range = "1.0.x";
  semver.alphabetical_order = "asc";
  auto t = make_selector(semver);
  BOOST_TEST_REQUIRE(t.ok());
  BOOST_TEST((t->kind() == policy_kind::semver));
  BOOST_TEST(t->range() != nullptr);
}

BOOST_AUTO_TEST_CASE(hostile_tags_do_not_crash) {
  std::vector<std::string> tags = {"", std::string(4096, '9'), std::string("1.2.3\0x", 7), "\xff\xfe", "1.2.3-" + std::string(500, 'a'),
                                   "18446744073709551616.0.0", "v", "."};
  BOOST_TEST(latest(tags, semver_policy("*-0")) == "1.2.3-" + std::string(500, 'a'));
  BOOST_TEST(latest(tags, alphabetical_policy("asc")) == "\xff\xfe");
  BOOST_TEST(failure(tags, numerical_policy("asc")).code == "NonNumericTag");
  const tag_filter any = filter("(.*)", "$1$1");
  BOOST_TEST(select_latest(tags, &any, alphabetical_policy("desc")).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(go_regexp_compat)

BOOST_AUTO_TEST_CASE(expand_template_like_go) {
  const tag_filter f = filter(R"(^(?P<major>\d+)\.(?P<minor>\d+)(-(?P<pre>\w+))?$)", "");
  struct expand_case {
    const char* tag;
    const char* extract;
    const char* expected;
  };
  const std::vector<expand_case> cases = {
      {"1.2", "$major", "1"},
      {"1.2", "${major}x", "1x"},
      {"1.2", "$major.$minor", "1.2"},  // '.' ends a name
      {"1.2", "$$major", "$major"},     // "$$" is a literal '$'
      {"1.2", "cost: $", "cost: $"},    // a lone '$' stays
      {"1.2", "${major", "${major"},    // unclosed brace: literal
      {"1.2", "$1-$2", "1-2"},
      {"1.2", "$0", "1.2"},             // the whole match
      {"1.2", "[$pre]", "[]"},          // a group that did not take part is empty
      {"1.2-rc", "[$pre]", "[rc]"},
      {"1.2-rc", "$4", "rc"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.tag << " with " << c.extract) {
      auto g = tag_filter::compile(f.pattern(), c.extract);
      BOOST_TEST_REQUIRE(g.ok());
      std::string v;
      BOOST_TEST_REQUIRE(g->apply(c.tag, v));
      BOOST_TEST(v == c.expected);
    }
  }
  // Go reads "$1x" as the group named "1x" and "$01" as the group named "01": not defined here.
  BOOST_TEST(!tag_filter::compile(f.pattern(), "$1x").ok());
  BOOST_TEST(!tag_filter::compile(f.pattern(), "$01").ok());
  BOOST_TEST(!tag_filter::compile(f.pattern(), "$major\xc3\xa9").ok());  // letters go on past ASCII
  BOOST_TEST(tag_filter::compile(f.pattern(), "$major\xe2\x82\xac").ok());  // '€' is not a letter
}

BOOST_AUTO_TEST_CASE(named_group_rewrite_respects_syntax) {
  std::string v;
  // Inside a class "(?<x>" is just characters: no 'P' gets added to the class.
  const tag_filter cls = filter("^[(?<x>]+$", "");
  BOOST_TEST(cls.apply("x<", v));
  BOOST_TEST(!cls.apply("P", v));
  // An escaped parenthesis is a literal '(' made optional by '?'.
  const tag_filter esc = filter(R"(^\(?<n>$)", "");
  BOOST_TEST(esc.apply("<n>", v));
  BOOST_TEST(esc.apply("(<n>", v));
  // \Q…\E is literal text.
  const tag_filter quoted = filter(R"(^\Q(?<n>\E$)", "");
  BOOST_TEST(quoted.apply("(?<n>", v));
  // Look-behind stays unsupported, as in Go.
  auto lb = tag_filter::compile("(?<=a)b", "");
  BOOST_TEST_REQUIRE(!lb.ok());
  BOOST_TEST(lb.error().message.find("invalid or unsupported Perl syntax") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(go_error_wording) {
  auto e = tag_filter::compile("a**", "");
  BOOST_TEST_REQUIRE(!e.ok());
  BOOST_TEST(e.error().message.find("error parsing regexp: invalid nested repetition operator: `**`") != std::string::npos);
  auto b = tag_filter::compile("[z-a]", "");
  BOOST_TEST_REQUIRE(!b.ok());
  BOOST_TEST(b.error().message.find("invalid character class range: `z-a`") != std::string::npos);
  auto t = tag_filter::compile("abc\\", "");
  BOOST_TEST_REQUIRE(!t.ok());
  BOOST_TEST(t.error().message.find("trailing backslash at end of expression") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unanchored_search_like_go) {
  const tag_filter f = filter("main-", "");
  std::string v;
  BOOST_TEST(f.apply("feature-main-abc", v));
  BOOST_TEST(v == "feature-main-abc");
  BOOST_TEST(!f.apply("mai", v));
}

BOOST_AUTO_TEST_SUITE_END()
