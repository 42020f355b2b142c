// Identity resolution: Flux's rules as a pure function of request, index and options.
#include <boost/test/unit_test.hpp>

#include "actors/identity_resolution.hpp"
#include "plane_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using test::bucket_request;
using test::role_arn;

namespace {

struct resolve_fixture {
  resource_index index;
  identity_options opts;
  resolve_fixture() {
    opts.object_level_identity = true;
    opts.env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
    opts.hostname = "ctrl-0";
    index.put(test::service_account("tenant-a", "flux", role_arn("tenant-a")));
    index.put(test::service_account("tenant-b", "flux", role_arn("tenant-b")));
  }
  resolution run(const credential_request& req, const aws::ecr_registry* ecr = nullptr) {
    resolve_inputs in;
    in.index = &index;
    in.options = &opts;
    in.salt = "test-salt";
    in.ecr = ecr;
    return resolve_identity(req, in);
  }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(identity_resolution, resolve_fixture)

BOOST_AUTO_TEST_CASE(object_level_service_account) {
  auto r = run(bucket_request("tenant-a", "manifests", "flux", "eu-west-1"));
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.message);
  const auto& id = *r.identity;
  BOOST_TEST((id.plan.how == fetch_plan::method::web_identity));
  BOOST_TEST(id.plan.role_arn == role_arn("tenant-a"));
  BOOST_TEST(id.plan.sa_namespace == "tenant-a");
  BOOST_TEST(id.plan.sa_name == "flux");
  BOOST_TEST(id.plan.audience == "sts.amazonaws.com");
  BOOST_TEST(id.plan.session_name == "flux.tenant-a.eu-west-1.fluxcd.io");
  BOOST_TEST(id.plan.sts.to_string() == "https://sts.eu-west-1.amazonaws.com");
  BOOST_TEST(id.region == "eu-west-1");
  BOOST_TEST(id.key.region == "eu-west-1");
  BOOST_TEST(id.key.source == "serviceaccount");
  BOOST_TEST(contains(id.description, role_arn("tenant-a")));
}

BOOST_AUTO_TEST_CASE(the_same_identity_from_two_objects_is_one_key) {
  auto a = run(bucket_request("tenant-a", "one", "flux"));
  auto b = run(bucket_request("tenant-a", "two", "flux"));
  BOOST_REQUIRE(a.ok());
  BOOST_REQUIRE(b.ok());
  BOOST_TEST(a.identity->key_string == b.identity->key_string);
  auto c = run(bucket_request("tenant-a", "one", "flux", "eu-west-1"));
  BOOST_TEST(c.identity->key_string != a.identity->key_string);
}

BOOST_AUTO_TEST_CASE(a_changed_annotation_is_a_new_key) {
  auto before = run(bucket_request("tenant-a", "one", "flux"));
  index.put(test::service_account("tenant-a", "flux", role_arn("tenant-a-v2")));
  auto after = run(bucket_request("tenant-a", "one", "flux"));
  BOOST_REQUIRE(after.ok());
  BOOST_TEST(before.identity->key_string != after.identity->key_string);
  BOOST_TEST(after.identity->plan.role_arn == role_arn("tenant-a-v2"));
}

BOOST_AUTO_TEST_CASE(feature_gate_off_stalls) {
  opts.object_level_identity = false;
  auto r = run(bucket_request("tenant-a", "manifests", "flux"));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.stalling);
  BOOST_TEST(r.error.code == "FeatureGateDisabled");
  BOOST_TEST(contains(r.error.message, "ObjectLevelWorkloadIdentity"));
  BOOST_TEST(contains(r.error.message, "spec.serviceAccountName"));
  credential_request k;
  k.object = {"Kustomization", "tenant-a", "apps"};
  k.service_account = "flux";
  k.region = "us-east-1";
  k.secret_format = "sops";
  auto rk = run(k);
  BOOST_TEST(rk.error.code == "FeatureGateDisabled");
  BOOST_TEST(contains(rk.error.message, "spec.decryption.serviceAccountName"));
}

