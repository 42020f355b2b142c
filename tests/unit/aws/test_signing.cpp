// Requests built here and signed through sign_request() (sigv4::sign_headers) give the
// exact Authorization header of the AWS SDK captures, when the SDK's own extra headers
// are added — proving paths, queries, hosts and signing parameters line up.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/ecr_api.hpp"
#include "adapters/aws/kms.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/aws/sts.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;

namespace {

credentials capture_creds(bool with_token) {
  credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  if (with_token) c.session_token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=";
  c.source = "static";
  return c;
}

std::chrono::system_clock::time_point capture_time() { return *timefmt::parse_rfc3339("2015-08-30T12:36:00Z"); }

endpoint_settings local() {
  endpoint_settings st;
  st.endpoint_url = "http://127.0.0.1:45123";
  return st;
}

// The JS SDK's own signed headers, copied from the capture; x-amz-content-sha256 and
// content-length too, which the SDK signs outside S3 as well.
void add_sdk_headers(service_request& r, const test::captured_request& cap, bool body_hash) {
  for (const char* name : {"content-length", "x-amz-user-agent", "amz-sdk-invocation-id", "amz-sdk-request",
                           "x-amz-checksum-mode", "x-amz-sdk-checksum-algorithm", "x-amz-checksum-crc32"}) {
    auto v = cap.header(name);
    if (!v.empty()) r.headers.emplace_back(name, v);
  }
  if (body_hash) r.headers.emplace_back("x-amz-content-sha256", digest::sha256_hex(r.body));
}

std::string authorization(const http::request& r) {
  for (const auto& [k, v] : r.headers)
    if (str::iequals(k, "Authorization")) return v;
  return {};
}

void check(const service_request& r, const test::capture_exchange& x, bool with_token) {
  auto signed_req = sign_request(r, capture_creds(with_token), capture_time(), std::chrono::seconds(5));
  BOOST_TEST_CONTEXT(x.name) {
    BOOST_TEST(authorization(signed_req) == x.request.header("authorization"));
    BOOST_TEST(signed_req.url == "http://127.0.0.1:45123" + x.request.path);
    BOOST_TEST(signed_req.body == x.request.body);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing)

BOOST_AUTO_TEST_CASE(kms_decrypt_with_and_without_session_token) {
  auto all = load_capture("kms-decrypt.json");
  auto ep = *resolve_endpoint(service::kms, "us-east-1", local());
  kms::decrypt_params p;
  p.ciphertext_blob = *enc::unbase64("ZmFrZS1jaXBoZXJ0ZXh0LWJsb2IAAQL/");
  p.context = {{"purpose", "test"}};
  p.key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  for (auto [name, token] : {std::pair{"success", false}, std::pair{"success-with-session-token", true}}) {
    auto r = kms::decrypt_request(ep, p);
    add_sdk_headers(r, find_exchange(all, name).request, true);
    check(r, find_exchange(all, name), token);
  }
}

BOOST_AUTO_TEST_CASE(ecr_get_authorization_token) {
  auto all = load_capture("ecr-get-authorization-token.json");
  auto ep = *resolve_endpoint(service::ecr, "us-east-1", local());
  auto r = ecr::get_authorization_token_request(ep);
  add_sdk_headers(r, find_exchange(all, "success-no-registryIds").request, true);
  check(r, find_exchange(all, "success-no-registryIds"), false);
  auto r2 = ecr::get_authorization_token_request(ep, {"123456789012"});
  add_sdk_headers(r2, find_exchange(all, "success-with-registryIds").request, true);
  check(r2, find_exchange(all, "success-with-registryIds"), false);
}

BOOST_AUTO_TEST_CASE(sts_get_caller_identity) {
  auto all = load_capture("sts-assume-role-with-web-identity.json");
  auto r = sts::get_caller_identity_request(*resolve_endpoint(service::sts, "us-east-1", local()));
  add_sdk_headers(r, find_exchange(all, "bonus-GetCallerIdentity-signed").request, true);
  check(r, find_exchange(all, "bonus-GetCallerIdentity-signed"), false);
}

BOOST_AUTO_TEST_CASE(s3_object_operations) {
  auto all = load_capture("s3-object-ops.json");
  auto b = *resolve_s3_bucket("us-east-1", "test-bucket", local());

  auto get = s3::get_object_request(b, "dir/b c+d.txt");
  add_sdk_headers(get, find_exchange(all, "GetObject").request, false);
  check(get, find_exchange(all, "GetObject"), false);

  s3::get_object_params gp;
  gp.if_none_match = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
  auto cond = s3::get_object_request(b, "dir/a.txt", gp);
  add_sdk_headers(cond, find_exchange(all, "GetObject-If-None-Match-304").request, false);
  check(cond, find_exchange(all, "GetObject-If-None-Match-304"), false);

  auto put = s3::put_object_request(b, "dir/a.txt", "hello world", "text/plain");
  add_sdk_headers(put, find_exchange(all, "PutObject").request, false);
  check(put, find_exchange(all, "PutObject"), false);

  s3::list_objects_v2_params lp;
  lp.prefix = "dir/";
  lp.max_keys = 2;
  lp.continuation_token = "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=";
  auto list = s3::list_objects_v2_request(b, lp);
  add_sdk_headers(list, find_exchange(all, "ListObjectsV2").request, false);
  check(list, find_exchange(all, "ListObjectsV2"), false);
}

BOOST_AUTO_TEST_CASE(session_token_and_body_hash_headers) {
  auto b = *resolve_s3_bucket("us-east-1", "test-bucket", local());
  auto signed_req = sign_request(s3::get_object_request(b, "k"), capture_creds(true), capture_time(), std::chrono::seconds(5));
  bool token = false, sha = false, date = false;
  for (const auto& [k, v] : signed_req.headers) {
    token = token || (str::iequals(k, "X-Amz-Security-Token") && v == "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=");
    sha = sha || (str::iequals(k, "x-amz-content-sha256") && v == digest::sha256_hex(""));
    date = date || (str::iequals(k, "X-Amz-Date") && v == "20150830T123600Z");
  }
  BOOST_TEST(token);
  BOOST_TEST(sha);
  BOOST_TEST(date);
  auto auth = authorization(signed_req);
  BOOST_TEST(auth.find("Credential=AKIDEXAMPLE/20150830/us-east-1/s3/aws4_request") != std::string::npos);
  BOOST_TEST(auth.find("x-amz-security-token") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
