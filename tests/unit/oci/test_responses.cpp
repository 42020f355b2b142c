// Registry answers: error mapping (status, registry codes and messages), tag lists,
// manifests checked against Docker-Content-Digest and the requested digest, HEAD.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/registry_errors.hpp"
#include "adapters/oci/registry_responses.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {

const std::string manifest_body =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]})";

http::response answer(std::string body, http::header_list headers) {
  http::response r;
  r.status = 200;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(responses)

BOOST_AUTO_TEST_CASE(status_mapping_with_registry_messages) {
  auto denied = error_from_status(
      403, R"({"errors":[{"code":"DENIED","message":"User: arn:aws:sts::1:assumed-role/x is not authorized to perform: ecr:BatchGetImage"}]})",
      "manifest r/app:v1");
  BOOST_TEST(denied.code == errc::denied);
  BOOST_TEST(denied.status == 403);
  BOOST_TEST(denied.message ==
             "manifest r/app:v1: 403 Forbidden: DENIED: User: arn:aws:sts::1:assumed-role/x is not authorized to "
             "perform: ecr:BatchGetImage");
  auto missing = error_from_status(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}},{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})", "m");
  BOOST_TEST(missing.code == errc::not_found);
  BOOST_TEST(missing.message == "m: 404 Not Found: MANIFEST_UNKNOWN: manifest unknown; NAME_UNKNOWN: repository name "
                                "not known to registry");
  BOOST_TEST(error_from_status(429, "", "m").code == errc::too_many_requests);
  BOOST_TEST(error_from_status(401, "", "m").code == errc::unauthorized);
  auto server = error_from_status(503, "<html>\n  <body>upstream\tdown</body>\n</html>", "m");
  BOOST_TEST(server.code == errc::registry_error);
  BOOST_TEST(server.message == "m: 503 Service Unavailable: <html> <body>upstream down</body> </html>");
  auto binary = error_from_status(500, std::string("\x00\x01\x02", 3), "m");
  BOOST_TEST(binary.message == "m: 500 Internal Server Error");
  auto odd = error_from_status(418, "", "m");
  BOOST_TEST(odd.message == "m: 418");
}

BOOST_AUTO_TEST_CASE(transport_failures) {
  http::response r;
  r.fail = http::failure::timeout;
  r.error = "no answer after 100 ms";
  auto t = error_from_failure(r, "https://user:pw@reg.example/v2/x", "blob b");
  BOOST_TEST(t.code == errc::timeout);
  BOOST_TEST(t.message.find("reg.example") != std::string::npos);
  BOOST_TEST(t.message.find("pw") == std::string::npos);
  r.fail = http::failure::connection_refused;
  BOOST_TEST(error_from_failure(r, "https://reg.example/", "x").code == errc::network_error);
}

BOOST_AUTO_TEST_CASE(tag_lists) {
  auto tags = parse_tag_list(R"({"name":"team/app","tags":["v1","v2","latest"]})", "tags");
  BOOST_REQUIRE(tags.ok());
  BOOST_TEST(tags->size() == 3u);
  BOOST_TEST(tags->at(2) == "latest");
  BOOST_TEST(parse_tag_list(R"({"name":"team/app","tags":null})", "tags")->empty());
  BOOST_TEST(parse_tag_list(R"({"name":"team/app"})", "tags")->empty());
  for (const char* bad : {"", "[]", R"({"tags": "v1"})", R"({"tags": [1]})", "{"}) {
    auto r = parse_tag_list(bad, "tags of r/app");
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(r.error().code == errc::invalid_response);
  }
}

BOOST_AUTO_TEST_CASE(manifest_by_tag_with_header) {
  auto d = sha256_digest(manifest_body);
  auto r = check_manifest("v1", answer(manifest_body, {{"Docker-Content-Digest", d},
                                                      {"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}),
                          "m");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->digest == d);
  BOOST_TEST(r->media_type == "application/vnd.oci.image.manifest.v1+json");
  BOOST_TEST(r->body == manifest_body);
}

BOOST_AUTO_TEST_CASE(manifest_by_tag_without_header) {
  auto r = check_manifest("v1", answer(manifest_body, {}), "m");
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->digest == sha256_digest(manifest_body));
}

BOOST_AUTO_TEST_CASE(manifest_header_must_match_the_bytes) {
  // One byte of whitespace changes the digest: the exact bytes count.
  auto served = manifest_body + "\n";
  auto r = check_manifest("v1", answer(served, {{"docker-content-digest", sha256_digest(manifest_body)}}), "m");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == errc::digest_mismatch);
  BOOST_TEST(r.error().message.find("Docker-Content-Digest") != std::string::npos);
  auto garbage = check_manifest("v1", answer(manifest_body, {{"Docker-Content-Digest", "nope"}}), "m");
  BOOST_REQUIRE(!garbage.ok());
  BOOST_TEST(garbage.error().code == errc::invalid_response);
}

BOOST_AUTO_TEST_CASE(manifest_by_digest_must_hash_to_it) {
  auto d = sha256_digest(manifest_body);
  auto ok = check_manifest(d, answer(manifest_body, {}), "m");
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok->digest == d);
  auto other = sha256_digest("something else");
  // The registry claims the other digest and serves bytes hashing to it: still not
  // what was asked for.
  auto wrong = check_manifest(other, answer(manifest_body, {{"Docker-Content-Digest", d}}), "m");
  BOOST_REQUIRE(!wrong.ok());
  BOOST_TEST(wrong.error().code == errc::digest_mismatch);
}

BOOST_AUTO_TEST_CASE(manifest_that_does_not_parse) {
  auto r = check_manifest("v1", answer("{\"schemaVersion\":2}", {}), "manifest r/app:v1");
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().code == errc::manifest_invalid);
}

BOOST_AUTO_TEST_CASE(head_answers) {
  auto d = sha256_digest(manifest_body);
  auto h = check_head("v1", answer("", {{"Docker-Content-Digest", d}, {"Content-Type", "application/vnd.oci.image.index.v1+json"}, {"Content-Length", "1234"}}), "m");
  BOOST_REQUIRE(h.ok());
  BOOST_REQUIRE(h.value().has_value());
  BOOST_TEST(h.value()->digest == d);
  BOOST_TEST(h.value()->media_type == "application/vnd.oci.image.index.v1+json");
  BOOST_TEST(h.value()->size == 1234u);
  auto missing = check_head("v1", answer("", {}), "m");
  BOOST_REQUIRE(missing.ok());
  BOOST_TEST(!missing.value().has_value());
  auto mismatch = check_head(sha256_digest("x"), answer("", {{"Docker-Content-Digest", d}}), "m");
  BOOST_REQUIRE(!mismatch.ok());
  BOOST_TEST(mismatch.error().code == errc::digest_mismatch);
}

BOOST_AUTO_TEST_SUITE_END()
