// Tags pagination against a fake registry that pages with Link headers the way
// distribution and ECR do (docker-registry 2.8 itself returns one page): every page
// followed, relative and absolute links, and the links that must not be followed.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cstdio>

#include "adapters/common/strings.hpp"
#include "adapters/oci/error_codes.hpp"
#include "fake_server.hpp"
#include "oci_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::oci;
using namespace fluxaws::oci::testing;

namespace {

std::string param(const std::string& target, const std::string& key) {
  auto q = target.find('?');
  if (q == std::string::npos) return {};
  for (auto pair : str::split(std::string_view(target).substr(q + 1), '&')) {
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
  }
  return {};
}

std::string tag_name(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "t%04d", i);
  return buf;
}

enum class link_style { relative, absolute, alternate, no_rel, other_host, other_scheme };

// Serves tags t0000..t<total-1> in pages of n (default 100, at most 1000, as ECR).
struct paging_registry {
  int total;
  link_style style = link_style::alternate;
  std::string other_origin;
  int pages_served = 0;
  fake_server server{[this](const fake_request& r) { return serve(r); }};

  explicit paging_registry(int total_tags) : total(total_tags) {}

  fake_reply serve(const fake_request& r) {
    const std::string path = "/v2/team/app/tags/list";
    if (r.target.compare(0, path.size(), path) != 0) return fake_reply{404, {}, "{}"};
    int n = 100;
    if (auto s = param(r.target, "n"); !s.empty()) std::from_chars(s.data(), s.data() + s.size(), n);
    n = std::clamp(n, 1, 1000);
    auto last = param(r.target, "last");
    int start = 0;
    while (start < total && !last.empty() && tag_name(start) <= last) ++start;
    int end = std::min(total, start + n);
    std::string body = R"({"name":"team/app","tags":[)";
    for (int i = start; i < end; ++i) body += (i > start ? ",\"" : "\"") + tag_name(i) + "\"";
    body += "]}";
    fake_reply reply;
    reply.headers = {{"Content-Type", "application/json"}};
    reply.body = body;
    if (end < total) {
      auto next = path + "?n=" + std::to_string(n) + "&last=" + tag_name(end - 1);
      std::string link;
      switch (style) {
        case link_style::relative: link = "<" + next + ">; rel=\"next\""; break;
        case link_style::absolute: link = "<" + server.origin() + next + ">; rel=\"next\""; break;
        case link_style::alternate:
          link = (pages_served % 2 == 0 ? "<" + next + ">" : "<" + server.origin() + next + ">") + "; rel=\"next\"";
          break;
        case link_style::no_rel: link = "<" + next + ">"; break;
        case link_style::other_host: link = "<" + other_origin + next + ">; rel=\"next\""; break;
        case link_style::other_scheme: link = "<https://" + server.authority() + next + ">; rel=\"next\""; break;
      }
      reply.headers.emplace_back("Link", link);
    }
    ++pages_served;
    return reply;
  }
};

std::vector<std::string> all_tags(int total) {
  std::vector<std::string> out;
  for (int i = 0; i < total; ++i) out.push_back(tag_name(i));
  return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pagination, client_fixture)

BOOST_AUTO_TEST_CASE(every_page_followed_relative_and_absolute) {
  paging_registry reg(2500);
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->tags == all_tags(2500));
  BOOST_TEST(r.value->pages == 3u);
  auto seen = reg.server.requests();
  BOOST_REQUIRE_EQUAL(seen.size(), 3u);
  BOOST_TEST(seen[0].target == "/v2/team/app/tags/list?n=1000");
  BOOST_TEST(seen[1].target == "/v2/team/app/tags/list?n=1000&last=t0999");
  BOOST_TEST(seen[2].target == "/v2/team/app/tags/list?n=1000&last=t1999");
}

BOOST_AUTO_TEST_CASE(registry_default_page_size) {
  paging_registry reg(450);
  reg.style = link_style::relative;
  list_tags_request req{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()};
  req.page_size = 0;
  auto r = ask<tag_list>(list_tags_atom::value, req);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->tags == all_tags(450));
  BOOST_TEST(r.value->pages == 5u);
  BOOST_TEST(reg.server.requests()[0].target == "/v2/team/app/tags/list");
}

BOOST_AUTO_TEST_CASE(absolute_links_on_the_same_host) {
  paging_registry reg(1200);
  reg.style = link_style::absolute;
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->tags.size() == 1200u);
}

BOOST_AUTO_TEST_CASE(link_without_rel_ends_the_listing) {
  paging_registry reg(2500);
  reg.style = link_style::no_rel;
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()});
  BOOST_REQUIRE_MESSAGE(r.ok(), r.error.to_string());
  BOOST_TEST(r.value->tags.size() == 1000u);
  BOOST_TEST(r.value->pages == 1u);
}

BOOST_AUTO_TEST_CASE(next_page_on_another_host_is_refused) {
  paging_registry elsewhere(10);
  paging_registry reg(2500);
  reg.style = link_style::other_host;
  reg.other_origin = elsewhere.server.origin();
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::pagination_refused);
  BOOST_TEST(r.error.message.find(elsewhere.server.authority()) != std::string::npos, r.error.message);
  BOOST_TEST(elsewhere.server.requests().empty());
  BOOST_TEST(reg.server.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(next_page_on_another_scheme_is_refused) {
  paging_registry reg(2500);
  reg.style = link_style::other_scheme;
  auto r = ask<tag_list>(list_tags_atom::value,
                         list_tags_request{repo_at(reg.server.authority(), "team/app"), registry_auth::anonymous(), local()});
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.error.code == errc::pagination_refused);
  BOOST_TEST(r.error.message.find("http to https") != std::string::npos, r.error.message);
  BOOST_TEST(reg.server.requests().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
