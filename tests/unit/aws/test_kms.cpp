// KMS Decrypt / Encrypt / GenerateDataKey: bodies against the SDK capture, answers and
// the tolerance variants, and the 200 answers that must not yield an empty key.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/kms.hpp"
#include "adapters/common/encoding.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

const std::vector<test::capture_exchange>& captures() {
  static const auto all = load_capture("kms-decrypt.json");
  return all;
}

constexpr const char* kKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

endpoint local_endpoint() {
  endpoint_settings st;
  st.endpoint_url = "http://127.0.0.1:45123";
  return *resolve_endpoint(service::kms, "us-east-1", st);
}

std::string header(const service_request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(kms_wire)

BOOST_AUTO_TEST_CASE(decrypt_request_matches_the_sdk_byte_for_byte) {
  const auto& x = find_exchange(captures(), "success");
  kms::decrypt_params p;
  p.ciphertext_blob = *enc::unbase64("ZmFrZS1jaXBoZXJ0ZXh0LWJsb2IAAQL/");
  p.context = {{"purpose", "test"}};
  p.key_id = kKey;
  auto req = kms::decrypt_request(local_endpoint(), p);
  BOOST_TEST(req.body == x.request.body);
  BOOST_TEST(header(req, "Content-Type") == x.request.header("content-type"));
  BOOST_TEST(header(req, "X-Amz-Target") == x.request.header("x-amz-target"));
  BOOST_TEST(req.method == "POST");
  BOOST_TEST(req.path == "/");
  BOOST_TEST(req.ep.signing_name == "kms");
}

BOOST_AUTO_TEST_CASE(optional_members_in_model_order) {
  kms::decrypt_params d;
  d.ciphertext_blob = "abc";
  BOOST_TEST(kms::decrypt_body(d) == R"({"CiphertextBlob":"YWJj"})");
  d.grant_tokens = {"g1"};
  d.encryption_algorithm = "SYMMETRIC_DEFAULT";
  d.key_id = "k";
  d.context = {{"b", "2"}, {"a", "1"}};
  BOOST_TEST(kms::decrypt_body(d) ==
             R"({"CiphertextBlob":"YWJj","EncryptionContext":{"b":"2","a":"1"},"GrantTokens":["g1"],"KeyId":"k","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})");

  kms::encrypt_params e;
  e.key_id = "alias/sops";
  e.plaintext = std::string("\x00\x01\xff", 3);
  e.context = {{"purpose", "test"}};
  auto ereq = kms::encrypt_request(local_endpoint(), e);
  BOOST_TEST(ereq.body == R"({"KeyId":"alias/sops","Plaintext":"AAH/","EncryptionContext":{"purpose":"test"}})");
  BOOST_TEST(header(ereq, "X-Amz-Target") == "TrentService.Encrypt");

  kms::generate_data_key_params g;
  g.key_id = kKey;
  g.key_spec = "AES_256";
  g.number_of_bytes = 32;
  auto greq = kms::generate_data_key_request(local_endpoint(), g);
  BOOST_TEST(greq.body == std::string(R"({"KeyId":")") + kKey + R"(","NumberOfBytes":32,"KeySpec":"AES_256"})");
  BOOST_TEST(header(greq, "X-Amz-Target") == "TrentService.GenerateDataKey");
}

BOOST_AUTO_TEST_CASE(captured_answers) {
  for (const char* name : {"success", "success-with-session-token"}) {
    const auto& x = find_exchange(captures(), name);
    auto r = kms::parse_decrypt(x.response);
    BOOST_REQUIRE(r.ok());
    const auto& out = *x.sdk_result.find("output");
    BOOST_TEST(r->plaintext == out.find("Plaintext")->find("$bytes_utf8")->as_string());
    BOOST_TEST(r->key_id == out.find("KeyId")->as_string());
    BOOST_TEST(r->encryption_algorithm == "SYMMETRIC_DEFAULT");
  }
  auto e = kms::parse_decrypt(find_exchange(captures(), "error-namespaced-type").response);
  BOOST_TEST(e.error().code == "NotFoundException");
  BOOST_TEST(e.error().message.find("Key does not exist") != std::string::npos);
  e = kms::parse_decrypt(find_exchange(captures(), "error-KMSInternalException-500").response);
  BOOST_TEST(e.error().code == "KMSInternalException");
  BOOST_TEST(e.error().status == 500);
}

// sdk-response-tolerance.txt, KMS lines ("bytes:pt" is base64 "cHQ=").
BOOST_AUTO_TEST_CASE(tolerated_variations) {
  const std::string ok_body = std::string(R"({"KeyId":")") + kKey + R"(","Plaintext":"cHQ=","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})";
  for (const char* ct : {"application/x-amz-json-1.1", "application/json", ""}) {
    http::header_list h;
    if (*ct) h.emplace_back("content-type", ct);
    auto r = kms::parse_decrypt(make_response(200, ok_body, h));
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r->plaintext == "pt");
  }
  auto extra = kms::parse_decrypt(make_response(200, std::string(R"({"KeyId":")") + kKey +
                                                         R"(","Plaintext":"cHQ=","Unknown":{"x":[1,2]}})"));
  BOOST_REQUIRE(extra.ok());
  BOOST_TEST(extra->plaintext == "pt");
}

