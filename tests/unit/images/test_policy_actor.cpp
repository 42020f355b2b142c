// The ImagePolicy kind in its object actor beside its ImageRepository, through the
// real supervisor: the conformance selections, a pushed tag picked up through the
// repository's events (no polling), DependencyNotReady until the first scan,
// cross-namespace rules, InvalidPolicy stalls, digest reflection with the repository's
// credentials, and a deleted repository.
#include <boost/test/unit_test.hpp>

#include <thread>

#include "adapters/common/encoding.hpp"
#include "image_fakes.hpp"

using namespace fluxaws;
using namespace images_test;

namespace {

const char* kImage = "registry.test/tenant-a/app";
const char* kRepoKey = "ImageRepository/tenant-a/app";

std::string repository(const std::string& ns = "tenant-a", const std::string& extra = "",
                       const std::string& meta = "") {
  return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: app\n  namespace: " + ns +
         "\n" + meta + "spec:\n  image: registry.test/" + ns + "/app\n  interval: 10m\n" + extra;
}

std::string policy(const std::string& name, const std::string& body, const std::string& ns = "tenant-a",
                   const std::string& ref = "{name: app}") {
  return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns + "\nspec:\n  imageRepositoryRef: " + ref + "\n" + body;
}

std::string key(const std::string& name, const std::string& ns = "tenant-a") {
  return "ImagePolicy/" + ns + "/" + name;
}

bool ready(const json::value& o) { return ready_is(o, "True", "Succeeded"); }

std::function<bool(const json::value&)> latest_tag_is(const std::string& tag) {
  return [tag](const json::value& o) {
    const auto* t = o.at({"status", "latestRef", "tag"});
    return t && t->as_string() == tag && ready(o);
  };
}

}  // namespace

BOOST_AUTO_TEST_SUITE(imagepolicy_actor)

BOOST_AUTO_TEST_CASE(conformance_selections_and_a_pushed_tag) {
  image_fixture f;
  f.registry->tags[kImage] = conformance_tags();
  f.apply(repository());
  f.apply(policy("semver", "  policy: {semver: {range: '>=1.0.0'}}\n"));
  f.apply(policy("prerelease", "  policy: {semver: {range: '>=2.0.0-0'}}\n"));
  f.apply(policy("builds", "  policy: {numerical: {order: asc}}\n"
                           "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$n'}\n"));
  f.apply(policy("alpha", "  policy: {alphabetical: {order: desc}}\n"));

  BOOST_TEST(f.eventually(key("semver"), latest_tag_is("1.2.3")));
  BOOST_TEST(f.eventually(key("prerelease"), latest_tag_is("2.0.0-rc.1")));
  BOOST_TEST(f.eventually(key("builds"), latest_tag_is("build-1500")));
  BOOST_TEST(f.eventually(key("alpha"), latest_tag_is("1.0.0")));
  BOOST_TEST(f.field(key("semver"), {"status", "latestRef", "name"}) == kImage);
  BOOST_TEST(f.field(key("semver"), {"status", "latestRef", "digest"}).empty());  // Never reflects
  BOOST_TEST(f.condition(key("semver"), "Ready", "message") ==
             "Latest image tag for registry.test/tenant-a/app resolved to 1.2.3");
  BOOST_TEST(f.field(key("semver"), {"status", "observedPreviousRef"}).empty());

  // A tag is pushed; the repository's next scan (asked for here) reaches the policies
  // through its events: nobody touches the policies.
  {
    std::lock_guard<std::mutex> lock(f.registry->mu);
    f.registry->tags[kImage].push_back("1.3.0");
  }
  f.apply(repository("tenant-a", "", "  annotations: {reconcile.fluxcd.io/requestedAt: 'push-1'}\n"));
  BOOST_TEST(f.eventually(key("semver"), latest_tag_is("1.3.0")));
  BOOST_TEST(f.field(key("semver"), {"status", "observedPreviousRef", "tag"}) == "1.2.3");
  BOOST_TEST(f.condition(key("semver"), "Ready", "message") ==
             "Latest image tag for registry.test/tenant-a/app resolved to 1.3.0 (previously "
             "registry.test/tenant-a/app:1.2.3)");
  BOOST_TEST(f.field(key("alpha"), {"status", "latestRef", "tag"}) == "1.0.0");
  BOOST_TEST(f.field(key("semver"), {"status", "lastHandledReconcileAt"}).empty());
}

BOOST_AUTO_TEST_CASE(an_unchanged_scan_does_not_reevaluate) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0", "1.1.0"};
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n"));
  BOOST_REQUIRE(f.eventually(key("p"), latest_tag_is("1.1.0")));
  std::this_thread::sleep_for(50ms);
  int before = 0;
  {
    std::lock_guard<std::mutex> lock(f.seen->mu);
    before = f.seen->reports[key("p")];
  }
  // The repository scans again and finds the same tags: a new scanTime, same revision.
  f.apply(repository("tenant-a", "", "  annotations: {reconcile.fluxcd.io/requestedAt: 'again'}\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) {
    const auto* h = o.at({"status", "lastHandledReconcileAt"});
    return h && h->as_string() == "again";
  }));
  std::this_thread::sleep_for(100ms);
  std::lock_guard<std::mutex> lock(f.seen->mu);
  BOOST_TEST(f.seen->reports[key("p")] == before);  // no reconcile, no status change
}

