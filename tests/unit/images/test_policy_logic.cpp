// ImagePolicy's pure logic over the conformance world's tenant-a/app tags: the
// selections the issue names, the bad inputs that stall with InvalidPolicy, CEL rules,
// digest reflection decisions, latestRef/observedPreviousRef, the Ready message and
// cross-namespace access.
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "actors/imagepolicy_access.hpp"
#include "actors/imagepolicy_spec.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
namespace ip = fluxaws::actors::imagepolicy;

namespace {

// tenant-a/app in tests/emulator/worlds/conformance.yaml.
std::vector<std::string> conformance_tags() {
  std::vector<std::string> tags = {"1.0.0", "1.2.3", "2.0.0-rc.1", "latest"};
  char buf[32];
  for (int i = 1; i <= 1500; ++i) {
    std::snprintf(buf, sizeof buf, "build-%04d", i);
    tags.emplace_back(buf);
  }
  return tags;
}

json::value yaml(const std::string& text) {
  auto v = yamljson::parse_yaml(text);
  BOOST_REQUIRE(v.ok());
  return *v;
}

ip::spec spec_of(const std::string& body) {
  return ip::parse_spec(yaml("apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\n"
                             "metadata: {name: p, namespace: tenant-a}\nspec:\n  imageRepositoryRef: {name: app}\n" +
                             body));
}

// The tag a spec selects over the conformance tags, or the error as "code: message".
std::string select(const std::string& body, const std::vector<std::string>& tags = conformance_tags()) {
  auto compiled = ip::compile(spec_of(body));
  if (!compiled) return compiled.error().code + ": " + compiled.error().message;
  auto r = ip::evaluate(*compiled, tags);
  if (!r) return r.error().code + ": " + r.error().message;
  return r->tag;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(imagepolicy_selection)

BOOST_AUTO_TEST_CASE(conformance_selections) {
  BOOST_TEST(select("  policy: {semver: {range: '>=1.0.0'}}\n") == "1.2.3");
  BOOST_TEST(select("  policy: {semver: {range: '>=2.0.0-0'}}\n") == "2.0.0-rc.1");
  BOOST_TEST(select("  policy: {numerical: {order: asc}}\n"
                    "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$n'}\n") == "build-1500");
  BOOST_TEST(select("  policy: {numerical: {order: desc}}\n"
                    "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$n'}\n") == "build-0001");
  BOOST_TEST(select("  policy: {alphabetical: {order: desc}}\n") == "1.0.0");
  BOOST_TEST(select("  policy: {alphabetical: {order: asc}}\n") == "latest");
}

BOOST_AUTO_TEST_CASE(a_new_tag_is_picked) {
  auto tags = conformance_tags();
  tags.push_back("1.3.0");
  BOOST_TEST(select("  policy: {semver: {range: '>=1.0.0'}}\n", tags) == "1.3.0");
}

BOOST_AUTO_TEST_CASE(bad_input_is_invalid_policy_quoting_the_culprit) {
  auto range = select("  policy: {semver: {range: '>=1.0 <'}}\n");
  BOOST_TEST(range.rfind("InvalidPolicy: ", 0) == 0u);
  BOOST_TEST(range.find(">=1.0 <") != std::string::npos);

  auto pattern = select("  policy: {alphabetical: {order: asc}}\n  filterTags: {pattern: '^build-(['}\n");
  BOOST_TEST(pattern.rfind("InvalidPolicy: ", 0) == 0u);
  BOOST_TEST(pattern.find("'^build-(['") != std::string::npos);

  auto numeric = select("  policy: {numerical: {order: asc}}\n");
  BOOST_TEST(numeric.rfind("InvalidPolicy: ", 0) == 0u);
  BOOST_TEST(numeric.find("failed to parse invalid numeric value '") != std::string::npos);

  auto extract = select("  policy: {numerical: {order: asc}}\n"
                        "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$ts'}\n");
  BOOST_TEST(extract.rfind("InvalidPolicy: ", 0) == 0u);
  BOOST_TEST(extract.find("'$ts'") != std::string::npos);
  BOOST_TEST(extract.find("'ts'") != std::string::npos);

  auto none = select("  policy: {}\n");
  BOOST_TEST(none.rfind("InvalidPolicy: ", 0) == 0u);

  auto two = select("  policy: {semver: {range: '>=1.0.0'}, alphabetical: {order: asc}}\n");
  BOOST_TEST(two == "InvalidPolicy: invalid policy: exactly one of semver, alphabetical or numerical must be given, "
                    "got semver and alphabetical");
}

BOOST_AUTO_TEST_CASE(nothing_to_choose_is_a_retried_failure) {
  auto no_match = select("  policy: {semver: {range: '>=9.0.0'}}\n");
  BOOST_TEST(no_match.rfind("Failure: ", 0) == 0u);
  auto filtered_out = select("  policy: {alphabetical: {order: asc}}\n  filterTags: {pattern: '^nothing$'}\n");
  BOOST_TEST(filtered_out.rfind("Failure: ", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(imagepolicy_spec_rules)

BOOST_AUTO_TEST_CASE(repository_reference) {
  auto same = spec_of("  policy: {alphabetical: {}}\n");
  BOOST_TEST((ip::repository_key(same, "tenant-a") == kube::object_key{"ImageRepository", "tenant-a", "app"}));
  auto other = ip::parse_spec(yaml("kind: ImagePolicy\nmetadata: {name: p, namespace: tenant-b}\n"
                                   "spec: {imageRepositoryRef: {name: app, namespace: tenant-a}, policy: {}}\n"));
  BOOST_TEST((ip::repository_key(other, "tenant-b") == kube::object_key{"ImageRepository", "tenant-a", "app"}));
}

BOOST_AUTO_TEST_CASE(cel_rules_on_interval) {
  auto never_with_interval = ip::validate(spec_of("  policy: {alphabetical: {}}\n  interval: 5m\n"));
  BOOST_REQUIRE(never_with_interval.has_value());
  BOOST_TEST((never_with_interval->kind == reconcile_error::type::stalling));
  BOOST_TEST(never_with_interval->message.find("only accepted") != std::string::npos);

  auto always_without = ip::validate(spec_of("  policy: {alphabetical: {}}\n  digestReflectionPolicy: Always\n"));
  BOOST_REQUIRE(always_without.has_value());
  BOOST_TEST(always_without->reason == "IntervalNotConfigured");

  auto always = spec_of("  policy: {alphabetical: {}}\n  digestReflectionPolicy: Always\n  interval: 2m\n");
  BOOST_TEST(!ip::validate(always).has_value());
  BOOST_TEST(ip::requeue(always).value() == std::chrono::milliseconds(std::chrono::minutes(2)));
  BOOST_TEST(!ip::requeue(spec_of("  policy: {alphabetical: {}}\n")).has_value());
}

BOOST_AUTO_TEST_CASE(digest_reflection_decisions) {
  ip::image_ref cur{"r.example/app", "1.0.0", "sha256:aa"};
  ip::image_ref same{"r.example/app", "1.0.0", ""};
  BOOST_TEST(!ip::needs_digest(ip::reflection::never, cur, same));
  BOOST_TEST(same.digest.empty());
  BOOST_TEST(!ip::needs_digest(ip::reflection::if_not_present, cur, same));
  BOOST_TEST(same.digest == "sha256:aa");  // carried over
  ip::image_ref moved{"r.example/app", "1.1.0", ""};
  BOOST_TEST(ip::needs_digest(ip::reflection::if_not_present, cur, moved));
  BOOST_TEST(ip::needs_digest(ip::reflection::if_not_present, std::nullopt, moved));
  ip::image_ref again{"r.example/app", "1.0.0", ""};
  BOOST_TEST(ip::needs_digest(ip::reflection::always, cur, again));
}

BOOST_AUTO_TEST_CASE(refs_and_ready_message) {
  ip::image_ref a{"r.example/app", "1.0.0", ""};
  ip::image_ref b{"r.example/app", "1.1.0", "sha256:bb"};
  auto first = ip::update_refs({}, a);
  BOOST_TEST(!first.previous.has_value());
  BOOST_TEST(ip::ready_message(first) == "Latest image tag for r.example/app resolved to 1.0.0");
  auto second = ip::update_refs(first, b);
  BOOST_TEST((second.previous.value() == a));
  BOOST_TEST(ip::ready_message(second) ==
             "Latest image tag for r.example/app resolved to 1.1.0 with digest sha256:bb (previously "
             "r.example/app:1.0.0)");
  auto unchanged = ip::update_refs(second, b);  // same ref: previous stays
  BOOST_TEST((unchanged.previous.value() == a));
  auto j = b.to_json();
  BOOST_TEST((ip::image_ref::from_json(&j).value() == b));
  BOOST_TEST(a.to_json().find("digest") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(imagepolicy_access_rules)

const kube::object_key kRepo{"ImageRepository", "tenant-a", "app"};

BOOST_AUTO_TEST_CASE(same_namespace_is_always_allowed) {
  auto repo = yaml("kind: ImageRepository\nmetadata: {name: app, namespace: tenant-a}\nspec: {}\n");
  BOOST_TEST(!ip::access_refusal("tenant-a", kRepo, repo, std::nullopt).has_value());
  BOOST_TEST(!ip::cross_namespace_refusal("tenant-a", kRepo, true).has_value());
}

BOOST_AUTO_TEST_CASE(cross_namespace_needs_access_from) {
  auto no_acl = yaml("kind: ImageRepository\nmetadata: {name: app, namespace: tenant-a}\nspec: {}\n");
  BOOST_TEST(ip::access_refusal("tenant-b", kRepo, no_acl, std::nullopt).value() ==
             "'tenant-a/app' can't be accessed due to missing ACL labels on 'accessFrom'");

  auto acl = yaml("kind: ImageRepository\nmetadata: {name: app, namespace: tenant-a}\n"
                  "spec: {accessFrom: {namespaceSelectors: [{matchLabels: {team: b, env: prod}}]}}\n");
  auto ns_match = yaml("kind: Namespace\nmetadata: {name: tenant-b, labels: {team: b, env: prod, x: y}}\n");
  auto ns_partial = yaml("kind: Namespace\nmetadata: {name: tenant-b, labels: {team: b}}\n");
  BOOST_TEST(!ip::access_refusal("tenant-b", kRepo, acl, ns_match).has_value());
  BOOST_TEST(ip::access_refusal("tenant-b", kRepo, acl, ns_partial).value() ==
             "'tenant-a/app' can't be accessed due to ACL labels mismatch on namespace 'tenant-b'");
  BOOST_TEST(ip::access_refusal("tenant-b", kRepo, acl, std::nullopt).has_value());

  auto everyone = yaml("kind: ImageRepository\nmetadata: {name: app, namespace: tenant-a}\n"
                       "spec: {accessFrom: {namespaceSelectors: [{matchLabels: {}}]}}\n");
  BOOST_TEST(!ip::access_refusal("tenant-b", kRepo, everyone, std::nullopt).has_value());
}

BOOST_AUTO_TEST_CASE(no_cross_namespace_refs_blocks) {
  BOOST_TEST(ip::cross_namespace_refusal("tenant-b", kRepo, true).value() ==
             "cannot access 'ImageRepository/tenant-a/app', cross-namespace references have been blocked");
  BOOST_TEST(!ip::cross_namespace_refusal("tenant-b", kRepo, false).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
