// Ignore rules: go-git v5's gitignore pattern/matcher tables (as copied into
// fluxcd/pkg/sourceignore/gitignore), fluxcd/pkg/sourceignore's tables, Flux's default
// exclusions, nested .sourceignore files, and the Bucket key rules.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "adapters/archive/ignore_matcher.hpp"
#include "adapters/archive/ignore_pattern.hpp"
#include "adapters/archive/source_ignore.hpp"
#include "adapters/common/strings.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::archive;
using fluxaws::testing::scratch_dir;
using fluxaws::testing::write_file;

namespace {

std::vector<std::string_view> parts(const std::vector<std::string>& v) {
  return std::vector<std::string_view>(v.begin(), v.end());
}

struct pattern_case {
  const char* test;  // go-git's test name
  const char* pattern;
  std::vector<std::string> domain;
  std::vector<std::string> path;
  bool is_dir;
  match_result want;
};

constexpr auto EX = match_result::exclude;
constexpr auto IN = match_result::include;
constexpr auto NO = match_result::no_match;

// plumbing/format/gitignore/pattern_test.go (go-git v5.16.4), one row per test.
const std::vector<pattern_case> go_git_pattern_tests = {
    {"SimpleMatch_inclusion", "!vul?ano", {}, {"value", "vulkano", "tail"}, false, IN},
    {"Match_domainLonger_mismatch", "value", {"head", "middle", "tail"}, {"head", "middle"}, false, NO},
    {"Match_domainSameLength_mismatch", "value", {"head", "middle", "tail"}, {"head", "middle", "tail"}, false, NO},
    {"Match_domainMismatch_mismatch", "value", {"head", "middle", "tail"}, {"head", "middle", "_tail_", "value"}, false, NO},
    {"SimpleMatch_withDomain", "middle/", {"value", "volcano"}, {"value", "volcano", "middle", "tail"}, false, EX},
    {"SimpleMatch_onlyMatchInDomain_mismatch", "volcano/", {"value", "volcano"}, {"value", "volcano", "tail"}, true, NO},
    {"SimpleMatch_atStart", "value", {}, {"value", "tail"}, false, EX},
    {"SimpleMatch_inTheMiddle", "value", {}, {"head", "value", "tail"}, false, EX},
    {"SimpleMatch_atEnd", "value", {}, {"head", "value"}, false, EX},
    {"SimpleMatch_atStart_dirWanted", "value/", {}, {"value", "tail"}, false, EX},
    {"SimpleMatch_inTheMiddle_dirWanted", "value/", {}, {"head", "value", "tail"}, false, EX},
    {"SimpleMatch_atEnd_dirWanted", "value/", {}, {"head", "value"}, true, EX},
    {"SimpleMatch_atEnd_dirWanted_notADir_mismatch", "value/", {}, {"head", "value"}, false, NO},
    {"SimpleMatch_mismatch", "value", {}, {"head", "val", "tail"}, false, NO},
    {"SimpleMatch_valueLonger_mismatch", "val", {}, {"head", "value", "tail"}, false, NO},
    {"SimpleMatch_withAsterisk", "v*o", {}, {"value", "vulkano", "tail"}, false, EX},
    {"SimpleMatch_withQuestionMark", "vul?ano", {}, {"value", "vulkano", "tail"}, false, EX},
    {"SimpleMatch_magicChars", "v[ou]l[kc]ano", {}, {"value", "volcano"}, false, EX},
    {"SimpleMatch_wrongPattern_mismatch", "v[ou]l[", {}, {"value", "vol["}, false, NO},
    {"GlobMatch_fromRootWithSlash", "/value/vul?ano", {}, {"value", "vulkano", "tail"}, false, EX},
    {"GlobMatch_withDomain", "middle/tail/", {"value", "volcano"}, {"value", "volcano", "middle", "tail"}, true, EX},
    {"GlobMatch_onlyMatchInDomain_mismatch", "volcano/tail", {"value", "volcano"}, {"value", "volcano", "tail"}, false, NO},
    {"GlobMatch_fromRootWithoutSlash", "value/vul?ano", {}, {"value", "vulkano", "tail"}, false, EX},
    {"GlobMatch_fromRoot_mismatch", "value/vulkano", {}, {"value", "volcano"}, false, NO},
    {"GlobMatch_fromRoot_tooShort_mismatch", "value/vul?ano", {}, {"value"}, false, NO},
    {"GlobMatch_fromRoot_notAtRoot_mismatch", "/value/volcano", {}, {"value", "value", "volcano"}, false, NO},
    {"GlobMatch_leadingAsterisks_atStart", "**/*lue/vol?ano", {}, {"value", "volcano", "tail"}, false, EX},
    {"GlobMatch_leadingAsterisks_notAtStart", "**/*lue/vol?ano", {}, {"head", "value", "volcano", "tail"}, false, EX},
    {"GlobMatch_leadingAsterisks_mismatch", "**/*lue/vol?ano", {}, {"head", "value", "Volcano", "tail"}, false, NO},
    {"GlobMatch_leadingAsterisks_isDir", "**/*lue/vol?ano/", {}, {"head", "value", "volcano", "tail"}, false, EX},
    {"GlobMatch_leadingAsterisks_isDirAtEnd", "**/*lue/vol?ano/", {}, {"head", "value", "volcano"}, true, EX},
    {"GlobMatch_leadingAsterisks_isDir_mismatch", "**/*lue/vol?ano/", {}, {"head", "value", "Colcano"}, true, NO},
    {"GlobMatch_leadingAsterisks_isDirNoDirAtEnd_mismatch", "**/*lue/vol?ano/", {}, {"head", "value", "volcano"}, false, NO},
    {"GlobMatch_tailingAsterisks", "/*lue/vol?ano/**", {}, {"value", "volcano", "tail", "moretail"}, false, EX},
    {"GlobMatch_tailingAsterisks_exactMatch", "/*lue/vol?ano/**", {}, {"value", "volcano"}, false, EX},
    {"GlobMatch_middleAsterisks_emptyMatch", "/*lue/**/vol?ano", {}, {"value", "volcano"}, false, EX},
    {"GlobMatch_middleAsterisks_oneMatch", "/*lue/**/vol?ano", {}, {"value", "middle", "volcano"}, false, EX},
    {"GlobMatch_middleAsterisks_multiMatch", "/*lue/**/vol?ano", {}, {"value", "middle1", "middle2", "volcano"}, false, EX},
    {"GlobMatch_middleAsterisks_isDir_trailing", "/*lue/**/vol?ano/", {}, {"value", "middle1", "middle2", "volcano"}, true, EX},
    {"GlobMatch_middleAsterisks_isDir_trailing_mismatch", "/*lue/**/vol?ano/", {}, {"value", "middle1", "middle2", "volcano"}, false, NO},
    {"GlobMatch_middleAsterisks_isDir", "/*lue/**/vol?ano/", {}, {"value", "middle1", "middle2", "volcano", "tail"}, false, EX},
    {"GlobMatch_wrongDoubleAsterisk_mismatch", "/*lue/**foo/vol?ano", {}, {"value", "foo", "volcano", "tail"}, false, NO},
    {"GlobMatch_magicChars", "**/head/v[ou]l[kc]ano", {}, {"value", "head", "volcano"}, false, EX},
    {"GlobMatch_wrongPattern_noTraversal_mismatch", "**/head/v[ou]l[", {}, {"value", "head", "vol["}, false, NO},
    {"GlobMatch_wrongPattern_onTraversal_mismatch", "/value/**/v[ou]l[", {}, {"value", "head", "vol["}, false, NO},
    {"GlobMatch_issue_923", "**/android/**/GeneratedPluginRegistrant.java", {},
     {"packages", "flutter_tools", "lib", "src", "android", "gradle.dart"}, false, NO},
};

const char* name_of(match_result r) { return r == EX ? "Exclude" : r == IN ? "Include" : "NoMatch"; }

bool matches(const ignore_matcher& m, std::string_view path, bool is_dir = false) { return m.match_path(path, is_dir); }

}  // namespace

