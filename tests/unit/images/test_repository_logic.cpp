// ImageRepository's pure logic: the spec and its checks, the image reference rules,
// canonical names, exclusions, the stored list and its revision, shouldScan.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/imagerepository_scan.hpp"
#include "actors/imagerepository_spec.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
namespace ir = fluxaws::actors::imagerepository;
using namespace std::chrono_literals;

namespace {

json::value object(const std::string& spec_yaml) {
  auto v = yamljson::parse_yaml("apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\n"
                                "metadata: {name: app, namespace: tenant-a}\nspec:\n" +
                                spec_yaml);
  BOOST_REQUIRE(v.ok());
  return *v;
}

ir::exclusions compile(const std::vector<std::string>& patterns) {
  auto e = ir::exclusions::compile(patterns);
  BOOST_REQUIRE(e.ok());
  return *e;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(imagerepository_spec)

BOOST_AUTO_TEST_CASE(defaults_follow_flux) {
  auto s = ir::parse_spec(object("  image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app\n"
                                 "  interval: 5m\n"));
  BOOST_TEST(s.provider == "generic");
  BOOST_TEST(s.interval == std::chrono::milliseconds(5min));
  BOOST_TEST(!s.timeout.has_value());
  BOOST_TEST(ir::timeout_of(s) == std::chrono::milliseconds(5min));  // timeout defaults to the interval
  BOOST_REQUIRE(s.exclusion_list.size() == 1u);
  BOOST_TEST(s.exclusion_list[0] == "^.*\\.sig$");
  // An explicitly empty list is the default too (GetExclusionList).
  auto e = ir::parse_spec(object("  image: a.example/app\n  interval: 1m\n  exclusionList: []\n"));
  BOOST_TEST(e.exclusion_list == std::vector<std::string>{"^.*\\.sig$"});
}

BOOST_AUTO_TEST_CASE(fields_are_read) {
  auto s = ir::parse_spec(object("  image: registry.example:5000/team/app\n  interval: 1h\n  timeout: 30s\n"
                                 "  provider: aws\n  secretRef: {name: regcred}\n  serviceAccountName: flux\n"
                                 "  exclusionList: ['^dev-', 'rc']\n  insecure: true\n  suspend: true\n"));
  BOOST_TEST(s.image == "registry.example:5000/team/app");
  BOOST_TEST(s.provider == "aws");
  BOOST_TEST(s.secret_ref == "regcred");
  BOOST_TEST(s.service_account == "flux");
  BOOST_TEST(s.exclusion_list == (std::vector<std::string>{"^dev-", "rc"}));
  BOOST_TEST(s.insecure);
  BOOST_TEST(s.suspend);
  BOOST_TEST(ir::timeout_of(s) == std::chrono::milliseconds(30s));
}

BOOST_AUTO_TEST_CASE(timeout_is_at_least_a_second) {
  auto s = ir::parse_spec(object("  image: a.example/app\n  interval: 100ms\n"));
  BOOST_TEST(ir::timeout_of(s) == std::chrono::milliseconds(1s));
}

BOOST_AUTO_TEST_CASE(image_reference_rules_and_messages) {
  auto ok = ir::parse_image("111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->registry == "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(ok->repository == "tenant-a/app");

  auto scheme = ir::parse_image("https://registry.example/app");
  BOOST_REQUIRE(!scheme.ok());
  BOOST_TEST(scheme.error().code == "ImageURLInvalid");
  BOOST_TEST(scheme.error().message ==
             "image 'https://registry.example/app' should not include URL scheme; remove 'https://'");

  auto tag = ir::parse_image("registry.example/app:v1");
  BOOST_REQUIRE(!tag.ok());
  BOOST_TEST(tag.error().message == "image 'registry.example/app:v1' should not include a tag; remove ':v1'");

  auto digest = ir::parse_image(
      "registry.example/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  BOOST_REQUIRE(!digest.ok());
  BOOST_TEST(digest.error().message.find("should not include a digest") != std::string::npos);

  auto bad = ir::parse_image("registry.example/App/UPPER");
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().code == "ImageURLInvalid");
  BOOST_TEST(bad.error().message.find("registry.example/App/UPPER") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(canonical_names_as_go_containerregistry) {
  BOOST_TEST(ir::canonical_name(*ir::parse_image("alpine")) == "index.docker.io/library/alpine");
  BOOST_TEST(ir::canonical_name(*ir::parse_image("docker.io/fluxcd/flux")) == "index.docker.io/fluxcd/flux");
  BOOST_TEST(ir::canonical_name(*ir::parse_image("127.0.0.1:5000/tenant-a/app")) == "127.0.0.1:5000/tenant-a/app");
}

BOOST_AUTO_TEST_CASE(validate_stalls_what_cannot_be_retried) {
  auto bad_image = ir::validate(ir::parse_spec(object("  image: registry.example/app:latest\n  interval: 1m\n")));
  BOOST_REQUIRE(bad_image.has_value());
  BOOST_TEST((bad_image->kind == reconcile_error::type::stalling));
  BOOST_TEST(bad_image->reason == "ImageURLInvalid");

  auto gcp = ir::validate(ir::parse_spec(object("  image: gcr.io/p/app\n  interval: 1m\n  provider: gcp\n")));
  BOOST_REQUIRE(gcp.has_value());
  BOOST_TEST(gcp->reason == "InvalidSpec");
  BOOST_TEST(gcp->message.find("'gcp'") != std::string::npos);

  auto cert = ir::validate(
      ir::parse_spec(object("  image: registry.example/app\n  interval: 1m\n  certSecretRef: {name: ca}\n")));
  BOOST_REQUIRE(cert.has_value());
  BOOST_TEST(cert->message.find("certSecretRef") != std::string::npos);

  BOOST_TEST(!ir::validate(ir::parse_spec(object("  image: registry.example/app\n  interval: 1m\n"))).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(imagerepository_scan)

BOOST_AUTO_TEST_CASE(default_exclusion_drops_signatures) {
  auto ex = compile({std::string(ir::default_exclusion)});
  BOOST_TEST(ex.excluded("sha256-abc.sig"));
  BOOST_TEST(!ex.excluded("1.0.0"));
  BOOST_TEST(!ex.excluded("sig"));
}

BOOST_AUTO_TEST_CASE(patterns_match_anywhere_with_go_syntax) {
  auto ex = compile({"rc", "(?<pre>^dev)-"});  // Go 1.22's named group form
  BOOST_TEST(ex.excluded("1.0.0-rc.1"));
  BOOST_TEST(ex.excluded("dev-123"));
  BOOST_TEST(!ex.excluded("1.0.0"));
  BOOST_TEST(!ex.excluded("x-dev-1"));
}

BOOST_AUTO_TEST_CASE(an_invalid_pattern_is_named) {
  auto ex = ir::exclusions::compile({"^ok$", "(unclosed"});
  BOOST_REQUIRE(!ex.ok());
  BOOST_TEST(ex.error().message ==
             "failed to compile regex (unclosed: error parsing regexp: missing closing ): `(unclosed`");
}

BOOST_AUTO_TEST_CASE(stored_list_is_filtered_and_descending) {
  auto ex = compile({std::string(ir::default_exclusion)});
  std::vector<std::string> listed = {"1.0.0", "latest", "sha256-aa.sig", "1.2.3", "bad\ntag", "2.0.0-rc.1", ""};
  auto kept = ir::stored_tag_list(listed, ex);
  BOOST_TEST(kept == (std::vector<std::string>{"latest", "2.0.0-rc.1", "1.2.3", "1.0.0"}));
}

BOOST_AUTO_TEST_CASE(revision_is_sha256_over_lines) {
  std::vector<std::string> tags = {"b", "a"};
  BOOST_TEST(ir::revision(tags) == "sha256:" + digest::sha256_hex("b\na\n"));
  BOOST_TEST(ir::revision({}) == "sha256:" + digest::sha256_hex(""));
  // Order matters: the stored list is sorted first, so a registry's order does not.
  auto ex = compile({std::string(ir::default_exclusion)});
  BOOST_TEST(ir::revision(ir::stored_tag_list({"a", "b", "c"}, ex)) ==
             ir::revision(ir::stored_tag_list({"c", "a", "b"}, ex)));
}

BOOST_AUTO_TEST_CASE(latest_tags_are_the_first_ten) {
  std::vector<std::string> stored;
  for (int i = 20; i > 0; --i) stored.push_back("t" + std::to_string(100 + i));
  auto latest = ir::latest_tags(stored);
  BOOST_REQUIRE(latest.size() == 10u);
  BOOST_TEST(latest.front() == "t120");
  BOOST_TEST(latest.back() == "t111");
  BOOST_TEST(ir::latest_tags({"only"}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(scan_result_json_fields) {
  auto j = ir::scan_result_json("sha256:00", 2, "2026-01-01T00:00:00Z", {"b", "a"});
  BOOST_TEST(j.find("revision")->as_string() == "sha256:00");
  BOOST_TEST(j.find("tagCount")->as_int() == 2);
  BOOST_TEST(j.find("scanTime")->as_string() == "2026-01-01T00:00:00Z");
  BOOST_TEST(j.find("latestTags")->as_array().size() == 2u);
  auto empty = ir::scan_result_json("sha256:00", 0, "2026-01-01T00:00:00Z", {});
  BOOST_TEST(empty.find("latestTags") == nullptr);  // omitted when empty, as Flux
  BOOST_TEST(empty.find("tagCount")->as_int() == 0);
}

BOOST_AUTO_TEST_CASE(should_scan_decisions) {
  auto t0 = *timefmt::parse_rfc3339("2026-01-01T00:00:00Z");
  ir::scan_inputs in;
  in.interval = 5min;
  in.canonical_name = in.observed_canonical_name = "r.example/app";
  in.exclusion_list = in.observed_exclusion_list = {"^.*\\.sig$"};
  in.database_tags = 3;
  in.now = t0 + 1min;

  auto never = ir::decide_scan(in);
  BOOST_TEST(never.scan);
  BOOST_TEST(never.reason == "first scan");

  in.last_scan = t0;
  auto wait = ir::decide_scan(in);
  BOOST_TEST(!wait.scan);
  BOOST_TEST(wait.next == std::chrono::milliseconds(4min));

  auto r = in;
  r.reconcile_requested = true;
  BOOST_TEST(ir::decide_scan(r).reason == "reconcile requested");

  auto img = in;
  img.canonical_name = "r.example/other";
  BOOST_TEST(ir::decide_scan(img).reason == "new image name");

  auto ex = in;
  ex.exclusion_list = {"^.*\\.sig$", "rc"};
  BOOST_TEST(ir::decide_scan(ex).reason == "updated exclusion list");
  auto reordered = in;
  reordered.exclusion_list = {"b", "a"};
  reordered.observed_exclusion_list = {"a", "b"};
  BOOST_TEST(!ir::decide_scan(reordered).scan);  // compared as sets

  auto empty = in;
  empty.database_tags = 0;
  BOOST_TEST(ir::decide_scan(empty).reason == "no tags in database");

  auto due = in;
  due.now = t0 + 5min - 500ms;  // less than a second left
  auto d = ir::decide_scan(due);
  BOOST_TEST(d.scan);
  BOOST_TEST(d.reason == "triggered by interval");
  BOOST_TEST(d.next == std::chrono::milliseconds(5min));
}

BOOST_AUTO_TEST_SUITE_END()