BOOST_AUTO_TEST_CASE(lookups_stay_in_the_objects_namespace) {
  // tenant-a names a ServiceAccount that exists only in tenant-b.
  index.put(test::service_account("tenant-b", "b-only", role_arn("tenant-b")));
  auto r = run(bucket_request("tenant-a", "manifests", "b-only"));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(!r.stalling);
  BOOST_TEST(r.error.code == "AuthenticationFailed");
  BOOST_TEST(contains(r.error.message, "ServiceAccount 'tenant-a/b-only' not found"));
  BOOST_TEST(contains(r.error.message, "Bucket tenant-a/manifests"));
  BOOST_TEST(contains(r.error.message, ".spec.serviceAccountName"));
}

BOOST_AUTO_TEST_CASE(annotation_missing_or_malformed) {
  index.put(test::service_account("tenant-a", "plain", ""));
  auto r = run(bucket_request("tenant-a", "m", "plain"));
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(contains(r.error.message, "ServiceAccount 'tenant-a/plain'"));
  BOOST_TEST(contains(r.error.message, "has no eks.amazonaws.com/role-arn annotation"));
  for (std::string bad : {"arn:aws:iam::111122223333:user/x", "arn:aws:s3:::bucket", "role/x",
                          "arn:aws:iam::abc:role/x", "arn:aws:iam::111122223333:role/"}) {
    index.put(test::service_account("tenant-a", "odd", bad));
    auto b = run(bucket_request("tenant-a", "m", "odd"));
    BOOST_REQUIRE_MESSAGE(!b.ok(), bad);
    BOOST_TEST(contains(b.error.message, "invalid eks.amazonaws.com/role-arn annotation of ServiceAccount 'tenant-a/odd'"));
    BOOST_TEST(contains(b.error.message, "'" + bad + "'"));
  }
  for (std::string good : {"arn:aws:iam::111122223333:role/x", "arn:aws-cn:iam::111122223333:role/path/x",
                           "arn:aws-us-gov:iam::1:role/x"})
    BOOST_TEST(valid_role_arn(good), good);
}

BOOST_AUTO_TEST_CASE(lockdown_uses_the_default_service_account) {
  opts.default_service_account = "flux";
  auto r = run(bucket_request("tenant-b", "m", ""));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.identity->plan.role_arn == role_arn("tenant-b"));
  BOOST_TEST(r.identity->plan.sa_namespace == "tenant-b");
  auto missing = run(bucket_request("tenant-c", "m", ""));
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(contains(missing.error.message, "tenant-c/flux"));
  BOOST_TEST(contains(missing.error.message, "lockdown"));
  // Kustomization decryption uses its own default.
  credential_request k;
  k.object = {"Kustomization", "tenant-a", "apps"};
  k.region = "us-east-1";
  k.secret_format = "sops";
  opts.default_decryption_service_account = "sops";
  index.put(test::service_account("tenant-a", "sops", role_arn("tenant-a-sops")));
  auto rk = run(k);
  BOOST_REQUIRE(rk.ok());
  BOOST_TEST(rk.identity->plan.role_arn == role_arn("tenant-a-sops"));
}

BOOST_AUTO_TEST_CASE(bucket_secret_static_keys) {
  index.put(test::secret("tenant-a", "keys", {{"accesskey", "AKIATENANTA000000001"}, {"secretkey", "s3cr3t/value"}}));
  auto req = bucket_request("tenant-a", "m", "");
  req.secret_ref = "keys";
  auto r = run(req);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.message);
  BOOST_TEST((r.identity->plan.how == fetch_plan::method::static_keys));
  BOOST_TEST(r.identity->plan.static_creds.access_key_id == "AKIATENANTA000000001");
  BOOST_TEST(r.identity->plan.static_creds.secret_access_key == "s3cr3t/value");
  BOOST_TEST(!contains(r.identity->key_string, "s3cr3t"));
  BOOST_TEST(!contains(r.identity->description, "s3cr3t"));
  // Rotation: a new secret value is a new key, even with the same key id.
  index.put(test::secret("tenant-a", "keys", {{"accesskey", "AKIATENANTA000000001"}, {"secretkey", "rotated"}}));
  auto rotated = run(req);
  BOOST_TEST(rotated.identity->key_string != r.identity->key_string);
}