BOOST_AUTO_TEST_SUITE(ignore_rules)

BOOST_AUTO_TEST_CASE(go_git_pattern_table) {
  BOOST_TEST(go_git_pattern_tests.size() == 46u);
  for (const auto& c : go_git_pattern_tests) {
    auto p = ignore_pattern::parse(c.pattern, c.domain);
    auto path = parts(c.path);
    auto got = p.match(path, c.is_dir);
    BOOST_TEST((got == c.want), "Test" << c.test << ": got " << name_of(got) << ", want " << name_of(c.want));
  }
}

BOOST_AUTO_TEST_CASE(go_git_matcher_last_match_wins) {
  ignore_matcher m({ignore_pattern::parse("**/middle/v[uo]l?ano"), ignore_pattern::parse("!volcano")});
  BOOST_TEST(matches(m, "head/middle/vulkano"));
  BOOST_TEST(!matches(m, "head/middle/volcano"));
}

BOOST_AUTO_TEST_CASE(parse_details) {
  // Trailing spaces are dropped unless escaped; the escaped space then matches a space.
  auto trailing = ignore_pattern::parse("foo   ");
  std::vector<std::string_view> foo{"foo"};
  BOOST_TEST((trailing.match(foo, false) == EX));
  auto escaped = ignore_pattern::parse("foo\\ ");
  std::vector<std::string_view> foo_space{"foo "};
  BOOST_TEST((escaped.match(foo_space, false) == EX));
  BOOST_TEST((escaped.match(foo, false) == NO));
  // "\!" and "\#" match a literal '!' / '#'.
  auto bang = ignore_pattern::parse("\\!important");
  std::vector<std::string_view> bang_path{"!important"};
  BOOST_TEST((bang.match(bang_path, false) == EX));
  BOOST_TEST(!bang.inclusion());
  ignore_matcher hash(sourceignore::read_patterns("\\#notes\n#comment\n"));
  BOOST_TEST(hash.patterns().size() == 1u);
  BOOST_TEST(matches(hash, "#notes"));
  BOOST_TEST(!matches(hash, "comment"));
  // Character classes and '?' per component; '*' never crosses a '/'.
  ignore_matcher classes(sourceignore::read_patterns("*.y[a]ml\nfile?.txt\n"));
  BOOST_TEST(matches(classes, "deep/dir/x.yaml"));
  BOOST_TEST(!matches(classes, "x.yml"));
  BOOST_TEST(matches(classes, "file1.txt"));
  BOOST_TEST(!matches(classes, "file12.txt"));
}

