#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "benchmarks/tenant_scale/src/status_store_reader.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;
namespace fs = std::filesystem;

namespace {

json::value object(const std::string& text) {
  auto v = json::parse(text);
  BOOST_REQUIRE(v.has_value());
  return *v;
}

const char* kReady = R"({"kind":"Kustomization","metadata":{"namespace":"t","name":"a"},
  "status":{"conditions":[{"type":"Ready","status":"True","reason":"ReconciliationSucceeded","message":"ok"}],
            "lastAppliedRevision":"sha256:1"}})";
const char* kRefreshing = R"({"kind":"Kustomization","metadata":{"namespace":"t","name":"b"},
  "status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing","message":"Reconciliation in progress"}],
            "lastAppliedRevision":"sha256:1"}})";
const char* kFirstRun = R"({"kind":"Kustomization","metadata":{"namespace":"t","name":"c"},
  "status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing","message":"Reconciliation in progress"}]}})";
const char* kFailed = R"({"kind":"Bucket","metadata":{"namespace":"t","name":"d"},
  "status":{"conditions":[{"type":"Ready","status":"False","reason":"BucketOperationFailed","message":"denied"}],
            "artifact":{"revision":"sha256:1"}}})";

}  // namespace

BOOST_AUTO_TEST_SUITE(status_store_reader)

BOOST_AUTO_TEST_CASE(refreshing_means_in_progress_after_an_earlier_success) {
  BOOST_TEST(is_ready(object(kReady)));
  BOOST_TEST(!is_refreshing(object(kReady)));
  BOOST_TEST(is_refreshing(object(kRefreshing)));
  BOOST_TEST(!is_refreshing(object(kFirstRun)));  // never succeeded yet
  BOOST_TEST(!is_refreshing(object(kFailed)));    // failed, whatever it had before
  BOOST_TEST(is_refreshing(object(
      R"({"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing"}],"artifact":{"revision":"x"}}})")));
  BOOST_TEST(is_refreshing(object(
      R"({"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing"}],"latestRef":{"tag":"1.0.0"}}})")));
  BOOST_TEST(!is_refreshing(object(
      R"({"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"Progressing"}],"lastAppliedRevision":""}})")));
}

BOOST_AUTO_TEST_CASE(summary_counts_ready_refreshing_and_names_the_rest) {
  fs::path dir = fs::temp_directory_path() / ("status-reader-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  int i = 0;
  for (const char* text : {kReady, kRefreshing, kFirstRun, kFailed}) {
    fs::create_directories(dir / "status" / "kind" / "t");
    std::ofstream(dir / "status" / "kind" / "t" / (std::to_string(i++) + ".json")) << text;
  }
  std::ofstream(dir / "status" / "kind" / "t" / "broken.json") << "{not json";
  auto s = read_status_store(dir);
  fs::remove_all(dir);
  BOOST_TEST(s.objects == 5);
  BOOST_TEST(s.ready == 1);
  BOOST_TEST(s.ready_or_refreshing == 2);
  BOOST_TEST(s.not_ready_by_reason["Kustomization Progressing"] == 2);
  BOOST_TEST(s.not_ready_by_reason["Bucket BucketOperationFailed"] == 1);
  BOOST_TEST(s.not_ready_by_reason["? unreadable"] == 1);
}

BOOST_AUTO_TEST_SUITE_END()