BOOST_AUTO_TEST_CASE(bucket_secret_errors) {
  auto req = bucket_request("tenant-a", "m", "");
  req.secret_ref = "absent";
  auto missing = run(req);
  BOOST_REQUIRE(!missing.ok());
  BOOST_TEST(contains(missing.error.message, "Secret 'tenant-a/absent' not found"));
  // A Secret of another namespace is not seen.
  index.put(test::secret("tenant-b", "b-keys", {{"accesskey", "AKIAB"}, {"secretkey", "b-secret"}}));
  req.secret_ref = "b-keys";
  BOOST_TEST(contains(run(req).error.message, "Secret 'tenant-a/b-keys' not found"));
  index.put(test::secret("tenant-a", "half", {{"accesskey", "AKIAHALF"}}));
  req.secret_ref = "half";
  auto half = run(req);
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(contains(half.error.message, "required fields 'accesskey' and 'secretkey'"));
  BOOST_TEST(contains(half.error.message, "'secretkey' is missing"));
  BOOST_TEST(contains(half.error.message, "Secret 'tenant-a/half'"));
  // Both a Secret and a ServiceAccount on a Bucket: refused for good.
  req = bucket_request("tenant-a", "m", "flux");
  req.secret_ref = "half";
  auto both = run(req);
  BOOST_REQUIRE(!both.ok());
  BOOST_TEST(both.stalling);
  BOOST_TEST(contains(both.error.message, "cannot set both .spec.secretRef and .spec.serviceAccountName"));
}

BOOST_AUTO_TEST_CASE(sops_secret_wins_and_falls_through) {
  credential_request k;
  k.object = {"Kustomization", "tenant-a", "apps"};
  k.region = "us-east-1";
  k.secret_format = "sops";
  k.service_account = "flux";
  k.secret_ref = "sops-keys";
  index.put(test::secret("tenant-a", "sops-keys",
                         {{"sops.aws-kms", "aws_access_key_id: AKIASOPS\naws_secret_access_key: sops-secret\n"
                                           "aws_session_token: sops-token\n"}}));
  auto r = run(k);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.message);
  BOOST_TEST((r.identity->plan.how == fetch_plan::method::static_keys));
  BOOST_TEST(r.identity->plan.static_creds.access_key_id == "AKIASOPS");
  BOOST_TEST(r.identity->plan.static_creds.session_token == "sops-token");
  // A decryption Secret with only age keys: the ServiceAccount is used.
  index.put(test::secret("tenant-a", "sops-keys", {{"identity.agekey", "AGE-SECRET-KEY-1..."}}));
  auto fall = run(k);
  BOOST_REQUIRE(fall.ok());
  BOOST_TEST((fall.identity->plan.how == fetch_plan::method::web_identity));
  // A malformed sops.aws-kms: an error that does not quote it.
  index.put(test::secret("tenant-a", "sops-keys", {{"sops.aws-kms", "aws_access_key_id: AKIAONLY\n"}}));
  auto half = run(k);
  BOOST_REQUIRE(!half.ok());
  BOOST_TEST(contains(half.error.message, "sops.aws-kms"));
  BOOST_TEST(contains(half.error.message, "aws_secret_access_key is missing"));
  index.put(test::secret("tenant-a", "sops-keys", {{"sops.aws-kms", "[not: a mapping, secret-ish-value"}}));
  auto junk = run(k);
  BOOST_REQUIRE(!junk.ok());
  BOOST_TEST(!contains(junk.error.message, "secret-ish-value"));
}

