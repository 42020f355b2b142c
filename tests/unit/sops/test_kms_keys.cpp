// What the caller needs for KMS: the master keys to try (in key-group order), the
// region from the ARN, the role and encryption context, the CiphertextBlob; and the
// role session name for AssumeRole, exactly as SOPS builds it.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/sops/document.hpp"
#include "adapters/sops/kms_keys.hpp"
#include "test_support.hpp"

using namespace fluxaws;
using namespace fluxaws::sops;
using sops_test::read_file;
using sops_test::shared_dir;

BOOST_AUTO_TEST_SUITE(kms_keys)

// The one real AWS KMS entry in the fixtures (sops 1.13, 2016, plus a PGP key).
BOOST_AUTO_TEST_CASE(real_kms_entry_gives_region_and_ciphertext_blob) {
  auto doc = parse_document(read_file(shared_dir() + "/getsops-sops/stores-ini_example.json"), format::json);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().to_string()));
  BOOST_CHECK_EQUAL(doc->meta.version, "1.13");
  BOOST_REQUIRE_EQUAL(doc->meta.key_groups.size(), 1u);
  BOOST_CHECK_EQUAL(doc->meta.key_groups[0].pgp.size(), 1u);
  auto keys = kms_master_keys(doc->meta);
  BOOST_REQUIRE(keys.ok());
  BOOST_REQUIRE_EQUAL(keys->size(), 1u);
  const auto& k = keys->front();
  BOOST_CHECK_EQUAL(k.group, 0u);
  BOOST_CHECK_EQUAL(k.arn, "arn:aws:kms:us-east-1:927034868273:key/e9fc75db-05e9-44c1-9c35-633922bac347");
  BOOST_CHECK_EQUAL(k.region, "us-east-1");
  BOOST_CHECK(k.role.empty());
  BOOST_CHECK(k.encryption_context.empty());
  BOOST_CHECK(k.ciphertext_blob == *enc::unbase64(doc->meta.key_groups[0].kms[0].enc));
  // A KMS v1 ciphertext blob starts with version byte 0x01.
  BOOST_CHECK_EQUAL(static_cast<int>(static_cast<unsigned char>(k.ciphertext_blob[0])), 1);
}

BOOST_AUTO_TEST_CASE(role_context_and_key_groups_in_order) {
  const std::string yaml = R"(a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
sops:
    key_groups:
        - kms:
            - arn: arn:aws:kms:eu-west-1:111122223333:key/aaaa
              role: arn:aws:iam::111122223333:role/sops-decrypt
              context:
                  tenant: t1
                  app: demo
                  ignored: null
              created_at: "2024-01-01T00:00:00Z"
              enc: AQICAHhvdGhlcg==
              aws_profile: dev
            - arn: arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/backup
              enc: AQICAHhiYWNrdXA=
          pgp:
            - fp: 35C1A64CD7FC0AB6EB66756B2445463C3234ECE1
              enc: x
        - age:
            - recipient: age1xyz
              enc: y
        - kms:
            - arn: arn:aws-cn:kms:cn-north-1:111122223333:key/cccc
              enc: AQICAHhjbg==
    shamir_threshold: 2
    lastmodified: "2024-01-01T00:00:00Z"
    mac: ""
    version: 3.9.4
)";
  auto doc = parse_document(yaml, format::yaml);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().to_string()));
  BOOST_CHECK_EQUAL(doc->meta.shamir_threshold, 2);
  auto keys = kms_master_keys(doc->meta);
  BOOST_REQUIRE(keys.ok());
  BOOST_REQUIRE_EQUAL(keys->size(), 3u);
  const auto& a = (*keys)[0];
  BOOST_CHECK_EQUAL(a.group, 0u);
  BOOST_CHECK_EQUAL(a.region, "eu-west-1");
  BOOST_CHECK_EQUAL(a.role, "arn:aws:iam::111122223333:role/sops-decrypt");
  BOOST_REQUIRE_EQUAL(a.encryption_context.size(), 2u);  // the null value is not sent
  BOOST_CHECK_EQUAL(a.encryption_context[0].first, "tenant");
  BOOST_CHECK_EQUAL(a.encryption_context[0].second, "t1");
  BOOST_CHECK_EQUAL(a.ciphertext_blob, std::string("\x01\x02\x02\x00\x78other", 10));
  BOOST_CHECK_EQUAL(doc->meta.key_groups[0].kms[0].aws_profile, "dev");  // read, not used
  BOOST_CHECK_EQUAL((*keys)[1].group, 0u);
  BOOST_CHECK_EQUAL((*keys)[1].region, "us-gov-west-1");
  BOOST_CHECK_EQUAL((*keys)[2].group, 2u);
  BOOST_CHECK_EQUAL((*keys)[2].region, "cn-north-1");

  // With a threshold of 3, two groups with KMS keys are not enough.
  doc->meta.shamir_threshold = 3;
  auto too_few = kms_master_keys(doc->meta);
  BOOST_REQUIRE(!too_few.ok());
  BOOST_CHECK_EQUAL(too_few.error().code, "sops_no_kms_key");
  BOOST_CHECK(too_few.error().message.find("age") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(flattened_kms_entries_with_context_in_dotenv) {
  const std::string env =
      "A=ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]\n"
      "sops_kms__list_0__map_arn=arn:aws:kms:ap-south-1:111122223333:key/dddd\n"
      "sops_kms__list_0__map_context__map_tenant=t9\n"
      "sops_kms__list_0__map_enc=AQICAHhkb3RlbnY=\n"
      "sops_kms__list_0__map_role=arn:aws:iam::111122223333:role/r\n"
      "sops_lastmodified=2024-01-01T00:00:00Z\n"
      "sops_mac_only_encrypted=true\n"
      "sops_shamir_threshold=0\n"
      "sops_version=3.9.4\n";
  auto doc = parse_document(env, format::dotenv);
  BOOST_REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? "" : doc.error().to_string()));
  BOOST_CHECK(doc->meta.mac_only_encrypted);  // "true" read weakly as a boolean
  auto keys = kms_master_keys(doc->meta);
  BOOST_REQUIRE(keys.ok());
  BOOST_REQUIRE_EQUAL(keys->size(), 1u);
  BOOST_CHECK_EQUAL((*keys)[0].region, "ap-south-1");
  BOOST_CHECK_EQUAL((*keys)[0].role, "arn:aws:iam::111122223333:role/r");
  BOOST_REQUIRE_EQUAL((*keys)[0].encryption_context.size(), 1u);
  BOOST_CHECK_EQUAL((*keys)[0].encryption_context[0].second, "t9");
}

