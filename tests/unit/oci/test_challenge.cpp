// WWW-Authenticate parsing: quoted values, commas inside quotes, case-insensitive
// schemes and parameter names, several challenges per header and per response.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/auth_challenge.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

BOOST_AUTO_TEST_SUITE(challenges)

BOOST_AUTO_TEST_CASE(distribution_bearer) {
  auto all = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull")");
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_TEST(all[0].scheme == "bearer");
  BOOST_TEST(all[0].param("realm") == "https://auth.docker.io/token");
  BOOST_TEST(all[0].param("service") == "registry.docker.io");
  BOOST_TEST(all[0].param("scope") == "repository:library/nginx:pull");
}

BOOST_AUTO_TEST_CASE(ecr_basic) {
  auto all = parse_www_authenticate(
      R"(Basic realm="https://123456789012.dkr.ecr.us-east-1.amazonaws.com/",service="ecr.amazonaws.com")");
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_TEST(all[0].scheme == "basic");
  BOOST_TEST(all[0].param("service") == "ecr.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(case_insensitive_scheme_and_names) {
  auto all = parse_www_authenticate(R"(BEARER Realm="https://a/t", SERVICE=reg)");
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_TEST(all[0].scheme == "bearer");
  BOOST_TEST(all[0].param("realm") == "https://a/t");
  BOOST_TEST(all[0].param("Realm") == "https://a/t");
  BOOST_TEST(all[0].param("service") == "reg");
}

BOOST_AUTO_TEST_CASE(commas_and_escapes_inside_quotes) {
  auto all = parse_www_authenticate(
      R"(Bearer realm="https://a/t?x=1,2",scope="repository:a:pull,push repository:b:pull",error="say \"hi\", ok")");
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_TEST(all[0].param("realm") == "https://a/t?x=1,2");
  BOOST_TEST(all[0].param("scope") == "repository:a:pull,push repository:b:pull");
  BOOST_TEST(all[0].param("error") == "say \"hi\", ok");
}

BOOST_AUTO_TEST_CASE(spaces_around_equals_and_commas) {
  auto all = parse_www_authenticate("Bearer   realm = \"https://a/t\" ,  service = x ,, scope=\"s\"");
  BOOST_REQUIRE_EQUAL(all.size(), 1u);
  BOOST_TEST(all[0].param("realm") == "https://a/t");
  BOOST_TEST(all[0].param("service") == "x");
  BOOST_TEST(all[0].param("scope") == "s");
}

BOOST_AUTO_TEST_CASE(several_challenges_in_one_value) {
  auto all = parse_www_authenticate(R"(Basic realm="r1", Bearer realm="https://a/t",service="s", Negotiate)");
  BOOST_REQUIRE_EQUAL(all.size(), 3u);
  BOOST_TEST(all[0].scheme == "basic");
  BOOST_TEST(all[0].param("realm") == "r1");
  BOOST_TEST(all[1].scheme == "bearer");
  BOOST_TEST(all[1].param("service") == "s");
  BOOST_TEST(all[2].scheme == "negotiate");
  BOOST_TEST(all[2].params.empty());
}

BOOST_AUTO_TEST_CASE(scheme_without_params_then_another) {
  auto all = parse_www_authenticate("Basic, Bearer realm=\"https://a/t\"");
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[0].scheme == "basic");
  BOOST_TEST(all[1].param("realm") == "https://a/t");
}

BOOST_AUTO_TEST_CASE(token68) {
  auto all = parse_www_authenticate("Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACj==, Basic realm=x");
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  BOOST_TEST(all[0].token68 == "YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACj==");
  BOOST_TEST(all[1].scheme == "basic");
  BOOST_TEST(all[1].param("realm") == "x");
}

BOOST_AUTO_TEST_CASE(malformed_input_never_fails) {
  BOOST_TEST(parse_www_authenticate("").empty());
  BOOST_TEST(parse_www_authenticate(" , ,").empty());
  auto unterminated = parse_www_authenticate(R"(Bearer realm="https://a/t, service=x)");
  BOOST_REQUIRE_EQUAL(unterminated.size(), 1u);
  BOOST_TEST(unterminated[0].param("realm") == "https://a/t, service=x");
  auto junk = parse_www_authenticate("Bearer realm=\"a\" junk junk, =x, Basic");
  BOOST_REQUIRE(!junk.empty());
  BOOST_TEST(junk[0].param("realm") == "a");
  BOOST_TEST(junk.back().scheme == "basic");
}

BOOST_AUTO_TEST_CASE(headers_matched_case_insensitively) {
  http::header_list headers{{"Content-Type", "application/json"},
                            {"WWW-Authenticate", "Basic realm=\"x\""},
                            {"www-authenticate", "Bearer realm=\"https://auth/t\",service=\"s\""}};
  auto all = challenges_from(headers);
  BOOST_REQUIRE_EQUAL(all.size(), 2u);
  auto chosen = select_challenge(all);
  BOOST_REQUIRE(chosen);
  BOOST_TEST(chosen->scheme == "bearer");  // Bearer preferred over Basic
}

BOOST_AUTO_TEST_CASE(selection) {
  BOOST_TEST(!select_challenge({}).has_value());
  BOOST_TEST(!select_challenge(parse_www_authenticate("Negotiate abc")).has_value());
  // A Bearer challenge without a realm is unusable; Basic is taken instead.
  auto chosen = select_challenge(parse_www_authenticate("Bearer service=x, Basic realm=y"));
  BOOST_REQUIRE(chosen);
  BOOST_TEST(chosen->scheme == "basic");
  BOOST_TEST(!select_challenge(parse_www_authenticate("Bearer service=x")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
