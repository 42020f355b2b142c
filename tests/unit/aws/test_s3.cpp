// S3 request builders (paths, queries, headers; virtual host and path style) and the
// ListObjectsV2 / object answers, against the SDK capture.
#include <boost/test/unit_test.hpp>

#include "adapters/aws/s3.hpp"
#include "adapters/common/time.hpp"
#include "captures.hpp"

using namespace fluxaws;
using namespace fluxaws::aws;
using fluxaws::test::find_exchange;
using fluxaws::test::load_capture;
using fluxaws::test::make_response;

namespace {

const std::vector<test::capture_exchange>& captures() {
  static const auto all = load_capture("s3-object-ops.json");
  return all;
}

s3_bucket_endpoint local_bucket() {
  endpoint_settings st;
  st.endpoint_url = "http://127.0.0.1:45123";
  return *resolve_s3_bucket("us-east-1", "test-bucket", st);
}

std::string path_and_query(const service_request& r) {
  auto url = r.url();
  return url.substr(url.find('/', url.find("://") + 3));
}

std::string header(const service_request& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return {};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(s3_wire)

BOOST_AUTO_TEST_CASE(paths_and_queries_match_the_sdk) {
  auto b = local_bucket();
  BOOST_TEST(!b.virtual_host);
  auto get = s3::get_object_request(b, "dir/b c+d.txt");
  BOOST_TEST(path_and_query(get) == find_exchange(captures(), "GetObject").request.path);
  BOOST_TEST(get.method == "GET");
  BOOST_TEST((get.auth == auth_mode::sigv4_s3));
  BOOST_TEST(get.path == "/test-bucket/dir/b c+d.txt");  // raw; the URL carries it encoded

  s3::list_objects_v2_params lp;
  lp.prefix = "dir/";
  lp.max_keys = 2;
  lp.continuation_token = "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=";
  auto list = s3::list_objects_v2_request(b, lp);
  BOOST_TEST(path_and_query(list) == find_exchange(captures(), "ListObjectsV2").request.path);
  BOOST_TEST(list.query.find("encoding-type") == std::string::npos);

  auto put = s3::put_object_request(b, "dir/a.txt", "hello world", "text/plain");
  const auto& px = find_exchange(captures(), "PutObject");
  BOOST_TEST(path_and_query(put) == px.request.path);
  BOOST_TEST(put.method == "PUT");
  BOOST_TEST(put.body == px.request.body);
  BOOST_TEST(header(put, "Content-Type") == "text/plain");

  s3::get_object_params gp;
  gp.if_none_match = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
  gp.if_match = "\"abc\"";
  gp.range = "bytes=0-9";
  auto cond = s3::get_object_request(b, "dir/a.txt", gp);
  BOOST_TEST(path_and_query(cond) == find_exchange(captures(), "GetObject-If-None-Match-304").request.path);
  BOOST_TEST(header(cond, "If-None-Match") == gp.if_none_match);
  BOOST_TEST(header(cond, "If-Match") == "\"abc\"");
  BOOST_TEST(header(cond, "Range") == "bytes=0-9");

  auto head = s3::head_bucket_request(b);
  BOOST_TEST(head.method == "HEAD");
  BOOST_TEST(head.url() == "http://127.0.0.1:45123/test-bucket");
}

BOOST_AUTO_TEST_CASE(virtual_host_style) {
  auto b = *resolve_s3_bucket("eu-west-1", "flux-artifacts", {});
  BOOST_TEST(b.virtual_host);
  BOOST_TEST(s3::get_object_request(b, "a/b~c.tgz").url() ==
             "https://flux-artifacts.s3.eu-west-1.amazonaws.com/a/b~c.tgz?x-id=GetObject");
  BOOST_TEST(s3::list_objects_v2_request(b, {}).url() == "https://flux-artifacts.s3.eu-west-1.amazonaws.com/?list-type=2");
  BOOST_TEST(s3::head_bucket_request(b).url() == "https://flux-artifacts.s3.eu-west-1.amazonaws.com/");
  auto http_req = to_http_request(s3::head_bucket_request(b), std::chrono::seconds(1));
  bool host = false;
  for (const auto& [k, v] : http_req.headers) host = host || (k == "Host" && v == "flux-artifacts.s3.eu-west-1.amazonaws.com");
  BOOST_TEST(host);

  s3::list_objects_v2_params lp;
  lp.start_after = "k 1";
  lp.delimiter = "/";
  BOOST_TEST(s3::list_objects_v2_request(b, lp).query == "delimiter=%2F&list-type=2&start-after=k%201");

  endpoint_settings st;
  st.endpoint_url = "https://minio.example.com/base";
  st.s3_force_path_style = true;
  auto pb = *resolve_s3_bucket("us-east-1", "bkt", st);
  BOOST_TEST(s3::get_object_request(pb, "k").url() == "https://minio.example.com/base/bkt/k?x-id=GetObject");
  BOOST_TEST(s3::list_objects_v2_request(pb, {}).url() == "https://minio.example.com/base/bkt/?list-type=2");
}

BOOST_AUTO_TEST_CASE(list_objects_v2_answer) {
  const auto& x = find_exchange(captures(), "ListObjectsV2");
  auto r = s3::parse_list_objects_v2(x.response);
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? std::string() : r.error().message));
  const auto& out = *x.sdk_result.find("output");
  BOOST_TEST(r->is_truncated);
  BOOST_TEST(r->next_continuation_token == out.find("NextContinuationToken")->as_string());
  BOOST_TEST(r->key_count == 2);
  BOOST_TEST(r->name == "test-bucket");
  BOOST_TEST(r->prefix == "dir/");
  const auto& contents = out.find("Contents")->as_array();
  BOOST_REQUIRE(r->contents.size() == contents.size());
  for (std::size_t i = 0; i < contents.size(); ++i) {
    BOOST_TEST(r->contents[i].key == contents[i].find("Key")->as_string());
    BOOST_TEST(r->contents[i].etag == contents[i].find("ETag")->as_string());
    BOOST_TEST(r->contents[i].size == static_cast<uint64_t>(contents[i].find("Size")->as_int()));
    BOOST_TEST(timefmt::rfc3339_millis(*r->contents[i].last_modified) == contents[i].find("LastModified")->as_string());
  }
  BOOST_TEST(r->contents[1].key == "dir/b c.txt");  // verbatim: no encoding-type=url
}

