#include <boost/test/unit_test.hpp>

#include "benchmarks/tenant_scale/src/credential_calls.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;

namespace {

json::value calls_json(const char* text) {
  auto v = json::parse(text);
  BOOST_REQUIRE(v.has_value());
  return *v;
}

object_forms all_aws() {
  object_forms f;
  for (const auto& k : all_kinds()) f.forms[k] = auth_form::aws_identity;
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(credential_call_counting)

BOOST_AUTO_TEST_CASE(counts_by_service_operation_and_status) {
  auto c = count_credential_calls(calls_json(R"([
    {"service":"sts","operation":"AssumeRoleWithWebIdentity","principal":"arn:aws:iam::1:role/a","status":200,"count":3},
    {"service":"sts","operation":"AssumeRoleWithWebIdentity","principal":"arn:aws:iam::1:role/b","status":400,"count":1},
    {"service":"ecr","operation":"GetAuthorizationToken","principal":"x","status":200,"count":2},
    {"service":"ecr","operation":"DescribeImages","principal":"x","status":200,"count":9},
    {"service":"kms","operation":"Decrypt","principal":"x","status":200,"count":4},
    {"service":"kms","operation":"Decrypt","principal":"x","status":0,"count":1},
    {"service":"kms","operation":"Encrypt","principal":"x","status":200,"count":7},
    {"service":"s3","operation":"GetObject","principal":"x","status":200,"count":100}
  ])"));
  BOOST_TEST(c.sts.calls == 4);
  BOOST_TEST(c.sts.ok == 3);
  BOOST_TEST(c.ecr_token.calls == 2);
  BOOST_TEST(c.ecr_token.ok == 2);
  BOOST_TEST(c.kms_decrypt.calls == 5);
  BOOST_TEST(c.kms_decrypt.ok == 4);
  auto d = subtract(c, c);
  BOOST_TEST(d.sts.calls == 0);
  BOOST_TEST(count_credential_calls(json::value::make_array()).sts.calls == 0);
}

BOOST_AUTO_TEST_CASE(ideal_follows_the_forms) {
  plan_options plan;
  plan.tenants = 7;
  plan.sops_secrets = 2;
  auto all = ideal_cold(plan, all_aws());
  BOOST_TEST(all.sts == 7);
  BOOST_TEST(all.ecr_token == 7);
  BOOST_TEST(all.kms_decrypt == 14);

  object_forms stat;
  stat.forms["Bucket"] = auth_form::static_keys;
  stat.forms["OCIRepository"] = auth_form::static_keys;
  auto s = ideal_cold(plan, stat);
  BOOST_TEST(s.sts == 0);
  BOOST_TEST(s.ecr_token == 0);
  BOOST_TEST(s.kms_decrypt == 0);

  // Only a Bucket through the identity: STS but no ECR token.
  object_forms bucket;
  bucket.forms["Bucket"] = auth_form::aws_identity;
  bucket.forms["OCIRepository"] = auth_form::static_keys;
  auto b = ideal_cold(plan, bucket);
  BOOST_TEST(b.sts == 7);
  BOOST_TEST(b.ecr_token == 0);

  // A Kustomization decrypting with static keys still makes one Decrypt per data key.
  object_forms k;
  k.forms["Bucket"] = auth_form::static_keys;
  k.forms["Kustomization"] = auth_form::static_keys;
  BOOST_TEST(ideal_cold(plan, k).kms_decrypt == 14);
  // Without its Bucket no Kustomization is generated.
  object_forms orphan;
  orphan.forms["Kustomization"] = auth_form::aws_identity;
  BOOST_TEST(ideal_cold(plan, orphan).kms_decrypt == 0);
}

BOOST_AUTO_TEST_CASE(checks_name_every_violation) {
  ideal_calls ideal{5, 5, 10};
  credential_calls exact{{5, 5}, {5, 5}, {10, 10}};
  BOOST_TEST(check_calls(exact, ideal, false, "cold").empty());
  credential_calls extra{{6, 6}, {5, 5}, {10, 10}};
  auto v = check_calls(extra, ideal, false, "cold");
  BOOST_REQUIRE(v.size() == 1u);
  BOOST_TEST(v[0] == "cold: STS succeeded 6 times, ideal 5");
  credential_calls retried{{7, 5}, {5, 5}, {10, 10}};
  BOOST_TEST(check_calls(retried, ideal, false, "cold").size() == 1u);  // failures without faults
  BOOST_TEST(check_calls(retried, ideal, true, "cold").empty());         // allowed with faults
  credential_calls missing{{5, 5}, {4, 4}, {10, 10}};
  BOOST_TEST(check_calls(missing, ideal, true, "steady").size() == 1u);
  auto j = to_json(exact, ideal);
  BOOST_TEST(j.at({"kmsDecrypt", "ideal"})->as_int() == 10);
}

BOOST_AUTO_TEST_SUITE_END()