// fluxcd/pkg/sourceignore TestReadPatterns.
BOOST_AUTO_TEST_CASE(flux_read_patterns) {
  {
    ignore_matcher m(sourceignore::read_patterns("ignore-dir/*\n!ignore-dir/include\n"));
    BOOST_TEST(matches(m, "ignore-dir/file.yaml"));
    BOOST_TEST(!matches(m, "file.yaml"));
    BOOST_TEST(!matches(m, "ignore-dir/include"));
  }
  {
    ignore_matcher m(sourceignore::read_patterns("ignore-dir/*\n# !ignore-dir/include"));
    BOOST_TEST(matches(m, "ignore-dir/file.yaml"));
    BOOST_TEST(matches(m, "ignore-dir/include"));
  }
  {
    ignore_matcher m(sourceignore::read_patterns("ignore-dir/*", {"domain", "scoped"}));
    BOOST_TEST(matches(m, "domain/scoped/ignore-dir/file.yaml"));
    BOOST_TEST(!matches(m, "ignore-dir/file.yaml"));
  }
  // CRLF line ends and blank lines.
  BOOST_TEST(sourceignore::read_patterns("a\r\n\r\n   \n\tb\n").size() == 2u);
}

// fluxcd/pkg/sourceignore TestVCSPatterns and TestDefaultPatterns.
BOOST_AUTO_TEST_CASE(flux_default_exclusions) {
  auto m = sourceignore::default_matcher({});
  for (auto p : {".git/config", ".gitignore", "image.jpg", "archive.tar.gz", ".github/workflows/workflow.yaml",
                 "subdir/.flux.yaml", "subdir2/.sops.yaml"}) {
    BOOST_TEST(matches(m, p), p);
  }
  for (auto p : {"workload.yaml", "workload.yml", "simple.txt"}) BOOST_TEST(!matches(m, p), p);

  auto scoped = sourceignore::default_matcher({}, {"directory"});
  for (auto p : {"directory/.git/config", "directory/.gitignore", "directory/image.jpg", "directory/archive.tar.gz"}) {
    BOOST_TEST(matches(scoped, p), p);
  }
  for (auto p : {"other/.git/config", "other/image.jpg", "other/archive.tar.gz"}) BOOST_TEST(!matches(scoped, p), p);

  auto negated = sourceignore::default_matcher({ignore_pattern::parse("!*.jpg")});
  BOOST_TEST(!matches(negated, "image.jpg"));
}

// storage.SourceIgnoreFilter: with no patterns the full default list applies; with any
// pattern only the VCS list is kept underneath.
BOOST_AUTO_TEST_CASE(directory_filter_defaults_depend_on_patterns) {
  auto none = sourceignore::directory_filter_matcher({});
  BOOST_TEST(matches(none, "logo.png"));
  BOOST_TEST(matches(none, ".git", true));
  auto some = sourceignore::directory_filter_matcher(sourceignore::read_patterns("secret.txt"));
  BOOST_TEST(!matches(some, "logo.png"));
  BOOST_TEST(matches(some, ".git", true));
  BOOST_TEST(matches(some, ".git/HEAD"));
  BOOST_TEST(matches(some, "secret.txt"));
}