BOOST_AUTO_TEST_CASE(chained_role_for_sops) {
  credential_request k;
  k.object = {"Kustomization", "tenant-a", "apps"};
  k.region = "eu-west-1";
  k.secret_format = "sops";
  k.service_account = "flux";
  k.assume_role_arn = role_arn("kms-user");
  auto r = run(k);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.identity->plan.assume_role_arn == role_arn("kms-user"));
  BOOST_TEST(r.identity->plan.assume_role_session_name == "sops@ctrl-0");
  BOOST_REQUIRE(r.identity->plan.base_request.has_value());
  BOOST_TEST(r.identity->plan.base_request->assume_role_arn.empty());
  BOOST_TEST(r.identity->plan.sts.to_string() == "https://sts.eu-west-1.amazonaws.com");
  auto base = run(*r.identity->plan.base_request);
  BOOST_TEST(base.identity->key_string != r.identity->key_string);
  k.assume_role_arn = "not-an-arn";
  BOOST_TEST(!run(k).ok());
}

BOOST_AUTO_TEST_CASE(regions) {
  auto req = bucket_request("tenant-a", "m", "flux", "");
  auto none = run(req);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(contains(none.error.message, ".spec.region"));
  BOOST_TEST(contains(none.error.message, "AWS_REGION"));
  opts.env["AWS_REGION"] = "ap-south-1";
  auto from_env = run(req);
  BOOST_REQUIRE(from_env.ok());
  BOOST_TEST(from_env.identity->region == "ap-south-1");
  opts.default_region = "eu-north-1";
  BOOST_TEST(run(req).identity->region == "eu-north-1");
  // ECR: the registry host decides.
  auto reg = parse_registry("111122223333.dkr.ecr.eu-central-1.amazonaws.com");
  BOOST_REQUIRE(reg.ok());
  auto ecr = run(test::oci_request("tenant-a", "app", "flux"), &reg.value());
  BOOST_REQUIRE(ecr.ok());
  BOOST_TEST(ecr.identity->region == "eu-central-1");
  BOOST_TEST(ecr.identity->plan.session_name == "flux.tenant-a.eu-central-1.fluxcd.io");
  auto pub = parse_registry("public.ecr.aws");
  BOOST_REQUIRE(pub.ok());
  BOOST_TEST(run(test::oci_request("tenant-a", "app", "flux"), &pub.value()).identity->region == "us-east-1");
  BOOST_TEST(ecr_scope(pub.value()) == "ecr-public");
  BOOST_TEST(ecr_scope(reg.value()) == "ecr:eu-central-1");
}

BOOST_AUTO_TEST_CASE(registry_hosts_must_be_ecr) {
  BOOST_TEST(parse_registry("111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app").ok());
  for (std::string bad : {"ghcr.io", "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com",
                          "evil.com/111122223333.dkr.ecr.us-east-1.amazonaws.com", "1111.dkr.ecr.us-east-1.amazonaws.com"}) {
    auto r = parse_registry(bad);
    BOOST_REQUIRE_MESSAGE(!r.ok(), bad);
    BOOST_TEST(contains(r.error().message, "not an Amazon ECR registry"));
  }
}

BOOST_AUTO_TEST_CASE(ecr_tokens_apply_to_their_region_only) {
  BOOST_TEST(ecr_token_applies("us-east-1", false, "111122223333.dkr.ecr.us-east-1.amazonaws.com"));
  BOOST_TEST(ecr_token_applies("us-east-1", false, "444455556666.dkr.ecr.us-east-1.amazonaws.com:443"));
  BOOST_TEST(ecr_token_applies("us-east-1", false, "111122223333.dkr.ecr-fips.us-east-1.amazonaws.com"));
  BOOST_TEST(!ecr_token_applies("us-east-1", false, "111122223333.dkr.ecr.eu-west-1.amazonaws.com"));
  BOOST_TEST(!ecr_token_applies("us-east-1", false, "public.ecr.aws"));
  BOOST_TEST(!ecr_token_applies("us-east-1", false, "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.com"));
  BOOST_TEST(!ecr_token_applies("us-east-1", false, "ghcr.io"));
  BOOST_TEST(ecr_token_applies("us-east-1", true, "public.ecr.aws"));
  BOOST_TEST(!ecr_token_applies("us-east-1", true, "111122223333.dkr.ecr.us-east-1.amazonaws.com"));
}

