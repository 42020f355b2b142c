// The watch stream as it arrives off the network: lines split across chunks, CRLF,
// blank lines, an overlong line, malformed events, ERROR events with 410 Gone.
#include <boost/test/unit_test.hpp>

#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/watch_event.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;

BOOST_AUTO_TEST_SUITE(watch_stream_suite)

BOOST_AUTO_TEST_CASE(lines_reassemble_across_any_chunking) {
  std::string stream =
      R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"1"}}})" "\n"
      R"({"type":"MODIFIED","object":{"metadata":{"name":"a","resourceVersion":"2"}}})" "\r\n"
      "\n"
      R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"7"}}})" "\n";
  // Every chunk size from 1 byte to the whole stream gives the same three lines.
  for (std::size_t size = 1; size <= stream.size(); ++size) {
    line_splitter s;
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < stream.size(); at += size) BOOST_TEST_REQUIRE(s.feed(stream.substr(at, size), lines));
    BOOST_TEST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[1].back() == '}');  // the CR is gone
    BOOST_TEST(s.pending() == 0u);
  }
  line_splitter partial;
  std::vector<std::string> lines;
  partial.feed(R"({"type":"ADD)", lines);
  BOOST_TEST(lines.empty());
  BOOST_TEST(partial.pending() == 12u);
}

BOOST_AUTO_TEST_CASE(an_overlong_line_fails_the_splitter_without_growing) {
  line_splitter s(16);
  std::vector<std::string> lines;
  BOOST_TEST(s.feed("0123456789", lines));
  BOOST_TEST(!s.feed("0123456789", lines));
  BOOST_TEST(s.failed());
  BOOST_TEST(s.pending() == 0u);
  BOOST_TEST(!s.feed("\n", lines));  // stays failed until reset
  s.reset();
  BOOST_TEST(s.feed("short\n", lines));
  BOOST_TEST(lines.size() == 1u);
  line_splitter t(8);
  BOOST_TEST(!t.feed("0123456789\n", lines));  // a complete line can be too long too
}

BOOST_AUTO_TEST_CASE(events_parse_with_types_and_versions) {
  auto added = parse_watch_event(R"({"type":"ADDED","object":{"kind":"Bucket","metadata":{"name":"b","resourceVersion":"42"}}})");
  BOOST_TEST_REQUIRE(added.ok(), (added.ok() ? std::string() : added.error().message));
  BOOST_TEST((added->kind == watch_event::type::added));
  BOOST_TEST(added->resource_version() == "42");
  auto bookmark = parse_watch_event(R"({"type":"BOOKMARK","object":{"kind":"Bucket","metadata":{"resourceVersion":"99"}}})");
  BOOST_TEST_REQUIRE(bookmark.ok(), (bookmark.ok() ? std::string() : bookmark.error().message));
  BOOST_TEST((bookmark->kind == watch_event::type::bookmark));
  BOOST_TEST(bookmark->resource_version() == "99");
  auto gone = parse_watch_event(
      R"X({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (5)","reason":"Expired","code":410}})X");
  BOOST_TEST_REQUIRE(gone.ok(), (gone.ok() ? std::string() : gone.error().message));
  BOOST_TEST(gone->gone());
  BOOST_TEST(gone->status_message().find("too old") != std::string::npos);
  auto other = parse_watch_event(R"({"type":"ERROR","object":{"kind":"Status","code":500}})");
  BOOST_TEST_REQUIRE(other.ok());
  BOOST_TEST(!other->gone());
}

BOOST_AUTO_TEST_CASE(malformed_events_are_errors) {
  for (const char* line : {
           "not json",
           "[1,2]",
           R"({"object":{"metadata":{"name":"a"}}})",
           R"({"type":"EXPLODED","object":{"metadata":{"name":"a"}}})",
           R"({"type":"ADDED"})",
           R"({"type":"ADDED","object":"x"})",
           R"({"type":"ADDED","object":{"metadata":{}}})",
           R"({"type":"DELETED","object":{"metadata":{"name":""}}})",
           R"({"type":"ADDED","object":{"metadata":{"name":"a"})",
       }) {
    auto ev = parse_watch_event(line);
    BOOST_TEST(!ev.ok(), line);
    if (!ev.ok()) BOOST_TEST(ev.error().code == "parse");
  }
}

BOOST_AUTO_TEST_CASE(paths_and_queries) {
  const auto& bucket = flux_resources()[0];
  BOOST_TEST(collection_path(bucket, "") == "/apis/source.toolkit.fluxcd.io/v1/buckets");
  BOOST_TEST(collection_path(bucket, "team-a") == "/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/buckets");
  BOOST_TEST(object_path(bucket, "team-a", "b1", "status") ==
             "/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/buckets/b1/status");
  BOOST_TEST(object_path(service_account_resource(), "ns", "sa", "token") == "/api/v1/namespaces/ns/serviceaccounts/sa/token");
  watch_options w;
  w.resource_version = "123";
  w.label_selector = "sharding.fluxcd.io/key=fluxaws";
  w.timeout_seconds = 400;
  BOOST_TEST(watch_query(w) ==
             "?watch=1&resourceVersion=123&allowWatchBookmarks=true&timeoutSeconds=400&labelSelector=sharding.fluxcd.io%2Fkey%3Dfluxaws");
  list_options l;
  l.continue_token = "abc=";
  BOOST_TEST(list_query(l) == "?limit=500&continue=abc%3D");
  BOOST_TEST(known_resource("Kustomization")->plural == "kustomizations");
  BOOST_TEST(known_resource("ImagePolicy")->group == "image.toolkit.fluxcd.io");
  BOOST_TEST(!known_resource("Deployment"));
}

BOOST_AUTO_TEST_SUITE_END()
