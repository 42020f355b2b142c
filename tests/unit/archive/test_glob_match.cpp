// Go's path/filepath match_test.go table, which glob_match must reproduce exactly.
#include <boost/test/unit_test.hpp>

#include "adapters/archive/glob_match.hpp"

using namespace fluxaws::archive;

namespace {
struct glob_case {
  const char* pattern;
  const char* name;
  glob_result want;
};
constexpr auto M = glob_result::match;
constexpr auto N = glob_result::no_match;
constexpr auto B = glob_result::bad_pattern;

const glob_case go_match_tests[] = {
    {"abc", "abc", M},
    {"*", "abc", M},
    {"*c", "abc", M},
    {"a*", "a", M},
    {"a*", "abc", M},
    {"a*", "ab/c", N},
    {"a*/b", "abc/b", M},
    {"a*/b", "a/c/b", N},
    {"a*b*c*d*e*/f", "axbxcxdxe/f", M},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/f", M},
    {"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", N},
    {"a*b*c*d*e*/f", "axbxcxdxexxx/fff", N},
    {"a*b?c*x", "abxbbxdbxebxczzx", M},
    {"a*b?c*x", "abxbbxdbxebxczzy", N},
    {"ab[c]", "abc", M},
    {"ab[b-d]", "abc", M},
    {"ab[e-g]", "abc", N},
    {"ab[^c]", "abc", N},
    {"ab[^b-d]", "abc", N},
    {"ab[^e-g]", "abc", M},
    {"a\\*b", "a*b", M},
    {"a\\*b", "ab", N},
    {"a?b", "a\u263Ab", M},
    {"a[^a]b", "a\u263Ab", M},
    {"a???b", "a\u263Ab", N},
    {"a[^a][^a][^a]b", "a\u263Ab", N},
    {"[a-\u03B6]*", "\u03B1", M},
    {"*[a-\u03B6]", "A", N},
    {"a?b", "a/b", N},
    {"a*b", "a/b", N},
    {"[\\]a]", "]", M},
    {"[\\-]", "-", M},
    {"[x\\-]", "x", M},
    {"[x\\-]", "-", M},
    {"[x\\-]", "z", N},
    {"[\\-x]", "x", M},
    {"[\\-x]", "-", M},
    {"[\\-x]", "a", N},
    {"[]a]", "]", B},
    {"[-]", "-", B},
    {"[x-]", "x", B},
    {"[x-]", "-", B},
    {"[x-]", "z", B},
    {"[-x]", "x", B},
    {"[-x]", "-", B},
    {"[-x]", "a", B},
    {"\\", "a", B},
    {"[a-b-c]", "a", B},
    {"[", "a", B},
    {"[^", "a", B},
    {"[^bc", "a", B},
    {"a[", "a", B},
    {"a[", "ab", B},
    {"a[", "x", B},
    {"a/b[", "x", B},
    {"*x", "xxx", M},
};

const char* name_of(glob_result r) {
  return r == M ? "match" : r == N ? "no_match" : "bad_pattern";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(glob)

BOOST_AUTO_TEST_CASE(go_filepath_match_table) {
  for (const auto& c : go_match_tests) {
    auto got = glob_match(c.pattern, c.name);
    BOOST_TEST((got == c.want), "Match(" << c.pattern << ", " << c.name << ") = " << name_of(got) << ", want "
                                       << name_of(c.want));
  }
}

BOOST_AUTO_TEST_CASE(invalid_utf8_in_a_class_is_a_bad_pattern) {
  BOOST_TEST((glob_match("[\xff]", "a") == B));
  BOOST_TEST((glob_match("?", "\xff") == M));  // one invalid byte is one rune
  BOOST_TEST((glob_match("", "") == M));
  BOOST_TEST((glob_match("", "a") == N));
}

BOOST_AUTO_TEST_SUITE_END()