BOOST_AUTO_TEST_CASE(list_objects_v2_broken_answers) {
  auto list = [](std::string inner) {
    return s3::parse_list_objects_v2(make_response(200, "<ListBucketResult>" + inner + "</ListBucketResult>"));
  };
  BOOST_TEST(list("<IsTruncated>false</IsTruncated>").ok());
  BOOST_TEST(list("").ok());
  BOOST_TEST(!list("<IsTruncated>true</IsTruncated>").ok());  // would loop forever
  BOOST_TEST(!list("<IsTruncated>maybe</IsTruncated>").ok());
  BOOST_TEST(!list("<Contents><Size>1</Size></Contents>").ok());
  BOOST_TEST(!list("<Contents><Key>k</Key><Size>-1</Size></Contents>").ok());
  BOOST_TEST(!list("<Contents><Key>k</Key><Size>99999999999999999999999</Size></Contents>").ok());
  BOOST_TEST(!list("<Contents><Key>k</Key><LastModified>yesterday</LastModified></Contents>").ok());
  BOOST_TEST(!list("<KeyCount>x</KeyCount>").ok());
  BOOST_TEST(!s3::parse_list_objects_v2(make_response(200, "<Error><Code>AccessDenied</Code></Error>")).ok());
  BOOST_TEST(!s3::parse_list_objects_v2(make_response(200, "<Other/>")).ok());
  BOOST_TEST(!s3::parse_list_objects_v2(make_response(200, "<ListBucketResult><Contents>")).ok());
  auto denied = s3::parse_list_objects_v2(
      make_response(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"));
  BOOST_TEST(denied.error().code == "AccessDenied");
  BOOST_TEST(denied.error().status == 403);
}

BOOST_AUTO_TEST_CASE(object_answers) {
  auto ok = s3::parse_object_info(find_exchange(captures(), "GetObject").response, "S3 GetObject");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->etag == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
  BOOST_TEST(ok->content_length == 11u);
  BOOST_TEST(ok->content_type == "text/plain");
  BOOST_TEST(ok->last_modified == "Sun, 30 Aug 2015 12:00:00 GMT");
  auto missing = s3::parse_object_info(find_exchange(captures(), "GetObject-NoSuchKey").response, "S3 GetObject");
  BOOST_TEST(missing.error().code == "NoSuchKey");
  auto not_modified = s3::parse_object_info(find_exchange(captures(), "GetObject-If-None-Match-304").response, "S3 GetObject");
  BOOST_TEST(not_modified.error().code == "NotModified");
  BOOST_TEST(not_modified.error().status == 304);
  auto put = s3::parse_object_info(find_exchange(captures(), "PutObject").response, "S3 PutObject");
  BOOST_TEST(put->etag == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");

  BOOST_TEST(s3::check_head_bucket(make_response(200, "")).ok());
  auto moved = s3::check_head_bucket(make_response(301, "", {{"x-amz-bucket-region", "eu-central-1"}}));
  BOOST_REQUIRE(!moved.ok());
  BOOST_TEST(moved.error().message.find("eu-central-1") != std::string::npos);
  BOOST_TEST(s3::check_head_bucket(make_response(404, "")).error().code == "NotFound");
}

BOOST_AUTO_TEST_SUITE_END()