BOOST_AUTO_TEST_CASE(dependency_not_ready_until_the_first_scan_arrives) {
  image_fixture f;  // --requeue-dependency is one hour here: only the event can help
  f.registry->failing.insert(kImage);
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n"));
  BOOST_REQUIRE(f.eventually(key("p"), [](const json::value& o) { return ready_is(o, "False", "DependencyNotReady"); }));
  BOOST_TEST(f.condition(key("p"), "Ready", "message") == "retrying in 1h0m0s error: no tags in database");
  {
    std::lock_guard<std::mutex> lock(f.registry->mu);
    f.registry->failing.clear();
    f.registry->tags[kImage] = {"1.0.0", "1.4.0"};
  }
  BOOST_TEST(f.eventually(key("p"), latest_tag_is("1.4.0")));
}

BOOST_AUTO_TEST_CASE(a_repository_that_does_not_exist) {
  image_fixture f;
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n", "tenant-a", "{name: ghost}"));
  BOOST_REQUIRE(f.eventually(key("p"), [](const json::value& o) { return ready_is(o, "False", "DependencyNotReady"); }));
  BOOST_TEST(f.condition(key("p"), "Ready", "message") ==
             "failed to get the referred ImageRepository: referenced ImageRepository does not exist: "
             "imagerepositories.image.toolkit.fluxcd.io \"ghost\" not found");
  // It appears later: the retries find it.
  f.registry->tags["registry.test/tenant-a/app"] = {"1.0.0"};
  f.apply("apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata: {name: ghost, namespace: tenant-a}\n"
          "spec: {image: registry.test/tenant-a/app, interval: 10m}\n");
  BOOST_TEST(f.eventually(key("p"), latest_tag_is("1.0.0")));
}

BOOST_AUTO_TEST_CASE(cross_namespace_needs_access_from) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0", "1.2.3"};
  f.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b, labels: {tenant: b}}\n");
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n", "tenant-b", "{name: app, namespace: tenant-a}"));
  BOOST_REQUIRE(f.eventually(key("p", "tenant-b"), [](const json::value& o) { return ready_is(o, "False", "AccessDenied"); }));
  BOOST_TEST(f.condition(key("p", "tenant-b"), "Ready", "message") ==
             "failed to get the referred ImageRepository: access denied: 'tenant-a/app' can't be accessed due to "
             "missing ACL labels on 'accessFrom'");

  // accessFrom for another tenant only: still refused.
  f.apply(repository("tenant-a", "  accessFrom: {namespaceSelectors: [{matchLabels: {tenant: c}}]}\n"));
  BOOST_REQUIRE(f.eventually(key("p", "tenant-b"), [](const json::value& o) {
    return cond_of(o, "Ready", "message").find("ACL labels mismatch on namespace 'tenant-b'") != std::string::npos;
  }));

  // accessFrom admitting tenant-b's labels: the retry succeeds.
  f.apply(repository("tenant-a", "  accessFrom: {namespaceSelectors: [{matchLabels: {tenant: b}}]}\n"));
  BOOST_TEST(f.eventually(key("p", "tenant-b"), latest_tag_is("1.2.3")));
}

BOOST_AUTO_TEST_CASE(no_cross_namespace_refs_refuses_even_with_access_from) {
  image_fixture::options o;
  o.no_cross_namespace_refs = true;
  image_fixture f(o);
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply("apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant-b, labels: {tenant: b}}\n");
  f.apply(repository("tenant-a", "  accessFrom: {namespaceSelectors: [{matchLabels: {}}]}\n"));
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n", "tenant-b", "{name: app, namespace: tenant-a}"));
  f.apply(policy("local", "  policy: {semver: {range: '>=1.0.0'}}\n"));
  BOOST_REQUIRE(f.eventually(key("p", "tenant-b"), [](const json::value& o) { return ready_is(o, "False", "AccessDenied"); }));
  BOOST_TEST(f.condition(key("p", "tenant-b"), "Ready", "message") ==
             "failed to get the referred ImageRepository: cannot access 'ImageRepository/tenant-a/app', "
             "cross-namespace references have been blocked");
  BOOST_TEST(f.eventually(key("local"), latest_tag_is("1.0.0")));
}