BOOST_AUTO_TEST_CASE(answers_that_must_not_yield_a_key) {
  const char* bodies[] = {
      R"({"__type":"AccessDeniedException","message":"m"})",  // the SDK calls this success
      R"({"KeyId":"k","Plaintext":"%%%"})",                    // the SDK: TypeError
      R"({"KeyId":"k"})",
      R"({"KeyId":"k","Plaintext":null})",
      R"({"KeyId":"k","Plaintext":""})",
      R"({"KeyId":"k","Plaintext":42})",
      R"({"KeyId":"k","Plaintext":"cHQ=)",
      "",
      "null",
      "<html/>",
  };
  for (auto b : bodies) {
    auto r = kms::parse_decrypt(make_response(200, b));
    BOOST_TEST_CONTEXT(b) {
      BOOST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().code == "parse");
      BOOST_TEST(r.error().message.rfind("KMS Decrypt", 0) == 0u);
    }
  }
  auto err200 = kms::parse_decrypt(make_response(200, R"({"__type":"AccessDeniedException","message":"m"})"));
  BOOST_TEST(err200.error().message.find("AccessDeniedException") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(encrypt_and_generate_data_key_answers) {
  auto e = kms::parse_encrypt(make_response(200, R"({"CiphertextBlob":"AAH/","KeyId":"k","EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})"));
  BOOST_REQUIRE(e.ok());
  BOOST_TEST(e->ciphertext_blob == std::string("\x00\x01\xff", 3));
  BOOST_TEST(!kms::parse_encrypt(make_response(200, R"({"KeyId":"k"})")).ok());

  auto g = kms::parse_generate_data_key(make_response(200, R"({"CiphertextBlob":"YWJj","Plaintext":"cHQ=","KeyId":"k"})"));
  BOOST_REQUIRE(g.ok());
  BOOST_TEST(g->plaintext == "pt");
  BOOST_TEST(g->ciphertext_blob == "abc");
  BOOST_TEST(!kms::parse_generate_data_key(make_response(200, R"({"CiphertextBlob":"YWJj","KeyId":"k"})")).ok());
  BOOST_TEST(!kms::parse_generate_data_key(make_response(200, R"({"Plaintext":"cHQ=","KeyId":"k"})")).ok());
}

BOOST_AUTO_TEST_CASE(key_arn_region) {
  BOOST_TEST(*kms::region_of_key_arn(kKey) == "us-east-1");
  BOOST_TEST(*kms::region_of_key_arn("arn:aws-cn:kms:cn-north-1:111122223333:alias/x") == "cn-north-1");
  BOOST_TEST(!kms::region_of_key_arn("1234abcd-12ab-34cd-56ef-1234567890ab").has_value());
  BOOST_TEST(!kms::region_of_key_arn("alias/sops").has_value());
  BOOST_TEST(!kms::region_of_key_arn("arn:aws:s3:::bucket").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