BOOST_AUTO_TEST_CASE(bad_kms_entries_are_named) {
  metadata m;
  m.key_groups.resize(1);
  m.key_groups[0].kms.push_back(kms_entry{"arn:aws:s3:::bucket", "", {}, "", "QQ==", ""});
  auto r = kms_master_keys(m);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.error().message.find("arn:aws:s3:::bucket") != std::string::npos);
  m.key_groups[0].kms[0].arn = "arn:aws:kms:us-east-1:1:key/x";
  m.key_groups[0].kms[0].enc = "not base64!";
  r = kms_master_keys(m);
  BOOST_REQUIRE(!r.ok());
  BOOST_CHECK(r.error().message.find("base64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(region_from_kms_arns) {
  BOOST_CHECK_EQUAL(*region_from_kms_arn("arn:aws:kms:us-west-2:107501996527:key/612d5f0p-p1l3-45e6-aca6-a5b005693a48"),
                    "us-west-2");
  BOOST_CHECK_EQUAL(*region_from_kms_arn("arn:aws:kms:eu-central-1:123456789012:alias/my-key"), "eu-central-1");
  BOOST_CHECK_EQUAL(*region_from_kms_arn("arn:aws-cn:kms:cn-north-1:123456789012:key/x"), "cn-north-1");
  BOOST_CHECK_EQUAL(*region_from_kms_arn("arn:aws-us-gov:kms:us-gov-east-1:123456789012:key/x"), "us-gov-east-1");
  BOOST_CHECK(!region_from_kms_arn("arn:aws:kms:us-west-2:notanumber:key/x"));
  BOOST_CHECK(!region_from_kms_arn("arn:aws:kms:us-west-2:123:secret/x"));
  BOOST_CHECK(!region_from_kms_arn("arn:aws:s3:::bucket"));
  BOOST_CHECK(!region_from_kms_arn("arn:aws:kms:us-west-2:123:key/"));
  BOOST_CHECK(!region_from_kms_arn(""));
}

BOOST_AUTO_TEST_CASE(role_session_names_as_sops_builds_them) {
  BOOST_CHECK_EQUAL(role_session_name("ip-10-0-0-1.ec2.internal"), "sops@ip10001.ec2.internal");
  BOOST_CHECK_EQUAL(role_session_name("kustomize_controller=1,a@b"), "sops@kustomize_controller=1,a@b");
  // "@-_" in SOPS' class is a range (0x40-0x5F): '[', '\', ']', '^' stay, '-' and '~' go.
  BOOST_CHECK_EQUAL(role_session_name("a[b]^c~d e/f"), "sops@a[b]^cdef");
  BOOST_CHECK_EQUAL(role_session_name("héllo"), "sops@hllo");
  std::string long_host(100, 'h');
  std::string name = role_session_name(long_host);
  BOOST_CHECK_EQUAL(name.size(), 64u);
  BOOST_CHECK(name.rfind("sops@hhh", 0) == 0);
  BOOST_CHECK_EQUAL(role_session_name(std::string(59, 'x')).size(), 64u);
  BOOST_CHECK_EQUAL(role_session_name(std::string(58, 'x')).size(), 63u);
  std::string here = role_session_name();
  BOOST_CHECK(here.rfind("sops@", 0) == 0);
  BOOST_CHECK_LE(here.size(), 64u);
}

BOOST_AUTO_TEST_SUITE_END()
