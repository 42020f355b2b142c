// Tenant A can never obtain tenant B's credentials: B's ServiceAccount named from A's
// namespace, A's ServiceAccount annotated with B's role, a Secret of B's namespace.
// Each is refused with a condition naming what and where, and the fake STS shows no
// successful call as B. Also: the feature gate and lockdown through the registry.
#include <boost/test/unit_test.hpp>

#include "plane_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using test::bucket_request;
using test::role_arn;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct isolation_fixture : test::plane_fixture {
  isolation_fixture() {
    add_tenant("tenant-a", "tenant-a");
    add_tenant("tenant-b", "tenant-b");
    index->put(test::service_account("tenant-b", "b-deployer", role_arn("tenant-b")));
    index->put(test::secret("tenant-b", "b-keys", {{"accesskey", "AKIATENANTB000000001"}, {"secretkey", "b-secret"}}));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(tenant_isolation, isolation_fixture)

BOOST_AUTO_TEST_CASE(b_service_account_named_from_a) {
  start();
  auto r = creds(bucket_request("tenant-a", "steal", "b-deployer"));
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.creds.access_key_id.empty());
  BOOST_TEST(contains(r.error.message, "ServiceAccount 'tenant-a/b-deployer' not found"));
  BOOST_TEST(contains(r.error.message, "Bucket tenant-a/steal"));
  BOOST_TEST(aws->ok_as(role_arn("tenant-b")) == 0);
  BOOST_TEST(aws->total_sts() == 0);
}

BOOST_AUTO_TEST_CASE(a_service_account_annotated_with_b_role) {
  index->put(test::service_account("tenant-a", "impostor", role_arn("tenant-b")));
  start();
  auto r = creds(bucket_request("tenant-a", "steal", "impostor"));
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.creds.access_key_id.empty());
  BOOST_TEST(contains(r.error.message, "AccessDenied"));
  BOOST_TEST(contains(r.error.message, role_arn("tenant-b")));
  BOOST_TEST(contains(r.error.message, "tenant-a/impostor"));
  BOOST_TEST(contains(r.error.message, "Bucket tenant-a/steal"));
  BOOST_TEST(aws->sts_for(role_arn("tenant-b")) == 1);  // STS was asked ...
  BOOST_TEST(aws->ok_as(role_arn("tenant-b")) == 0);    // ... and refused
  // B itself still works, with its own key.
  auto b = creds(bucket_request("tenant-b", "legit", "flux"));
  BOOST_REQUIRE_MESSAGE(b.ok, b.error.message);
  BOOST_TEST(aws->ok_as(role_arn("tenant-b")) == 1);
  BOOST_TEST(b.creds.access_key_id != r.creds.access_key_id);
}

BOOST_AUTO_TEST_CASE(b_secret_named_from_a) {
  start();
  auto req = bucket_request("tenant-a", "steal", "");
  req.secret_ref = "b-keys";
  auto r = creds(req);
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.creds.secret_access_key.empty());
  BOOST_TEST(contains(r.error.message, "Secret 'tenant-a/b-keys' not found"));
  BOOST_TEST(!contains(r.error.message, "b-secret"));
  // Even a name with a slash stays in tenant-a.
  req.secret_ref = "tenant-b/b-keys";
  auto slash = creds(req);
  BOOST_TEST(!slash.ok);
  BOOST_TEST(contains(slash.error.message, "Secret 'tenant-a/tenant-b/b-keys' not found"));
}

BOOST_AUTO_TEST_CASE(same_sa_name_in_two_namespaces_are_two_identities) {
  start();
  auto a = creds(bucket_request("tenant-a", "x", "flux"));
  auto b = creds(bucket_request("tenant-b", "x", "flux"));
  BOOST_REQUIRE(a.ok);
  BOOST_REQUIRE(b.ok);
  BOOST_TEST(a.creds.access_key_id != b.creds.access_key_id);
  BOOST_TEST(contains(a.identity, role_arn("tenant-a")));
  BOOST_TEST(contains(b.identity, role_arn("tenant-b")));
}

BOOST_AUTO_TEST_CASE(feature_gate_off_stalls_without_calling_sts) {
  opts.object_level_identity = false;
  start();
  auto r = creds(bucket_request("tenant-a", "x", "flux"));
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.stalling);
  BOOST_TEST(r.error.code == "FeatureGateDisabled");
  BOOST_TEST(aws->total_sts() == 0);
}

BOOST_AUTO_TEST_CASE(inconsistent_lockdown_is_refused_on_every_request) {
  opts.object_level_identity = false;
  opts.default_service_account = "flux";
  start();
  auto r = creds(bucket_request("tenant-a", "x", ""));
  BOOST_TEST(!r.ok);
  BOOST_TEST(r.stalling);
  BOOST_TEST(contains(r.error.message, "cannot set default service accounts"));
}

BOOST_AUTO_TEST_CASE(lockdown_keeps_each_tenant_in_its_own_identity) {
  opts.default_service_account = "flux";
  start();
  auto a = creds(bucket_request("tenant-a", "x", ""));
  auto b = creds(bucket_request("tenant-b", "x", ""));
  BOOST_REQUIRE(a.ok);
  BOOST_REQUIRE(b.ok);
  BOOST_TEST(contains(a.identity, "tenant-a/flux"));
  BOOST_TEST(contains(b.identity, "tenant-b/flux"));
  auto c = creds(bucket_request("tenant-c", "x", ""));
  BOOST_TEST(!c.ok);
  BOOST_TEST(contains(c.error.message, "lockdown"));
}

BOOST_AUTO_TEST_SUITE_END()