BOOST_AUTO_TEST_CASE(sts_endpoints) {
  auto req = bucket_request("tenant-a", "m", "flux");
  req.sts_endpoint = "https://vpce-002b7cc8966426bc6-njisq19r.sts.us-east-1.vpce.amazonaws.com";
  auto ok = run(req);
  BOOST_REQUIRE_MESSAGE(ok.ok(), ok.error.message);
  BOOST_TEST(ok.identity->plan.sts.url.host == "vpce-002b7cc8966426bc6-njisq19r.sts.us-east-1.vpce.amazonaws.com");
  BOOST_TEST(ok.identity->plan.sts.signing_region == "us-east-1");
  BOOST_TEST(ok.identity->key.sts_endpoint == req.sts_endpoint);
  req.sts_endpoint = "http://sts.us-east-1.amazonaws.com";
  auto bad = run(req);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.stalling);
  BOOST_TEST(bad.error.code == "InvalidSTSConfiguration");
  BOOST_TEST(!valid_sts_endpoint("https://sts.amazonaws.com.evil.com"));
  BOOST_TEST(valid_sts_endpoint("https://sts-fips.us-east-1.amazonaws.com"));
}

BOOST_AUTO_TEST_CASE(controller_chain) {
  auto req = bucket_request("tenant-a", "m", "");
  // Nothing configured and IMDS disabled: a clear error.
  auto none = run(req);
  BOOST_REQUIRE(!none.ok());
  BOOST_TEST(contains(none.error.message, "controller"));
  // Static keys in the controller's environment.
  opts.env["AWS_ACCESS_KEY_ID"] = "AKIACONTROLLER000001";
  opts.env["AWS_SECRET_ACCESS_KEY"] = "controller-secret";
  auto st = run(req);
  BOOST_REQUIRE_MESSAGE(st.ok(), st.error.message);
  BOOST_TEST(st.identity->key.source == "controller:static");
  BOOST_TEST(st.identity->key.access_key_id == "AKIACONTROLLER000001");
  BOOST_TEST(!contains(st.identity->key_string, "controller-secret"));
  // Web identity (IRSA): its STS region is the object's.
  opts.env = {{"AWS_ROLE_ARN", role_arn("controller")}, {"AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token"},
              {"AWS_EC2_METADATA_DISABLED", "true"}};
  auto wi = run(bucket_request("tenant-a", "m", "", "eu-west-1"));
  BOOST_REQUIRE_MESSAGE(wi.ok(), wi.error.message);
  BOOST_TEST(wi.identity->key.source == "controller:web-identity");
  BOOST_TEST(wi.identity->key.role_arn == role_arn("controller"));
  BOOST_TEST(wi.identity->key.region == "eu-west-1");
  BOOST_TEST(std::get<aws::web_identity_config>(*wi.identity->plan.chain).sts.to_string() ==
             "https://sts.eu-west-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(node_identity_is_for_ecr_only) {
  opts.env = {};  // nothing configured: the chain falls to IMDS
  auto bucket = run(bucket_request("tenant-a", "m", ""));
  BOOST_REQUIRE(!bucket.ok());
  BOOST_TEST(contains(bucket.error.message, "IMDS"));
  BOOST_TEST(contains(bucket.error.message, "ECR only"));
  auto reg = parse_registry("111122223333.dkr.ecr.us-west-2.amazonaws.com");
  auto oci = run(test::oci_request("tenant-a", "app", ""), &reg.value());
  BOOST_REQUIRE_MESSAGE(oci.ok(), oci.error.message);
  BOOST_TEST(oci.identity->key.source == "node");
  // Lockdown overrides the node identity.
  opts.default_service_account = "flux";
  auto locked = run(test::oci_request("tenant-a", "app", ""), &reg.value());
  BOOST_REQUIRE(locked.ok());
  BOOST_TEST(locked.identity->key.source == "serviceaccount");
}

BOOST_AUTO_TEST_SUITE_END()
