// Link header parsing and the tags pagination rule: follow rel="next" exactly as
// given, relative or absolute, never to another scheme or host.
#include <boost/test/unit_test.hpp>

#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/link_header.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;

namespace {

const std::string page1 = "https://reg.example/v2/team/app/tags/list?n=2";

result<std::optional<std::string>> next_of(std::string link, std::string current = page1) {
  return next_page_url({{"Link", std::move(link)}}, current);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(link_headers)

BOOST_AUTO_TEST_CASE(parses_link_values) {
  auto links = parse_link_header(R"(</v2/a/tags/list?n=2&last=b>; rel="next", <https://x/y>; rel=prev; title="a, b; c")");
  BOOST_REQUIRE_EQUAL(links.size(), 2u);
  BOOST_TEST(links[0].target == "/v2/a/tags/list?n=2&last=b");
  BOOST_TEST(links[0].has_rel("next"));
  BOOST_TEST(links[1].target == "https://x/y");
  BOOST_TEST(links[1].has_rel("prev"));
  BOOST_TEST(!links[1].has_rel("next"));
}

BOOST_AUTO_TEST_CASE(commas_inside_the_target_do_not_split) {
  auto links = parse_link_header(R"(</v2/a/tags/list?last=a,b>; rel="next")");
  BOOST_REQUIRE_EQUAL(links.size(), 1u);
  BOOST_TEST(links[0].target == "/v2/a/tags/list?last=a,b");
}

BOOST_AUTO_TEST_CASE(rel_lists_and_case) {
  auto links = parse_link_header(R"(<p>; REL="Last NEXT")");
  BOOST_REQUIRE_EQUAL(links.size(), 1u);
  BOOST_TEST(links[0].has_rel("next"));
  BOOST_TEST(links[0].has_rel("last"));
}

BOOST_AUTO_TEST_CASE(relative_path_link) {
  auto n = next_of(R"(</v2/team/app/tags/list?n=2&last=b>; rel="next")");
  BOOST_REQUIRE(n.ok());
  BOOST_REQUIRE(n.value().has_value());
  BOOST_TEST(*n.value() == "https://reg.example/v2/team/app/tags/list?n=2&last=b");
}

BOOST_AUTO_TEST_CASE(relative_without_leading_slash_and_query_only) {
  auto rel = next_of(R"(<list?last=b>; rel="next")");
  BOOST_REQUIRE(rel.ok() && rel.value());
  BOOST_TEST(*rel.value() == "https://reg.example/v2/team/app/tags/list?last=b");
  auto query = next_of(R"(<?n=2&last=c>; rel="next")");
  BOOST_REQUIRE(query.ok() && query.value());
  BOOST_TEST(*query.value() == "https://reg.example/v2/team/app/tags/list?n=2&last=c");
  auto dots = next_of(R"(<../../other/tags/list?last=d>; rel=next)");
  BOOST_REQUIRE(dots.ok() && dots.value());
  BOOST_TEST(*dots.value() == "https://reg.example/v2/team/other/tags/list?last=d");
}

BOOST_AUTO_TEST_CASE(absolute_link_on_the_same_host) {
  auto n = next_of(R"(<https://REG.example:443/v2/team/app/tags/list?last=b>; rel="next")");
  BOOST_REQUIRE(n.ok() && n.value());
  BOOST_TEST(*n.value() == "https://reg.example:443/v2/team/app/tags/list?last=b");
  auto with_port = next_page_url({{"link", "<http://127.0.0.1:5000/v2/a/tags/list?last=x>; rel=\"next\""}},
                                 "http://127.0.0.1:5000/v2/a/tags/list");
  BOOST_REQUIRE(with_port.ok() && with_port.value());
  BOOST_TEST(*with_port.value() == "http://127.0.0.1:5000/v2/a/tags/list?last=x");
}

BOOST_AUTO_TEST_CASE(other_host_refused) {
  for (const char* link : {R"(<https://evil.example/v2/team/app/tags/list?last=b>; rel="next")",
                           R"(<//evil.example/v2/x>; rel="next")",
                           R"(<https://reg.example:8443/v2/team/app/tags/list>; rel="next")",
                           R"(<https://reg.example.evil/v2/x>; rel="next")"}) {
    auto n = next_of(link);
    BOOST_REQUIRE_MESSAGE(!n.ok(), link);
    BOOST_TEST(n.error().code == errc::pagination_refused);
    BOOST_TEST(n.error().message.find("reg.example") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(other_scheme_refused) {
  auto down = next_of(R"(<http://reg.example/v2/team/app/tags/list?last=b>; rel="next")");
  BOOST_REQUIRE(!down.ok());
  BOOST_TEST(down.error().code == errc::pagination_refused);
  BOOST_TEST(down.error().message.find("https to http") != std::string::npos);
  auto file = next_of(R"(<file:///etc/passwd>; rel="next")");
  BOOST_REQUIRE(!file.ok());
  BOOST_TEST(file.error().code == errc::pagination_refused);
  auto up = next_page_url({{"Link", "<https://h/v2/x>; rel=next"}}, "http://h/v2/a");
  BOOST_REQUIRE(!up.ok());
  BOOST_TEST(up.error().code == errc::pagination_refused);
}

BOOST_AUTO_TEST_CASE(missing_or_other_rel_means_last_page) {
  for (const char* link : {"</v2/team/app/tags/list?last=b>", R"(</v2/x>; rel="prev")", R"(</v2/x>; title="next")",
                           "", "garbage without brackets"}) {
    auto n = next_of(link);
    BOOST_REQUIRE_MESSAGE(n.ok(), link);
    BOOST_TEST(!n.value().has_value(), link);
  }
  auto none = next_page_url({{"Content-Type", "application/json"}}, page1);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(!none.value().has_value());
}

BOOST_AUTO_TEST_CASE(header_name_case_and_several_headers) {
  auto n = next_page_url({{"LINK", R"(</a>; rel="prev")"}, {"lInK", R"(</v2/team/app/tags/list?last=z>; rel="next")"}},
                         page1);
  BOOST_REQUIRE(n.ok() && n.value());
  BOOST_TEST(*n.value() == "https://reg.example/v2/team/app/tags/list?last=z");
}

BOOST_AUTO_TEST_CASE(unusable_targets_refused) {
  auto userinfo = next_of(R"(<https://user:pw@reg.example/v2/x>; rel="next")");
  BOOST_REQUIRE(!userinfo.ok());
  BOOST_TEST(userinfo.error().code == errc::pagination_refused);
  auto empty = next_of(R"(<>; rel="next")");
  BOOST_REQUIRE(!empty.ok());
  BOOST_TEST(empty.error().code == errc::pagination_refused);
  auto spaces = next_of("</v2/a b>; rel=next");
  BOOST_REQUIRE(!spaces.ok());
}

BOOST_AUTO_TEST_SUITE_END()
