// The small URL model and the registry API URLs.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/registry_url.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

BOOST_AUTO_TEST_SUITE(urls)

BOOST_AUTO_TEST_CASE(parse) {
  auto u = parse_http_url("HTTPS://Reg.Example:8443/v2/a/../b/./c?x=1#frag");
  BOOST_REQUIRE(u.ok());
  BOOST_TEST(u->scheme == "https");
  BOOST_TEST(u->host == "reg.example");
  BOOST_TEST(u->port == "8443");
  BOOST_TEST(u->target == "/v2/b/c?x=1");
  BOOST_TEST(u->effective_port() == 8443u);
  BOOST_TEST(u->str() == "https://reg.example:8443/v2/b/c?x=1");

  auto bare = parse_http_url("http://h");
  BOOST_REQUIRE(bare.ok());
  BOOST_TEST(bare->target == "/");
  BOOST_TEST(bare->effective_port() == 80u);

  auto v6 = parse_http_url("http://[::1]:5000/v2/");
  BOOST_REQUIRE(v6.ok());
  BOOST_TEST(v6->host == "[::1]");
  BOOST_TEST(v6->port == "5000");
}

BOOST_AUTO_TEST_CASE(refused) {
  for (const char* bad : {"", "/v2/", "ftp://h/x", "https://", "https://user@h/x", "https://h:0/x", "https://h:abc/",
                          "https:/h/x", "https://h/a b"}) {
    BOOST_TEST(!parse_http_url(bad).ok(), bad);
  }
}

BOOST_AUTO_TEST_CASE(origins) {
  auto a = parse_http_url("https://h/x");
  auto b = parse_http_url("https://H:443/y");
  auto c = parse_http_url("http://h:443/y");
  BOOST_REQUIRE(a.ok() && b.ok() && c.ok());
  BOOST_TEST(same_origin(*a, *b));
  BOOST_TEST(!same_origin(*a, *c));
}

BOOST_AUTO_TEST_CASE(registry_urls) {
  repository_ref repo{"reg.example:5000", "team/app"};
  BOOST_TEST(ping_url(repo, false) == "https://reg.example:5000/v2/");
  BOOST_TEST(ping_url(repo, true) == "http://reg.example:5000/v2/");
  BOOST_TEST(tags_url(repo, false, 1000) == "https://reg.example:5000/v2/team/app/tags/list?n=1000");
  BOOST_TEST(tags_url(repo, false, 0) == "https://reg.example:5000/v2/team/app/tags/list");
  BOOST_TEST(manifest_url(repo, "v1", false) == "https://reg.example:5000/v2/team/app/manifests/v1");
  BOOST_TEST(blob_url(repo, "sha256:ab", false) == "https://reg.example:5000/v2/team/app/blobs/sha256:ab");
  BOOST_TEST(pull_scope(repo) == "repository:team/app:pull");
  repository_ref hub{"docker.io", "library/nginx"};
  BOOST_TEST(ping_url(hub, false) == "https://registry-1.docker.io/v2/");
}

BOOST_AUTO_TEST_SUITE_END()