// fluxcd/pkg/sourceignore TestLoadExcludePatterns: root first, then nested files in
// lexical order, each scoped to its directory; .gitignore files are not read.
BOOST_AUTO_TEST_CASE(nested_sourceignore_files) {
  scratch_dir tmp;
  write_file(tmp / ".sourceignore", "root.txt");
  write_file(tmp / "d/.gitignore", "ignored");
  write_file(tmp / "z/.sourceignore", "last.txt");
  write_file(tmp / "a/b/.sourceignore", "subdir.txt");
  write_file(tmp / "e/last.txt", "foo");
  write_file(tmp / "a/c/subdir.txt", "bar");
  write_file(tmp / ".git/.sourceignore", "never-read.txt");

  auto ps = sourceignore::load_ignore_patterns(tmp.path());
  BOOST_REQUIRE(ps.ok());
  std::vector<ignore_pattern> want = {ignore_pattern::parse("root.txt", {}),
                                      ignore_pattern::parse("subdir.txt", {"a", "b"}),
                                      ignore_pattern::parse("last.txt", {"z"})};
  BOOST_TEST((*ps == want));

  auto m = sourceignore::directory_matcher(tmp.path(), std::nullopt);
  BOOST_REQUIRE(m.ok());
  BOOST_TEST(matches(*m, "root.txt"));
  BOOST_TEST(matches(*m, "x/root.txt"));       // no '/': any depth
  BOOST_TEST(matches(*m, "a/b/subdir.txt"));
  BOOST_TEST(matches(*m, "a/b/deep/subdir.txt"));
  BOOST_TEST(!matches(*m, "a/c/subdir.txt"));  // scoped to a/b
  BOOST_TEST(matches(*m, "z/last.txt"));
  BOOST_TEST(!matches(*m, "e/last.txt"));
  BOOST_TEST(!matches(*m, "d/ignored"));
  BOOST_TEST(matches(*m, ".git", true));       // VCS defaults stay underneath
}

BOOST_AUTO_TEST_CASE(spec_ignore_overrides_sourceignore) {
  scratch_dir tmp;
  write_file(tmp / ".sourceignore", "*.yaml\n");
  write_file(tmp / "deploy/app.yaml", "x");
  auto plain = sourceignore::directory_matcher(tmp.path(), std::nullopt);
  BOOST_REQUIRE(plain.ok());
  BOOST_TEST(matches(*plain, "deploy/app.yaml"));
  auto spec = sourceignore::directory_matcher(tmp.path(), std::string_view("!deploy/app.yaml\n"));
  BOOST_REQUIRE(spec.ok());
  BOOST_TEST(!matches(*spec, "deploy/app.yaml"));
  BOOST_TEST(matches(*spec, "deploy/other.yaml"));
}

BOOST_AUTO_TEST_CASE(read_ignore_file_missing_or_oversized) {
  scratch_dir tmp;
  auto missing = sourceignore::read_ignore_file(tmp / "nope");
  BOOST_REQUIRE(missing.ok());
  BOOST_TEST(missing->empty());
  write_file(tmp / "big", std::string(sourceignore::max_ignore_file_bytes + 1, 'a'));
  auto big = sourceignore::read_ignore_file(tmp / "big");
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST(big.error().message.find("big") != std::string::npos);
}

// The Bucket reconciler: root .sourceignore + spec.ignore, no defaults; directory
// markers and the ignore file itself are never part of the artifact.
BOOST_AUTO_TEST_CASE(bucket_keys) {
  auto m = sourceignore::bucket_matcher(std::string_view("*.md\n/private/\n"), std::string_view("!README.md"));
  BOOST_TEST(sourceignore::bucket_key_excluded(m, "docs/guide.md"));
  BOOST_TEST(!sourceignore::bucket_key_excluded(m, "README.md"));
  BOOST_TEST(sourceignore::bucket_key_excluded(m, "private/key.yaml"));
  BOOST_TEST(!sourceignore::bucket_key_excluded(m, "public/private/key.yaml"));  // anchored
  BOOST_TEST(sourceignore::bucket_key_excluded(m, ".sourceignore"));
  BOOST_TEST(sourceignore::bucket_key_excluded(m, "some/dir/"));
  BOOST_TEST(!sourceignore::bucket_key_excluded(m, "logo.png"));     // no default list for buckets
  BOOST_TEST(!sourceignore::bucket_key_excluded(m, ".git/config"));  // nor VCS list
  auto none = sourceignore::bucket_matcher(std::nullopt, std::nullopt);
  BOOST_TEST(!sourceignore::bucket_key_excluded(none, "a/b.yaml"));
}

BOOST_AUTO_TEST_SUITE_END()