BOOST_AUTO_TEST_CASE(bad_policies_stall_with_invalid_policy) {
  image_fixture f;
  f.registry->tags[kImage] = conformance_tags();
  f.apply(repository());
  f.apply(policy("range", "  policy: {semver: {range: '>=1.0 <'}}\n"));
  f.apply(policy("pattern", "  policy: {alphabetical: {order: asc}}\n  filterTags: {pattern: '^build-(['}\n"));
  f.apply(policy("numbers", "  policy: {numerical: {order: asc}}\n"));
  f.apply(policy("extract", "  policy: {numerical: {order: asc}}\n"
                            "  filterTags: {pattern: '^build-(?P<n>[0-9]+)$', extract: '$ts'}\n"));
  struct expect {
    const char* name;
    const char* culprit;
  };
  for (auto e : {expect{"range", ">=1.0 <"}, expect{"pattern", "'^build-(['"}, expect{"numbers", "numeric value '"},
                 expect{"extract", "'$ts'"}}) {
    BOOST_TEST_CONTEXT(e.name) {
      BOOST_REQUIRE(f.eventually(key(e.name), [](const json::value& o) { return stalled_with(o, "InvalidPolicy"); }));
      BOOST_TEST(f.condition(key(e.name), "Ready", "status") == "False");
      BOOST_TEST(f.condition(key(e.name), "Ready", "reason") == "InvalidPolicy");
      BOOST_TEST(f.condition(key(e.name), "Stalled", "message").find(e.culprit) != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(no_matching_tag_is_a_retried_failure) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=5.0.0'}}\n"));
  BOOST_REQUIRE(f.eventually(key("p"), [](const json::value& o) { return ready_is(o, "False", "Failure"); }));
  BOOST_TEST(f.condition(key("p"), "Stalled").empty());
}

BOOST_AUTO_TEST_CASE(digest_reflection_uses_the_repository_credentials) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0", "1.2.3"};
  f.registry->digests[std::string(kImage) + ":1.2.3"] = "sha256:" + std::string(64, 'a');
  f.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: tenant-a}\n"
          "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"registry.test\":"
          "{\"auth\":\"" +
          enc::base64("robot:pull-secret") + "\"}}}'\n");
  f.apply(repository("tenant-a", "  secretRef: {name: regcred}\n"));
  f.apply(policy("once", "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: IfNotPresent\n"));
  BOOST_REQUIRE(f.eventually(key("once"), latest_tag_is("1.2.3")));
  BOOST_TEST(f.field(key("once"), {"status", "latestRef", "digest"}) == "sha256:" + std::string(64, 'a'));
  BOOST_TEST(f.condition(key("once"), "Ready", "message") ==
             "Latest image tag for registry.test/tenant-a/app resolved to 1.2.3 with digest sha256:" +
                 std::string(64, 'a'));
  auto calls = f.registry->snapshot();
  int heads = 0;
  for (const auto& c : calls)
    if (c.op == "head") {
      ++heads;
      BOOST_TEST(c.target == std::string(kImage) + ":1.2.3");
      BOOST_TEST(c.auth_user == "robot");
    }
  BOOST_TEST(heads == 1);

  // Always refreshes on its interval; a digest that changed is reported.
  f.apply(policy("always", "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: Always\n"
                           "  interval: 1s\n"));
  BOOST_REQUIRE(f.eventually(key("always"), latest_tag_is("1.2.3")));
  {
    std::lock_guard<std::mutex> lock(f.registry->mu);
    f.registry->digests[std::string(kImage) + ":1.2.3"] = "sha256:" + std::string(64, 'b');
  }
  BOOST_TEST(f.eventually(key("always"), [](const json::value& o) {
    const auto* d = o.at({"status", "latestRef", "digest"});
    return d && d->as_string() == "sha256:" + std::string(64, 'b');
  }));
  BOOST_TEST(f.field(key("always"), {"status", "observedPreviousRef", "digest"}) == "sha256:" + std::string(64, 'a'));
}

BOOST_AUTO_TEST_CASE(a_failed_digest_fetch_is_reported) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};  // no digest known for it
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: IfNotPresent\n"));
  BOOST_REQUIRE(f.eventually(key("p"), [](const json::value& o) { return ready_is(o, "False", "Failed"); }));
  BOOST_TEST(f.condition(key("p"), "Ready", "message").rfind(
                 "failed fetching digest of registry.test/tenant-a/app:1.0.0: failed fetching descriptor for \"", 0) ==
             0u);
}

BOOST_AUTO_TEST_CASE(interval_without_always_is_refused) {
  image_fixture f;
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n  interval: 5m\n"));
  BOOST_REQUIRE(f.eventually(key("p"), [](const json::value& o) { return stalled_with(o, "InvalidSpec"); }));
  f.apply(policy("q", "  policy: {semver: {range: '>=1.0.0'}}\n  digestReflectionPolicy: Always\n"));
  BOOST_TEST(f.eventually(key("q"), [](const json::value& o) { return stalled_with(o, "IntervalNotConfigured"); }));
}

BOOST_AUTO_TEST_CASE(a_deleted_repository_takes_the_policy_down) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply(repository());
  f.apply(policy("p", "  policy: {semver: {range: '>=1.0.0'}}\n"));
  BOOST_REQUIRE(f.eventually(key("p"), latest_tag_is("1.0.0")));
  f.apply(repository(), true);
  BOOST_TEST(f.eventually(key("p"), [](const json::value& o) { return ready_is(o, "False", "DependencyNotReady"); }));
}

BOOST_AUTO_TEST_SUITE_END()
