// The world file (conformance world and bad inputs), host routing, S3 listing and
// range/chunked parsing, fault plans.
#include <boost/test/unit_test.hpp>

#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/faults.hpp"
#include "tests/emulator/routing.hpp"
#include "tests/emulator/s3_service.hpp"
#include "tests/emulator/s3_store.hpp"
#include "tests/emulator/world.hpp"

using namespace emu;

namespace {

std::string worlds_dir() { return std::string(FLUXAWS_EMULATOR_DIR) + "/worlds"; }

fluxaws::result<world> world_of(const std::string& yaml) {
  auto doc = fluxaws::yamljson::parse_yaml(yaml);
  BOOST_REQUIRE(doc.ok());
  return parse_world(*doc, worlds_dir());
}

http_request get(std::string target) {
  http_request r{http::verb::get, bsv(target), 11};
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(world_file)

BOOST_AUTO_TEST_CASE(conformance_world_has_the_issue_identifiers) {
  auto r = load_world(worlds_dir() + "/conformance.yaml");
  BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  const auto& w = r.value();
  BOOST_TEST(w.accounts.front() == "111122223333");
  BOOST_TEST((w.regions == std::vector<std::string>{"us-east-1", "eu-west-1"}));
  BOOST_REQUIRE(w.users.size() == 2u);
  BOOST_TEST(w.users[0].keys[0].id == "AKIACONFORMANCE00001");
  BOOST_TEST(w.users[0].keys[0].secret == "conformance/Secret+Key/00001");
  BOOST_TEST(w.users[1].keys[0].id == "AKIAOUTSIDER00000001");
  BOOST_TEST(w.users[1].policies.empty());
  BOOST_TEST(w.find_role("arn:aws:iam::111122223333:role/tenant-a") != nullptr);
  BOOST_TEST(w.find_role("arn:aws:iam::111122223333:role/tenant-b") != nullptr);
  BOOST_TEST(w.find_role("arn:aws:iam::111122223333:role/controller") != nullptr);
  BOOST_TEST(w.instance_role_arn == "arn:aws:iam::111122223333:role/node");
  BOOST_REQUIRE(w.oidc_providers.size() == 1u);
  BOOST_TEST(w.oidc_providers[0].arn == "arn:aws:iam::111122223333:oidc-provider/oidc.conformance.local");
  BOOST_TEST(w.buckets.size() == 2u);
  BOOST_TEST(w.buckets[1].region == "eu-west-1");
  BOOST_TEST(w.kms_keys.size() == 2u);
  BOOST_TEST(w.kms_keys[0].aliases[0] == "alias/tenant-a");
  BOOST_TEST(w.repositories.size() == 3u);
  BOOST_TEST(w.repositories[0].ranges[0].to == 1500);
  BOOST_TEST(w.pod_identity_associations[0].role_arn == "arn:aws:iam::111122223333:role/controller");
}

BOOST_AUTO_TEST_CASE(bad_worlds_name_the_entry_and_the_reason) {
  auto no_accounts = world_of("regions: [us-east-1]\n");
  BOOST_REQUIRE(!no_accounts.ok());
  BOOST_TEST(no_accounts.error().message.find("accounts") != std::string::npos);

  auto bad_policy = world_of(R"(accounts: ["111122223333"]
iam:
  users:
    - name: u
      policies:
        - {Statement: [{Effect: Perhaps, Action: "*"}]}
)");
  BOOST_REQUIRE(!bad_policy.ok());
  BOOST_TEST(bad_policy.error().message.find("iam.users[0].policies[0]") != std::string::npos);

  auto bad_role_ref = world_of(R"(accounts: ["111122223333"]
iam:
  instanceRole: ghost
)");
  BOOST_REQUIRE(!bad_role_ref.ok());
  BOOST_TEST(bad_role_ref.error().message.find("ghost") != std::string::npos);

  auto bad_region = world_of(R"(accounts: ["111122223333"]
regions: [us-east-1]
s3: {buckets: [{name: b-ok, region: eu-west-9}]}
)");
  BOOST_REQUIRE(!bad_region.ok());
  BOOST_TEST(bad_region.error().message.find("eu-west-9") != std::string::npos);

  auto dup_key = world_of(R"(accounts: ["111122223333"]
iam:
  users:
    - {name: a, accessKeys: [{id: AKIAAAAAAAAAAAAAAAAA, secret: s}]}
    - {name: b, accessKeys: [{id: AKIAAAAAAAAAAAAAAAAA, secret: t}]}
)");
  BOOST_REQUIRE(!dup_key.ok());
  BOOST_TEST(dup_key.error().message.find("duplicate access key") != std::string::npos);

  // An unquoted account id (a YAML integer) is still read as the 12-digit id.
  auto numeric = world_of("accounts: [111122223333]\n");
  BOOST_REQUIRE(numeric.ok());
  BOOST_TEST(numeric->accounts.front() == "111122223333");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(routing)

BOOST_AUTO_TEST_CASE(hosts_map_to_services) {
  auto req = get("/");
  auto r = classify("sts.us-east-1.amazonaws.com", req);
  BOOST_TEST((r.service == service_kind::sts));
  BOOST_TEST(r.region == "us-east-1");
  BOOST_TEST((classify("sts.amazonaws.com", req).service == service_kind::sts));
  BOOST_TEST(classify("sts.amazonaws.com", req).region == "us-east-1");
  BOOST_TEST((classify("sts-fips.us-east-2.amazonaws.com", req).service == service_kind::sts));
  BOOST_TEST((classify("api.ecr.eu-west-1.amazonaws.com", req).service == service_kind::ecr_api));
  auto reg = classify("111122223333.dkr.ecr.us-east-1.amazonaws.com", req);
  BOOST_TEST((reg.service == service_kind::registry));
  BOOST_TEST(reg.account == "111122223333");
  BOOST_TEST((classify("kms.eu-west-1.amazonaws.com", req).service == service_kind::kms));
  auto vh = classify("tenant-a-manifests.s3.us-east-1.amazonaws.com", req);
  BOOST_TEST((vh.service == service_kind::s3));
  BOOST_TEST(vh.bucket == "tenant-a-manifests");
  BOOST_TEST(vh.region == "us-east-1");
  auto dotted = classify("my.dotted.bucket.s3.dualstack.eu-west-1.amazonaws.com", req);
  BOOST_TEST(dotted.bucket == "my.dotted.bucket");
  BOOST_TEST(dotted.region == "eu-west-1");
  auto path_style = classify("s3.eu-west-1.amazonaws.com", req);
  BOOST_TEST((path_style.service == service_kind::s3));
  BOOST_TEST(path_style.bucket.empty());
  BOOST_TEST((classify("169.254.169.254", req).service == service_kind::imds));
  BOOST_TEST((classify("169.254.170.23", req).service == service_kind::pod_identity));
  BOOST_TEST((classify("unknown.amazonaws.com", req).service == service_kind::unknown));
  auto admin = get("/_emulator/calls");
  BOOST_TEST((classify("kms.us-east-1.amazonaws.com", admin).service == service_kind::admin));
}

BOOST_AUTO_TEST_CASE(bare_address_routes_by_signature_or_shape) {
  auto signed_kms = get("/");
  signed_kms.set(http::field::authorization,
                 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/kms/aws4_request, "
                 "SignedHeaders=host;x-amz-date, Signature=abc");
  auto r = classify("127.0.0.1", signed_kms);
  BOOST_TEST((r.service == service_kind::kms));
  BOOST_TEST(r.region == "eu-west-1");
  BOOST_TEST(r.bare);
  http_request sts{http::verb::post, "/", 11};
  sts.set(http::field::content_type, "application/x-www-form-urlencoded");
  sts.body() = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  BOOST_TEST((classify("127.0.0.1", sts).service == service_kind::sts));
  BOOST_TEST((classify("localhost", get("/latest/meta-data/")).service == service_kind::imds));
  BOOST_TEST((classify("127.0.0.1", get("/v1/credentials")).service == service_kind::pod_identity));
  BOOST_TEST((classify("127.0.0.1", get("/v2/")).service == service_kind::registry));
  BOOST_TEST((classify("127.0.0.1", get("/bucket/key")).service == service_kind::s3));
  BOOST_TEST(host_of("Sts.Amazonaws.com:443") == "sts.amazonaws.com");
  BOOST_TEST(host_of("[::1]:8443") == "[::1]");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(s3_logic)

BOOST_AUTO_TEST_CASE(listing_pages_with_prefix_delimiter_and_tokens) {
  bucket_def def;
  def.name = "b";
  s3_bucket b(def);
  for (const char* k : {"a.yaml", "dir/x.yaml", "dir/y.yaml", "dir/sub/z.yaml", "e.yaml", "f/g.yaml"})
    b.put(k, make_object(k, "text/plain"));
  s3_list_request all;
  all.max_keys = 2;
  std::vector<std::string> keys;
  std::string token;
  int pages = 0;
  do {
    all.continuation_token = token;
    auto page = b.list(all);
    BOOST_REQUIRE(page.ok());
    for (const auto& e : page->contents) keys.push_back(e.key);
    token = page->truncated ? page->next_token : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  BOOST_TEST(pages == 3);
  BOOST_TEST((keys == std::vector<std::string>{"a.yaml", "dir/sub/z.yaml", "dir/x.yaml", "dir/y.yaml", "e.yaml",
                                               "f/g.yaml"}));

  s3_list_request delim;
  delim.delimiter = "/";
  auto top = b.list(delim);
  BOOST_REQUIRE(top.ok());
  BOOST_TEST(top->contents.size() == 2u);
  BOOST_TEST((top->common_prefixes == std::vector<std::string>{"dir/", "f/"}));

  s3_list_request in_dir;
  in_dir.prefix = "dir/";
  in_dir.delimiter = "/";
  in_dir.max_keys = 1;
  auto p1 = b.list(in_dir);
  BOOST_REQUIRE(p1.ok());
  BOOST_TEST(p1->common_prefixes.size() == 1u);  // dir/sub/ sorts first
  BOOST_TEST(p1->truncated);
  in_dir.continuation_token = p1->next_token;
  auto p2 = b.list(in_dir);
  BOOST_REQUIRE(p2.ok());
  BOOST_REQUIRE(p2->contents.size() == 1u);
  BOOST_TEST(p2->contents[0].key == "dir/x.yaml");

  s3_list_request after;
  after.start_after = "dir/y.yaml";
  auto pa = b.list(after);
  BOOST_REQUIRE(pa.ok());
  BOOST_TEST(pa->contents.size() == 2u);

  s3_list_request bad;
  bad.continuation_token = "bm90LW91cnM=";
  BOOST_TEST(!b.list(bad).ok());
  BOOST_TEST(make_object("hello world", "").etag == "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"");
}

BOOST_AUTO_TEST_CASE(ranges_and_chunked_bodies) {
  auto r = parse_range("bytes=0-9", 100);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->value().first == 0u);
  BOOST_TEST(r->value().last == 9u);
  BOOST_TEST(parse_range("bytes=-10", 100)->value().first == 90u);
  BOOST_TEST(parse_range("bytes=95-", 100)->value().last == 99u);
  BOOST_TEST(parse_range("bytes=50-500", 100)->value().last == 99u);
  BOOST_TEST(!parse_range("bytes=100-", 100)->ok());
  BOOST_TEST(!parse_range("items=1-2", 100));
  BOOST_TEST(!parse_range("bytes=0-1,4-5", 100));

  std::map<std::string, std::string> trailers;
  auto body = decode_aws_chunked("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n", trailers);
  BOOST_REQUIRE(body.ok());
  BOOST_TEST(*body == "hello world");
  BOOST_TEST(trailers["x-amz-checksum-crc32"] == "DUoRhQ==");
  auto signed_chunks = decode_aws_chunked("5;chunk-signature=ab\r\nhello\r\n0;chunk-signature=cd\r\n\r\n", trailers);
  BOOST_REQUIRE(signed_chunks.ok());
  BOOST_TEST(*signed_chunks == "hello");
  BOOST_TEST(!decode_aws_chunked("5\r\nhel", trailers).ok());
  BOOST_TEST(!decode_aws_chunked("zz\r\n", trailers).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fault_plans)

BOOST_AUTO_TEST_CASE(rates_and_latency_parse_and_draw) {
  fault_plan plan;
  BOOST_TEST((plan.draw("sts").fault == fault_kind::none));
  auto all_throttle = fluxaws::json::parse(R"({"sts":{"throttle":1.0}})");
  BOOST_REQUIRE(plan.set_faults(*all_throttle, false).ok());
  for (int i = 0; i < 20; ++i) BOOST_TEST((plan.draw("sts").fault == fault_kind::throttle));
  BOOST_TEST((plan.draw("kms").fault == fault_kind::none));
  auto too_much = fluxaws::json::parse(R"({"sts":{"throttle":0.7,"error500":0.7}})");
  BOOST_TEST(!plan.set_faults(*too_much, false).ok());
  BOOST_TEST(!plan.set_faults(*fluxaws::json::parse(R"({"nope":{"throttle":0.1}})"), false).ok());
  auto lat = fluxaws::json::parse(R"({"default":{"fixed":"5ms","jitter":"1ms"}})");
  BOOST_REQUIRE(plan.set_latency(*lat, true).ok());
  auto d = plan.draw("kms");
  BOOST_TEST(d.delay.count() >= 5000);
  BOOST_TEST(d.delay.count() <= 6000);
  BOOST_REQUIRE(plan.set_faults(fluxaws::json::value::make_object(), true).ok());
  BOOST_TEST((plan.draw("sts").fault == fault_kind::none));
}

BOOST_AUTO_TEST_SUITE_END()
