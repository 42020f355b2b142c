#include <boost/test/unit_test.hpp>

#include "tests/emulator/authorizer.hpp"
#include "tests/emulator/iam_policy.hpp"

using namespace emu;

namespace {

iam::policy policy(const char* text) {
  auto p = iam::parse_policy_text(text);
  BOOST_REQUIRE_MESSAGE(p.ok(), (p.ok() ? "" : p.error().message));
  return p.value();
}

principal user(const std::string& name, const std::vector<iam::policy>* policies) {
  principal p;
  p.type = principal::kind::user;
  p.account = "111122223333";
  p.name = name;
  p.arn = "arn:aws:iam::111122223333:user/" + name;
  p.user_id = "AIDAEXAMPLE";
  p.policies = policies;
  return p;
}

principal session(const std::string& role, const std::vector<iam::policy>* policies) {
  principal p;
  p.type = principal::kind::assumed_role;
  p.account = "111122223333";
  p.name = role;
  p.role_arn = "arn:aws:iam::111122223333:role/" + role;
  p.arn = "arn:aws:sts::111122223333:assumed-role/" + role + "/s1";
  p.user_id = "AROAEXAMPLE:s1";
  p.policies = policies;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(iam_policy)

BOOST_AUTO_TEST_CASE(wildcards) {
  BOOST_TEST(iam::wildcard_match("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
  BOOST_TEST(iam::wildcard_match("arn:aws:s3:::b/?.yaml", "arn:aws:s3:::b/a.yaml"));
  BOOST_TEST(!iam::wildcard_match("arn:aws:s3:::b/?.yaml", "arn:aws:s3:::b/ab.yaml"));
  BOOST_TEST(iam::wildcard_match("*", ""));
  BOOST_TEST(iam::wildcard_match("a*b*c", "aXXbYYbZc"));
  BOOST_TEST(!iam::wildcard_match("a*b*c", "aXXbYYbZ"));
  BOOST_TEST(!iam::wildcard_match("ARN", "arn"));
  BOOST_TEST(iam::wildcard_match_icase("s3:get*", "s3:GetObject"));
}

BOOST_AUTO_TEST_CASE(malformed_documents_are_refused_with_a_reason) {
  BOOST_TEST(!iam::parse_policy_text("{").ok());
  BOOST_TEST(!iam::parse_policy_text(R"({"Statement":[{"Effect":"Maybe","Action":"*"}]})").ok());
  BOOST_TEST(!iam::parse_policy_text(R"({"Statement":[{"Effect":"Allow"}]})").ok());
  auto p = iam::parse_policy_text(R"({"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Frobnicate":{"a":"b"}}}]})");
  BOOST_REQUIRE(!p.ok());
  BOOST_TEST(p.error().message.find("Frobnicate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(actions_are_case_insensitive_and_not_action_inverts) {
  auto p = policy(R"({"Statement":{"Effect":"Allow","Action":"S3:GETOBJECT","Resource":"*"}})");
  BOOST_TEST((iam::evaluate(p, {"s3:GetObject", "arn:aws:s3:::b/k"}) == iam::verdict::allow));
  auto n = policy(R"({"Statement":{"Effect":"Allow","NotAction":"s3:PutObject","Resource":"*"}})");
  BOOST_TEST((iam::evaluate(n, {"s3:GetObject", "x"}) == iam::verdict::allow));
  BOOST_TEST((iam::evaluate(n, {"s3:PutObject", "x"}) == iam::verdict::none));
}

BOOST_AUTO_TEST_CASE(explicit_deny_wins_in_a_document) {
  auto p = policy(R"({"Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","Action":"s3:PutObject","NotResource":"arn:aws:s3:::ok/*"}]})");
  BOOST_TEST((iam::evaluate(p, {"s3:PutObject", "arn:aws:s3:::other/k"}) == iam::verdict::deny));
  BOOST_TEST((iam::evaluate(p, {"s3:PutObject", "arn:aws:s3:::ok/k"}) == iam::verdict::allow));
}

BOOST_AUTO_TEST_CASE(conditions_string_operators_and_missing_keys) {
  iam::context_map ctx{{"oidc.example.com:sub", "system:serviceaccount:tenant-a:flux"},
                       {"oidc.example.com:aud", "sts.amazonaws.com"}};
  std::vector<iam::condition_clause> eq{{"StringEquals", false, "oidc.example.com:sub", {"system:serviceaccount:tenant-a:flux"}}};
  BOOST_TEST(iam::conditions_hold(eq, &ctx));
  std::vector<iam::condition_clause> like{{"StringLike", false, "oidc.example.com:sub", {"system:serviceaccount:tenant-?:*"}}};
  BOOST_TEST(iam::conditions_hold(like, &ctx));
  std::vector<iam::condition_clause> noteq{{"StringNotEquals", false, "oidc.example.com:aud", {"sts.amazonaws.com"}}};
  BOOST_TEST(!iam::conditions_hold(noteq, &ctx));
  std::vector<iam::condition_clause> missing{{"StringEquals", false, "absent:key", {"x"}}};
  BOOST_TEST(!iam::conditions_hold(missing, &ctx));
  std::vector<iam::condition_clause> missing_neg{{"StringNotEquals", false, "absent:key", {"x"}}};
  BOOST_TEST(iam::conditions_hold(missing_neg, &ctx));
  std::vector<iam::condition_clause> if_exists{{"StringEquals", true, "absent:key", {"x"}}};
  BOOST_TEST(iam::conditions_hold(if_exists, &ctx));
  // Keys compare case-insensitively: the parser lower-cases them.
  auto p = policy(R"({"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"OIDC.example.com:SUB":["nope","system:serviceaccount:tenant-a:flux"]}}}})");
  BOOST_TEST((iam::evaluate(p, {"sts:AssumeRoleWithWebIdentity", "*", &ctx}) == iam::verdict::allow));
}

BOOST_AUTO_TEST_CASE(identity_policies_allow_and_messages_name_the_caller) {
  std::vector<iam::policy> pols{policy(R"({"Statement":{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-east-1:111122223333:key/*"}})")};
  auto u = user("ci", &pols);
  BOOST_TEST(authorize(u, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1", nullptr).allowed);
  auto d = authorize(u, "kms:Encrypt", "arn:aws:kms:us-east-1:111122223333:key/k1", nullptr);
  BOOST_TEST(!d.allowed);
  BOOST_TEST(d.message ==
             "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: kms:Encrypt on resource: "
             "arn:aws:kms:us-east-1:111122223333:key/k1 because no identity-based policy allows the kms:Encrypt action");
  std::vector<iam::policy> none;
  auto outsider = user("outsider", &none);
  BOOST_TEST(!authorize(outsider, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k1", nullptr).allowed);
}

BOOST_AUTO_TEST_CASE(resource_policies_grant_specific_principals_and_deny_wins) {
  std::vector<iam::policy> none;
  auto s = session("tenant-a", &none);
  auto grant = policy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/tenant-a"},"Action":"ecr:BatchGetImage"}})");
  BOOST_TEST(authorize(s, "ecr:BatchGetImage", "arn:aws:ecr:us-east-1:111122223333:repository/x", &grant).allowed);
  // Naming only the account delegates to IAM policies: no grant by itself.
  auto account = policy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}})");
  BOOST_TEST(!authorize(s, "ecr:BatchGetImage", "arn:aws:ecr:us-east-1:111122223333:repository/x", &account).allowed);
  std::vector<iam::policy> allow_all{policy(R"({"Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}})")};
  auto s2 = session("tenant-a", &allow_all);
  auto deny = policy(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"ecr:*"}})");
  auto d = authorize(s2, "ecr:BatchGetImage", "arn:aws:ecr:us-east-1:111122223333:repository/x", &deny);
  BOOST_TEST(!d.allowed);
  BOOST_TEST(d.message.find("with an explicit deny in a resource-based policy") != std::string::npos);
  BOOST_TEST(d.message.find("arn:aws:sts::111122223333:assumed-role/tenant-a/s1") != std::string::npos);
  // Conditions on aws:PrincipalArn see the role ARN for sessions.
  auto cond = policy(R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/tenant-a"}}}})");
  BOOST_TEST(authorize(s2, "ecr:BatchGetImage", "r", &cond).allowed);
  auto other = session("tenant-b", &allow_all);
  BOOST_TEST(!authorize(other, "s3:GetObject", "r", &cond).allowed);
}

BOOST_AUTO_TEST_CASE(key_policies_are_authoritative) {
  std::vector<iam::policy> allow{policy(R"({"Statement":{"Effect":"Allow","Action":"kms:*","Resource":"*"}})")};
  auto u = user("admin", &allow);
  auto only_ci = policy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/ci"},"Action":"kms:*","Resource":"*"}})");
  // Identity allows, the key policy does not name the caller nor delegate: denied.
  BOOST_TEST(!authorize(u, "kms:Decrypt", "k", &only_ci, nullptr, resource_policy_mode::key_policy).allowed);
  BOOST_TEST(authorize(u, "kms:Decrypt", "k", &only_ci, nullptr, resource_policy_mode::standard).allowed);
  auto delegate = policy(R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}})");
  BOOST_TEST(authorize(u, "kms:Decrypt", "k", &delegate, nullptr, resource_policy_mode::key_policy).allowed);
  std::vector<iam::policy> none;
  auto nobody = user("nobody", &none);
  BOOST_TEST(!authorize(nobody, "kms:Decrypt", "k", &delegate, nullptr, resource_policy_mode::key_policy).allowed);
}

BOOST_AUTO_TEST_SUITE_END()
