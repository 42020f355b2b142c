// signing_key and its cache, sign_headers, sign_query.
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/time.hpp"

namespace sigv4 = fluxaws::aws::sigv4;
using fluxaws::aws::credentials;

namespace {

credentials example_creds(std::string token = "") {
  credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  c.session_token = std::move(token);
  c.source = "static";
  return c;
}

sigv4::signing_params example_params() {
  sigv4::signing_params p;
  p.region = "us-east-1";
  p.service = "service";
  p.time = *fluxaws::timefmt::parse_amz_date("20150830T123600Z");
  p.payload_hash = std::string(sigv4::kEmptyPayloadHash);
  return p;
}

sigv4::http_request get_vanilla() {
  sigv4::http_request r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}};
  return r;
}

std::vector<std::string> header_names(const sigv4::http_request& r) {
  std::vector<std::string> n;
  for (const auto& h : r.headers) n.push_back(h.first);
  return n;
}

const std::string& header(const sigv4::http_request& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (h.first == name) return h.second;
  static const std::string none = "<absent>";
  return none;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_key)

BOOST_AUTO_TEST_CASE(matches_the_aws_documentation_example) {
  // AWS General Reference, "Examples of how to derive a signing key for Signature Version 4".
  const std::string key = sigv4::signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
  BOOST_TEST(key.size() == 32u);
  BOOST_TEST(fluxaws::enc::hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

BOOST_AUTO_TEST_CASE(the_cache_returns_the_derived_key_for_each_distinct_input) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  std::set<std::string> seen;
  for (const char* region : {"us-east-1", "eu-west-1"}) {
    for (const char* service : {"kms", "ecr", "s3"}) {
      for (const char* day : {"20150830", "20150831"}) {
        const std::string direct = sigv4::signing_key(secret, day, region, service);
        BOOST_TEST(sigv4::cached_signing_key(secret, day, region, service) == direct);
        BOOST_TEST(sigv4::cached_signing_key(secret, day, region, service) == direct);  // a hit
        seen.insert(direct);
      }
    }
  }
  BOOST_TEST(seen.size() == 12u);
  // Inputs that concatenate to the same text are still different entries.
  BOOST_TEST(sigv4::cached_signing_key("ab", "20150830", "c", "d") == sigv4::signing_key("ab", "20150830", "c", "d"));
  BOOST_TEST(sigv4::cached_signing_key("a", "20150830", "bc", "d") == sigv4::signing_key("a", "20150830", "bc", "d"));
}

BOOST_AUTO_TEST_CASE(the_cache_stays_correct_past_its_bound_and_across_threads) {
  // More distinct secrets than the cache holds (16 shards x 256), from several threads.
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 1500; ++i) {
        const std::string secret = "secret-" + std::to_string((i * 7 + t) % 5000);
        const std::string region = (i % 3 == 0) ? "us-east-1" : "eu-central-1";
        if (sigv4::cached_signing_key(secret, "20150830", region, "kms") !=
            sigv4::signing_key(secret, "20150830", region, "kms"))
          ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  BOOST_TEST(wrong.load() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sign_headers)

BOOST_AUTO_TEST_CASE(get_vanilla_of_the_aws_suite) {
  auto req = get_vanilla();
  const auto parts = sigv4::sign_headers(req, example_creds(), example_params());
  BOOST_TEST(parts.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  BOOST_TEST(parts.credential_scope == "20150830/us-east-1/service/aws4_request");
  BOOST_TEST(parts.signed_headers == "host;x-amz-date");
  BOOST_TEST(header_names(req) == (std::vector<std::string>{"Host", "X-Amz-Date", "Authorization"}),
             boost::test_tools::per_element());
  BOOST_TEST(header(req, "Authorization") ==
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

BOOST_AUTO_TEST_CASE(s3_get_object_of_the_s3_documentation) {
  sigv4::http_request req;
  req.method = "GET";
  req.path = "/test.txt";
  req.headers = {{"Host", "examplebucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  credentials c;
  c.access_key_id = "AKIAIOSFODNN7EXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  sigv4::signing_params p;
  p.region = "us-east-1";
  p.service = "s3";
  p.time = *fluxaws::timefmt::parse_amz_date("20130524T000000Z");
  p.normalize_path = false;
  p.sign_body_header = true;
  const auto parts = sigv4::sign_headers(req, c, p);
  BOOST_TEST(parts.signed_headers == "host;range;x-amz-content-sha256;x-amz-date");
  BOOST_TEST(parts.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  BOOST_TEST(header(req, "x-amz-content-sha256") == std::string(sigv4::kEmptyPayloadHash));
}

BOOST_AUTO_TEST_CASE(signing_again_replaces_what_the_last_signature_added) {
  auto req = get_vanilla();
  auto p = example_params();
  p.sign_body_header = true;
  const auto creds = example_creds("token-1");
  const auto first = sigv4::sign_headers(req, creds, p);
  const auto headers_after_first = req.headers;
  const auto second = sigv4::sign_headers(req, creds, p);
  BOOST_TEST(first.signature == second.signature);
  BOOST_TEST(req.headers == headers_after_first);
  BOOST_TEST(header_names(req) ==
                 (std::vector<std::string>{"Host", "X-Amz-Date", "X-Amz-Security-Token", "x-amz-content-sha256",
                                           "Authorization"}),
             boost::test_tools::per_element());
  // A new clock gives a new date and signature, not a second X-Amz-Date.
  p.time += std::chrono::seconds(1);
  const auto third = sigv4::sign_headers(req, creds, p);
  BOOST_TEST(third.signature != first.signature);
  BOOST_TEST(header(req, "X-Amz-Date") == "20150830T123601Z");
  BOOST_TEST(req.headers.size() == 5u);
}

BOOST_AUTO_TEST_CASE(session_token_signed_by_default_and_added_after_when_omitted) {
  auto req = get_vanilla();
  auto parts = sigv4::sign_headers(req, example_creds("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
                                   example_params());
  BOOST_TEST(parts.signed_headers == "host;x-amz-date;x-amz-security-token");
  BOOST_TEST(parts.signature == "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");

  auto req2 = get_vanilla();
  req2.method = "POST";
  auto p = example_params();
  p.omit_session_token = true;
  const std::string token =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/"
      "qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+"
      "xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
  parts = sigv4::sign_headers(req2, example_creds(token), p);
  BOOST_TEST(parts.signed_headers == "host;x-amz-date");
  BOOST_TEST(parts.signature == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
  BOOST_TEST(header(req2, "X-Amz-Security-Token") == token);
}

BOOST_AUTO_TEST_CASE(hop_by_hop_and_client_identity_headers_are_not_signed) {
  auto req = get_vanilla();
  req.headers.emplace_back("User-Agent", "fluxaws/0.1");
  req.headers.emplace_back("Connection", "keep-alive");
  req.headers.emplace_back("X-Amzn-Trace-Id", "Root=1-abc");
  req.headers.emplace_back("Expect", "100-continue");
  req.headers.emplace_back("Transfer-Encoding", "chunked");
  const auto parts = sigv4::sign_headers(req, example_creds(), example_params());
  BOOST_TEST(parts.signed_headers == "host;x-amz-date");
  BOOST_TEST(parts.signature == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

BOOST_AUTO_TEST_CASE(payload_hash_is_the_body_hash_or_the_literal_given) {
  auto req = get_vanilla();
  req.method = "POST";
  req.body = "Param1=value1";
  auto p = example_params();
  p.payload_hash.reset();
  p.sign_body_header = true;
  auto parts = sigv4::sign_headers(req, example_creds(), p);
  BOOST_TEST(header(req, "x-amz-content-sha256") == "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  BOOST_TEST(parts.canonical_request.substr(parts.canonical_request.rfind('\n') + 1) ==
             "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  p.payload_hash = std::string(sigv4::kUnsignedPayload);
  parts = sigv4::sign_headers(req, example_creds(), p);
  BOOST_TEST(header(req, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
  BOOST_TEST(parts.canonical_request.substr(parts.canonical_request.rfind('\n') + 1) == "UNSIGNED-PAYLOAD");
}

BOOST_AUTO_TEST_CASE(with_and_without_the_key_cache_sign_alike) {
  auto a = get_vanilla(), b = get_vanilla();
  auto p = example_params();
  p.cache_signing_key = false;
  const auto uncached = sigv4::sign_headers(a, example_creds(), p);
  p.cache_signing_key = true;
  const auto cached = sigv4::sign_headers(b, example_creds(), p);
  BOOST_TEST(uncached.signature == cached.signature);
  BOOST_TEST(a.headers == b.headers);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sign_query)

BOOST_AUTO_TEST_CASE(get_vanilla_presigned) {
  auto req = get_vanilla();
  const auto parts = sigv4::sign_query(req, example_creds(), example_params());
  BOOST_TEST(parts.signature == "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
  BOOST_TEST(req.query ==
             "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request"
             "&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
             "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
  BOOST_TEST(req.headers.size() == 1u);  // presigning leaves the headers alone
}

BOOST_AUTO_TEST_CASE(presigning_again_replaces_the_old_parameters) {
  auto req = get_vanilla();
  req.query = "Param1=value1";
  auto p = example_params();
  const auto first = sigv4::sign_query(req, example_creds("tok/en+"), p);
  const std::string once = req.query;
  const auto second = sigv4::sign_query(req, example_creds("tok/en+"), p);
  BOOST_TEST(first.signature == second.signature);
  BOOST_TEST(req.query == once);
  BOOST_TEST(once.find("Param1=value1&X-Amz-Algorithm=") == 0u);
  BOOST_TEST(once.find("&X-Amz-Security-Token=tok%2Fen%2B&X-Amz-Signature=") != std::string::npos);
  BOOST_TEST(first.canonical_request.find("X-Amz-Security-Token=tok%2Fen%2B") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(omitted_token_is_appended_but_not_signed) {
  auto req = get_vanilla();
  auto p = example_params();
  p.omit_session_token = true;
  p.expires = std::chrono::seconds(86400);
  const auto parts = sigv4::sign_query(req, example_creds("abc"), p);
  BOOST_TEST(parts.canonical_request.find("X-Amz-Security-Token") == std::string::npos);
  BOOST_TEST(req.query.find("X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Security-Token=abc&X-Amz-Signature=") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
