// Rate-limit keys: accounts from ARNs, S3 bucket scopes, recognising signed, presigned
// and web-identity requests, registry hosts.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/call_key.hpp"
#include "adapters/aws/endpoints.hpp"
#include "adapters/aws/kms.hpp"
#include "adapters/aws/s3.hpp"
#include "adapters/aws/sts.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using namespace std::chrono_literals;

namespace {

credentials test_creds() { return {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", std::nullopt, "static"}; }

}  // namespace

BOOST_AUTO_TEST_SUITE(call_key_suite)

BOOST_AUTO_TEST_CASE(accounts_come_from_arns_only) {
  BOOST_TEST(account_of_arn("arn:aws:iam::111122223333:role/tenant-a") == "111122223333");
  BOOST_TEST(account_of_arn("arn:aws:sts::111122223333:assumed-role/tenant-a/s1") == "111122223333");
  BOOST_TEST(account_of_arn("arn:aws-cn:kms:cn-north-1:210987654321:key/abc") == "210987654321");
  BOOST_TEST(account_of_arn("arn:aws:s3:::bucket") == "");
  BOOST_TEST(account_of_arn("arn:aws:iam::12345:role/short") == "");
  BOOST_TEST(account_of_arn("not an arn") == "");
  BOOST_TEST(account_of_arn("") == "");
}

BOOST_AUTO_TEST_CASE(s3_is_keyed_by_bucket_in_either_style) {
  BOOST_TEST(s3_bucket_scope("tenant-a.s3.us-east-1.amazonaws.com", "/dir/obj") ==
             "tenant-a.s3.us-east-1.amazonaws.com");
  BOOST_TEST(s3_bucket_scope("s3.us-east-1.amazonaws.com", "/my.bucket/dir/obj") ==
             "s3.us-east-1.amazonaws.com/my.bucket");
  BOOST_TEST(s3_bucket_scope("127.0.0.1:9000", "/bucket") == "127.0.0.1:9000/bucket");
  BOOST_TEST(s3_bucket_scope("S3.Amazonaws.com", "/") == "s3.amazonaws.com");
  // The key ignores the account for S3 (S3 throttles per prefix).
  auto k = make_limit_key("s3", "us-east-1", "s3.us-east-1.amazonaws.com", "/b/k", "111122223333");
  BOOST_TEST(k.scope == "s3/s3.us-east-1.amazonaws.com/b");
}

BOOST_AUTO_TEST_CASE(the_account_wins_over_the_host_when_known) {
  auto ep = *resolve_endpoint(service::kms, "eu-west-1", {});
  auto sreq = kms::decrypt_request(ep, kms::decrypt_params{"blob", {}, {}, "", ""});
  auto known = key_for(sreq, "111122223333");
  BOOST_TEST(known.service == "kms");
  BOOST_TEST(known.region == "eu-west-1");
  BOOST_TEST(known.scope == "acct/111122223333");
  BOOST_TEST(known.to_string() == "kms eu-west-1 acct/111122223333");
  auto unknown = key_for(sreq, "");
  BOOST_TEST(unknown.scope == "host/kms.eu-west-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(listing_and_downloads_of_a_bucket_share_a_key) {
  auto b = *resolve_s3_bucket("us-east-1", "tenant-a-manifests", {});
  auto list = s3::list_objects_v2_request(b, {});
  auto get = s3::get_object_request(b, "dir/file.yaml", {});
  auto signed_get = sign_request(get, test_creds(), std::chrono::system_clock::now(), 5s);
  auto t = classify_request(signed_get);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->service == "s3");
  BOOST_TEST(t->region == "us-east-1");
  BOOST_TEST(t->access_key_id == "AKIDEXAMPLE");
  auto from_http = make_limit_key(t->service, t->region, t->host, t->path, "");
  BOOST_TEST((from_http == key_for(list, "")));
  BOOST_TEST(from_http.scope == "s3/tenant-a-manifests.s3.us-east-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(signed_presigned_and_web_identity_requests_are_recognised) {
  auto sts_ep = *resolve_endpoint(service::sts, "eu-west-1", {});
  auto signed_req = sign_request(sts::get_caller_identity_request(sts_ep), test_creds(),
                                 std::chrono::system_clock::now(), 5s);
  auto a = classify_request(signed_req);
  BOOST_REQUIRE(a.has_value());
  BOOST_TEST(a->service == "sts");
  BOOST_TEST(a->region == "eu-west-1");
  BOOST_TEST(a->account == "");

  http::request presigned;
  presigned.url = "https://b.s3.us-west-2.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                  "AKIDEXAMPLE%2F20240101%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=00";
  auto p = classify_request(presigned);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(p->service == "s3");
  BOOST_TEST(p->region == "us-west-2");
  BOOST_TEST(p->access_key_id == "AKIDEXAMPLE");

  sts::web_identity_params wi;
  wi.role_arn = "arn:aws:iam::111122223333:role/tenant-a";
  wi.role_session_name = "s";
  wi.web_identity_token = "token";
  auto unsigned_req = to_http_request(sts::assume_role_with_web_identity_request(sts_ep, wi), 5s);
  auto w = classify_request(unsigned_req);
  BOOST_REQUIRE(w.has_value());
  BOOST_TEST(w->service == "sts");
  BOOST_TEST(w->region == "eu-west-1");
  BOOST_TEST(w->account == "111122223333");
  BOOST_TEST(w->access_key_id == "");

  auto global = *resolve_endpoint(service::sts, "aws-global", {});
  auto g = classify_request(to_http_request(sts::assume_role_with_web_identity_request(global, wi), 5s));
  BOOST_REQUIRE(g.has_value());
  BOOST_TEST(g->region == "us-east-1");
}

BOOST_AUTO_TEST_CASE(other_traffic_is_not_an_aws_call) {
  http::request artifact;
  artifact.url = "http://127.0.0.1:9090/bucket/default/x/abc.tar.gz";
  BOOST_TEST(!classify_request(artifact).has_value());
  http::request imds;
  imds.method = "PUT";
  imds.url = "http://169.254.169.254/latest/api/token";
  BOOST_TEST(!classify_request(imds).has_value());
  http::request bogus;
  bogus.url = "https://sts.amazonaws.com/";
  bogus.headers = {{"Authorization", "AWS4-HMAC-SHA256 garbage"}};
  BOOST_TEST(!classify_request(bogus).has_value());
  http::request not_a_url;
  not_a_url.url = "sts.amazonaws.com";
  BOOST_TEST(!classify_request(not_a_url).has_value());
}

BOOST_AUTO_TEST_CASE(ecr_registry_hosts_name_account_and_region) {
  auto ecr = registry_key("111122223333.dkr.ecr.eu-west-1.amazonaws.com");
  BOOST_TEST(ecr.service == "registry");
  BOOST_TEST(ecr.region == "eu-west-1");
  BOOST_TEST(ecr.scope == "acct/111122223333");
  auto other = registry_key("ghcr.io");
  BOOST_TEST(other.region == "");
  BOOST_TEST(other.scope == "host/ghcr.io");
  // Look-alikes stay keyed by their host.
  BOOST_TEST(registry_key("111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.com").scope ==
             "host/111122223333.dkr.ecr.eu-west-1.amazonaws.com.evil.com");
  // normalize_key leaves non-registry keys alone.
  limit_key k{"sts", "", "host/111122223333.dkr.ecr.eu-west-1.amazonaws.com"};
  BOOST_TEST((normalize_key(k) == k));
}

BOOST_AUTO_TEST_SUITE_END()
