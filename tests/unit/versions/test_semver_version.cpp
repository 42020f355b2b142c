// Versions: the tables of Masterminds/semver's version_test.go (v3, CoerceNewVersion=true, the
// default Flux runs with) and of fluxcd/pkg/version's TestParseVersion.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "adapters/oci/semver.hpp"

using namespace fluxaws::oci::semver;

namespace {
struct accept_case {
  const char* text;
  bool error;
};
version must(std::string_view s) {
  auto v = parse_version(s);
  BOOST_REQUIRE_MESSAGE(v.ok(), "parse " << s);
  return v.value();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(semver_version)

BOOST_AUTO_TEST_CASE(strict_new_version_table) {
  const std::vector<accept_case> cases = {
      {"1.2.3", false}, {"1.2.3-alpha.01", true}, {"1.2.3+test.01", false}, {"1.2.3-alpha.-1", false},
      {"v1.2.3", true}, {"1.0", true}, {"v1.0", true}, {"1", true}, {"v1", true}, {"1.2", true},
      {"1.2.beta", true}, {"v1.2.beta", true}, {"foo", true}, {"1.2-5", true}, {"v1.2-5", true},
      {"1.2-beta.5", true}, {"v1.2-beta.5", true}, {"\n1.2", true}, {"\nv1.2", true},
      {"1.2.0-x.Y.0+metadata", false}, {"v1.2.0-x.Y.0+metadata", true},
      {"1.2.0-x.Y.0+metadata-width-hypen", false}, {"v1.2.0-x.Y.0+metadata-width-hypen", true},
      {"1.2.3-rc1-with-hypen", false}, {"1.2.3-0abc123", false}, {"1.2.3-beta.01", true},
      {"v1.2.3-rc1-with-hypen", true}, {"1.2.3.4", true}, {"v1.2.3.4", true}, {"1.2.2147483648", false},
      {"1.2147483648.3", false}, {"2147483648.3.0", false}, {"20221209-update-renovatejson-v4", true},
      {"1.1.2+.123", true}, {"1.0.0-alpha_beta", true}, {"1.0.0-alpha..", true}, {"1.0.0-alpha..1", true},
      {"01.1.1", true}, {"1.01.1", true}, {"1.1.01", true}, {"9.8.7+meta+meta", true},
      {"1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true}, {"1.2.3-0123", true}, {"1.2.3-0123.0123", true},
      {"+invalid", true}, {"-invalid", true}, {"-invalid.01", true}, {"alpha+beta", true},
      {"1.2.3-alpha_beta+foo", true}, {"1.0.0-alpha..1", true},
      // Not in Masterminds' table; follow from StrictNewVersion's steps.
      {"", true}, {"18446744073709551616.0.0", true}, {"18446744073709551615.0.0", false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("version " << '"' << c.text << '"') {
      BOOST_TEST(parse_strict_version(c.text).ok() == !c.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(new_version_table_loose) {
  const std::vector<accept_case> cases = {
      {"1.2.3", false}, {"1.2.3-alpha.01", true}, {"1.2.3+test.01", false}, {"1.2.3-alpha.-1", false},
      {"v1.2.3", false}, {"1.0", false}, {"v1.0", false}, {"1", false}, {"v1", false}, {"1.2.beta", true},
      {"v1.2.beta", true}, {"foo", true}, {"1.2-5", false}, {"v1.2-5", false}, {"1.2-beta.5", false},
      {"v1.2-beta.5", false}, {"\n1.2", true}, {"\nv1.2", true}, {"1.2.0-x.Y.0+metadata", false},
      {"v1.2.0-x.Y.0+metadata", false}, {"1.2.0-x.Y.0+metadata-width-hypen", false},
      {"v1.2.0-x.Y.0+metadata-width-hypen", false}, {"1.2.3-rc1-with-hypen", false},
      {"v1.2.3-rc1-with-hypen", false}, {"1.2.3-0abc123", false}, {"1.2.3-beta.01", true}, {"1.2.3.4", true},
      {"v1.2.3.4", true}, {"1.2.2147483648", false}, {"1.2147483648.3", false}, {"2147483648.3.0", false},
      {"12.3.4.1234", true}, {"12.23.4.1234", true}, {"12.3.34.1234", true},
      {"20221209-update-renovatejson-v4", false}, {"1.1.2+.123", true}, {"1.0.0-alpha_beta", true},
      {"1.0.0-alpha..", true}, {"1.0.0-alpha..1", true}, {"9.8.7+meta+meta", true},
      {"1.2.31----RC-SNAPSHOT.12.09.1--.12+788", true},
      // Leading zeros are coerced (calendar versions such as 2025.02.03).
      {"01.1.1", false}, {"1.01.1", false}, {"1.1.01", false},
      // Not in Masterminds' table; follow from the loose expression.
      {"", true}, {"V1.2.3", true}, {"v", true}, {"1.", true}, {"1..2", true}, {"1.2.3-", true},
      {"1.2.3+", true}, {"1.2.3-a.", true}, {" 1.2.3", true}, {"1.2.3 ", true}, {"vv1", true},
      {"18446744073709551616", true}, {"1.18446744073709551615", false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("version " << '"' << c.text << '"') {
      BOOST_TEST(parse_version(c.text).ok() == !c.error);
    }
  }
}

BOOST_AUTO_TEST_CASE(new_version_error_kinds) {
  // TestNewVersionCheckError's inputs, with the kinds the coercing parser reports.
  version v;
  BOOST_TEST((parse_version_into("1.2.3-dev.1+meta.01", v) == version_error::none));
  BOOST_TEST((parse_version_into("1.2.3-de-v.1", v) == version_error::none));
  BOOST_TEST((parse_version_into("1.02.3", v) == version_error::none));
  BOOST_TEST((parse_version_into("1.2.3-dev..1", v) == version_error::invalid));
  BOOST_TEST((parse_version_into("1.2.3-dev.01", v) == version_error::segment_starts_zero));
  BOOST_TEST((parse_version_into("1.2.3-023658", v) == version_error::segment_starts_zero));
  BOOST_TEST((parse_version_into("99999999999999999999.0.0", v) == version_error::out_of_range));
  BOOST_TEST((parse_strict_version_into("", v) == version_error::empty));
  BOOST_TEST((parse_strict_version_into("1.2.x", v) == version_error::invalid_characters));
  BOOST_TEST((parse_strict_version_into("1.02.3", v) == version_error::segment_starts_zero));
}

BOOST_AUTO_TEST_CASE(errors_name_the_text) {
  auto r = parse_version("1.2.beta");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == "InvalidVersion");
  BOOST_TEST(r.error().message == "invalid semantic version \"1.2.beta\": invalid semantic version");
  auto z = parse_version("1.2.3-beta.01");
  BOOST_REQUIRE(!z.ok());
  BOOST_TEST(z.error().message == "invalid semantic version \"1.2.3-beta.01\": version segment starts with 0");
}

BOOST_AUTO_TEST_CASE(validate_prerelease_and_metadata) {
  // TestValidatePrerelease / TestValidateMetadata, through the strict parser that calls them.
  version v;
  BOOST_TEST((parse_strict_version_into("1.2.3-foo", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into("1.2.3-alpha.1", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into("1.2.3-alpha.01", v) == version_error::segment_starts_zero));
  BOOST_TEST((parse_strict_version_into("1.2.3-foo\xe2\x98\x83\xef\xb8\x8e", v) == version_error::invalid_prerelease));
  BOOST_TEST((parse_strict_version_into("1.2.3-alpha.0-1", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into("1.2.3+foo", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into("1.2.3+alpha.01", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into("1.2.3+foo\xe2\x98\x83\xef\xb8\x8e", v) == version_error::invalid_metadata));
  BOOST_TEST((parse_strict_version_into("1.2.3+alpha.0-1", v) == version_error::none));
  BOOST_TEST((parse_strict_version_into(
                  "1.2.3+al-pha.1Phe70CgWe050H9K1mJwRUqTNQXZRERwLOEg37wpXUb4JgzgaD5YkL52ABnoyiE", v) ==
              version_error::none));
}

BOOST_AUTO_TEST_CASE(original_is_kept) {
  for (const char* s : {"1.2.3", "v1.2.3", "1.0", "v1.0", "1", "v1", "1.2-5", "v1.2-5", "1.2-beta.5", "v1.2-beta.5",
                        "1.2.0-x.Y.0+metadata", "v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata-width-hypen",
                        "v1.2.0-x.Y.0+metadata-width-hypen", "1.2.3-rc1-with-hypen", "v1.2.3-rc1-with-hypen"}) {
    BOOST_TEST(must(s).original == s);
  }
}

BOOST_AUTO_TEST_CASE(parts) {
  const version v = must("1.2.3-beta.1+build.123");
  BOOST_TEST(v.major == 1u);
  BOOST_TEST(v.minor == 2u);
  BOOST_TEST(v.patch == 3u);
  BOOST_TEST(v.prerelease == "beta.1");
  BOOST_TEST(v.metadata == "build.123");
}

BOOST_AUTO_TEST_CASE(coerce_string) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"1.2.3", "1.2.3"},
      {"v1.2.3", "1.2.3"},
      {"1.0", "1.0.0"},
      {"v1.0", "1.0.0"},
      {"1", "1.0.0"},
      {"v1", "1.0.0"},
      {"1.2-5", "1.2.0-5"},
      {"v1.2-5", "1.2.0-5"},
      {"1.2-beta.5", "1.2.0-beta.5"},
      {"v1.2-beta.5", "1.2.0-beta.5"},
      {"1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"},
      {"v1.2.0-x.Y.0+metadata", "1.2.0-x.Y.0+metadata"},
      {"1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"},
      {"v1.2.0-x.Y.0+metadata-width-hypen", "1.2.0-x.Y.0+metadata-width-hypen"},
      {"1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"},
      {"v1.2.3-rc1-with-hypen", "1.2.3-rc1-with-hypen"},
      {"2025.02.03", "2025.2.3"},  // leading zeros coerced
  };
  for (const auto& [in, out] : cases) BOOST_TEST(must(in).to_string() == out);
}

BOOST_AUTO_TEST_CASE(compare_table) {
  struct cmp_case {
    const char *a, *b;
    int expected;
  };
  const std::vector<cmp_case> cases = {
      {"1.2.3", "1.5.1", -1}, {"2.2.3", "1.5.1", 1}, {"2.2.3", "2.2.2", 1}, {"3.2-beta", "3.2-beta", 0},
      {"1.3", "1.1.4", 1}, {"4.2", "4.2-beta", 1}, {"4.2-beta", "4.2", -1}, {"4.2-alpha", "4.2-beta", -1},
      {"4.2-alpha", "4.2-alpha", 0}, {"4.2-beta.2", "4.2-beta.1", 1}, {"4.2-beta2", "4.2-beta1", 1},
      {"4.2-beta", "4.2-beta.2", -1}, {"4.2-beta", "4.2-beta.foo", -1}, {"4.2-beta.2", "4.2-beta", 1},
      {"4.2-beta.foo", "4.2-beta", 1}, {"1.2+bar", "1.2+baz", 0}, {"1.0.0-beta.4", "1.0.0-beta.-2", -1},
      {"1.0.0-beta.-2", "1.0.0-beta.-3", -1}, {"1.0.0-beta.-3", "1.0.0-beta.5", 1},
      // SemVer 2.0 §11 example chain, and numeric identifiers compared as numbers.
      {"1.0.0-alpha", "1.0.0-alpha.1", -1}, {"1.0.0-alpha.1", "1.0.0-alpha.beta", -1},
      {"1.0.0-alpha.beta", "1.0.0-beta", -1}, {"1.0.0-beta", "1.0.0-beta.2", -1},
      {"1.0.0-beta.2", "1.0.0-beta.11", -1}, {"1.0.0-beta.11", "1.0.0-rc.1", -1}, {"1.0.0-rc.1", "1.0.0", -1},
      {"1.0.0-rc.10", "1.0.0-rc.9", 1}, {"1.0.0-BETA", "1.0.0-alpha", -1},
      // An identifier too large for 64 bits is alphanumeric for Masterminds (ParseUint fails).
      {"1.0.0-99999999999999999999", "1.0.0-5", 1}, {"1.0.0-99999999999999999999", "1.0.0-a", -1},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.a << " vs " << c.b) {
      BOOST_TEST(compare(must(c.a), must(c.b)) == c.expected);
      BOOST_TEST(compare(must(c.b), must(c.a)) == -c.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(less_greater_equal_tables) {
  BOOST_TEST(less(must("1.2.3"), must("1.5.1")));
  BOOST_TEST(!less(must("2.2.3"), must("1.5.1")));
  BOOST_TEST(!less(must("3.2-beta"), must("3.2-beta")));
  BOOST_TEST(compare(must("1.5.1"), must("1.5.1")) <= 0);  // LessThanEqual
  BOOST_TEST(!greater(must("1.2.3"), must("1.5.1")));
  BOOST_TEST(greater(must("2.2.3"), must("1.5.1")));
  BOOST_TEST(!greater(must("3.2-beta"), must("3.2-beta")));
  BOOST_TEST(!greater(must("3.2.0-beta.1"), must("3.2.0-beta.5")));
  BOOST_TEST(greater(must("3.2-beta.4"), must("3.2-beta.2")));
  BOOST_TEST(!greater(must("7.43.0-SNAPSHOT.99"), must("7.43.0-SNAPSHOT.103")));
  BOOST_TEST(greater(must("7.43.0-SNAPSHOT.FOO"), must("7.43.0-SNAPSHOT.103")));
  BOOST_TEST(!greater(must("7.43.0-SNAPSHOT.99"), must("7.43.0-SNAPSHOT.BAR")));
  BOOST_TEST(!equivalent(must("1.2.3"), must("1.5.1")));
  BOOST_TEST(equivalent(must("3.2-beta"), must("3.2-beta")));
  BOOST_TEST(equivalent(must("3.2-beta+foo"), must("3.2-beta+bar")));  // metadata is ignored
}

BOOST_AUTO_TEST_CASE(flux_parse_version_table) {
  // fluxcd/pkg/version TestParseVersion: at least two dots, then NewVersion.
  const std::vector<accept_case> cases = {
      {"v1.2.3", false}, {"v2025.07.03", false}, {"v1.0", true}, {"v1", true}, {"v1.2.beta", true},
      {"v1.2-5", true}, {"v1.2-beta5", true}, {"\nv1.2", true}, {"v1.2.0-x.Y.0+metadata", false},
      {"v1.2.0-x.Y.0+metadata-width-hypen", false}, {"v1.2.3-rc1-with-hypen", false}, {"v1.2.3.4", true},
      // Two dots anywhere are enough for the first check: "1.2-rc.1" is 1.2.0-rc.1.
      {"1.2-rc.1", false}, {"latest", true}, {"build-0001", true},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("tag " << '"' << c.text << '"') { BOOST_TEST(parse_tag_version(c.text).ok() == !c.error); }
  }
}

BOOST_AUTO_TEST_CASE(parse_into_reuses_and_resets) {
  version v;
  BOOST_REQUIRE((parse_version_into("1.2.3-rc.1+b.7", v) == version_error::none));
  BOOST_REQUIRE((parse_version_into("4.5", v) == version_error::none));
  BOOST_TEST(v.to_string() == "4.5.0");
  BOOST_TEST(v.prerelease.empty());
  BOOST_TEST(v.metadata.empty());
  BOOST_TEST(v.original == "4.5");
}

BOOST_AUTO_TEST_SUITE_END()
