// The ImageRepository kind in its object actor, through the real supervisor: scans,
// the stored list and status, when it scans again, credentials (pull secrets, ECR
// tokens with one retry after a 401), stalls and failures with Flux's reasons.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "actors/imagerepository_scan.hpp"
#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "image_fakes.hpp"

using namespace fluxaws;
using namespace images_test;
namespace ir = fluxaws::actors::imagerepository;

namespace {

const char* kRepoKey = "ImageRepository/tenant-a/app";
const char* kImage = "registry.test/tenant-a/app";

std::string repository(const std::string& extra = "", const std::string& image = kImage,
                       const std::string& meta = "") {
  return "apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: app\n"
         "  namespace: tenant-a\n" +
         meta + "spec:\n  image: " + image + "\n  interval: 10m\n" + extra;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ready(const json::value& o) { return ready_is(o, "True", "Succeeded"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(imagerepository_actor)

BOOST_AUTO_TEST_CASE(scan_stores_the_list_and_reports_flux_status) {
  image_fixture f;
  auto tags = conformance_tags();
  tags.push_back("sha256-0123.sig");  // excluded by default
  f.registry->tags[kImage] = tags;
  f.apply(repository());
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));

  auto ex = *ir::exclusions::compile({"^.*\\.sig$"});
  auto stored = ir::stored_tag_list(conformance_tags(), ex);
  auto rev = ir::revision(stored);
  auto obj = f.object(kRepoKey);
  BOOST_TEST(obj.at({"status", "lastScanResult", "revision"})->as_string() == rev);
  BOOST_TEST(obj.at({"status", "lastScanResult", "tagCount"})->as_int() == 1504);
  BOOST_TEST(obj.at({"status", "lastScanResult", "latestTags"})->as_array().size() == 10u);
  BOOST_TEST(obj.at({"status", "lastScanResult", "latestTags"})->as_array()[0].as_string() == "latest");
  BOOST_TEST(!obj.at({"status", "lastScanResult", "scanTime"})->as_string().empty());
  BOOST_TEST(obj.at({"status", "canonicalImageName"})->as_string() == kImage);
  BOOST_TEST(obj.at({"status", "observedExclusionList"})->as_array()[0].as_string() == "^.*\\.sig$");
  BOOST_TEST(obj.at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message") ==
             "successful scan: found 1504 tags with checksum " + rev);
  BOOST_TEST(f.condition(kRepoKey, "Reconciling").empty());

  // The database holds the same list; its file digest is the revision.
  auto file = f.state_dir / "imagerepository" / "tenant-a" / "app" / "tags.txt";
  auto content = slurp(file);
  BOOST_TEST("sha256:" + digest::sha256_hex(content) == rev);
  BOOST_TEST(content.rfind("latest\nbuild-1500\nbuild-1499\n", 0) == 0u);
  BOOST_TEST(content.find(".sig") == std::string::npos);

  auto calls = f.registry->snapshot();
  BOOST_REQUIRE(calls.size() == 1u);
  BOOST_TEST(calls[0].auth_user.empty());  // anonymous
}

BOOST_AUTO_TEST_CASE(scans_again_only_when_something_asks_for_it) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0", "rc-1"};
  f.apply(repository());
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));
  BOOST_TEST(f.registry->count("list", kImage) == 1);

  // A new generation that changes neither the image nor the exclusions: no scan.
  f.apply(repository("  timeout: 30s\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) {
    return o.at({"status", "observedGeneration"})->as_int() == 2 && ready(o);
  }));
  BOOST_TEST(f.registry->count("list", kImage) == 1);

  // A new exclusion list: scan, and report it.
  f.apply(repository("  timeout: 30s\n  exclusionList: ['^rc-']\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) {
    const auto* c = o.at({"status", "lastScanResult", "tagCount"});
    return o.at({"status", "observedGeneration"})->as_int() == 3 && c && c->as_int() == 1;
  }));
  BOOST_TEST(f.registry->count("list", kImage) == 2);
  BOOST_TEST(f.field(kRepoKey, {"status", "observedExclusionList"}) == "[\"^rc-\"]");

  // A reconcile request: scan.
  f.apply(repository("  timeout: 30s\n  exclusionList: ['^rc-']\n", kImage,
                     "  annotations: {reconcile.fluxcd.io/requestedAt: 'now-1'}\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [&](const json::value&) { return f.registry->count("list", kImage) == 3; }));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) {
    const auto* h = o.at({"status", "lastHandledReconcileAt"});
    return h && h->as_string() == "now-1";
  }));
}

BOOST_AUTO_TEST_CASE(a_new_image_name_rescans_and_updates_the_canonical_name) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.registry->tags["registry.test/tenant-a/other"] = {"2.0.0", "2.1.0"};
  f.apply(repository());
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));
  f.apply(repository("", "registry.test/tenant-a/other"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) {
    const auto* c = o.at({"status", "canonicalImageName"});
    return c && c->as_string() == "registry.test/tenant-a/other" && ready(o);
  }));
  BOOST_TEST(f.field(kRepoKey, {"status", "lastScanResult", "tagCount"}) == "2");
}

BOOST_AUTO_TEST_CASE(pull_secret_credentials_reach_the_registry) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: tenant-a}\n"
          "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{\"auths\":{\"registry.test\":"
          "{\"auth\":\"" +
          enc::base64("robot:pull-secret-value") + "\"}}}'\n");
  f.apply(repository("  secretRef: {name: regcred}\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));
  auto calls = f.registry->snapshot();
  BOOST_REQUIRE(!calls.empty());
  BOOST_TEST(calls[0].auth_user == "robot");
  BOOST_TEST(calls[0].auth_secret == "pull-secret-value");
  BOOST_TEST(!calls[0].auth_cached);
  // The secret never appears in the status.
  BOOST_TEST(json::dump(f.object(kRepoKey)).find("pull-secret-value") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_secret_is_authentication_failed_and_retried) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply(repository("  secretRef: {name: regcred}\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return ready_is(o, "False", "AuthenticationFailed"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message") ==
             "failed to configure authentication options: secrets \"regcred\" not found");
  BOOST_TEST(f.condition(kRepoKey, "Stalled").empty());
  // The Secret appears: the retry (backoff) succeeds.
  f.apply("apiVersion: v1\nkind: Secret\nmetadata: {name: regcred, namespace: tenant-a}\n"
          "stringData: {.dockerconfigjson: '{\"auths\":{}}'}\n");
  BOOST_TEST(f.eventually(kRepoKey, ready));
}

BOOST_AUTO_TEST_CASE(registry_errors_are_read_operation_failed) {
  image_fixture f;
  f.registry->failing.insert(kImage);
  f.apply(repository());
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return ready_is(o, "False", "ReadOperationFailed"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").rfind("scan failed: ", 0) == 0u);
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("503") != std::string::npos);
  BOOST_TEST(f.condition(kRepoKey, "Reconciling", "reason") == "ProgressingWithRetry");
  {
    std::lock_guard<std::mutex> lock(f.registry->mu);
    f.registry->failing.clear();
    f.registry->tags[kImage] = {"1.0.0"};
  }
  BOOST_TEST(f.eventually(kRepoKey, ready));  // backoff retry
}

BOOST_AUTO_TEST_CASE(an_invalid_exclusion_pattern_names_itself) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply(repository("  exclusionList: ['(unclosed']\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return ready_is(o, "False", "ReadOperationFailed"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("failed to compile regex (unclosed") != std::string::npos);
  BOOST_TEST(f.registry->count("list", kImage) == 0);  // checked before asking the registry
}

BOOST_AUTO_TEST_CASE(at_most_25_exclusion_patterns) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  std::string list = "  exclusionList: [";
  for (int i = 0; i < 26; ++i) list += (i ? ", " : "") + std::string("'^p") + std::to_string(i) + "'";
  f.apply(repository(list + "]\n"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return stalled_with(o, "InvalidSpec"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("exclusionList") != std::string::npos);
  BOOST_TEST(f.registry->snapshot().empty());
}

BOOST_AUTO_TEST_CASE(image_url_invalid_stalls) {
  image_fixture f;
  f.apply(repository("", "registry.test/tenant-a/app:v1"));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return stalled_with(o, "ImageURLInvalid"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "reason") == "ImageURLInvalid");
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message") ==
             "image 'registry.test/tenant-a/app:v1' should not include a tag; remove ':v1'");
  std::this_thread::sleep_for(100ms);  // several backoff periods: no retry, no registry call
  BOOST_TEST(f.registry->snapshot().empty());
}

BOOST_AUTO_TEST_CASE(provider_aws_uses_the_ecr_token_and_retries_once_after_401) {
  image_fixture::options o;
  o.identities = true;
  image_fixture f(o);
  const std::string ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app";
  f.registry->tags[ecr] = {"1.0.0", "1.1.0"};
  f.registry->unauthorized_left = 1;  // the first token was revoked
  f.apply(repository("  provider: aws\n  secretRef: {name: ignored}\n", ecr));
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));
  auto calls = f.registry->snapshot();
  BOOST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(calls[0].auth_user == "AWS");
  BOOST_TEST(calls[0].auth_secret == "ecr-token-1");
  BOOST_TEST(calls[0].auth_cached);
  BOOST_TEST(calls[1].auth_secret == "ecr-token-2");
  std::lock_guard<std::mutex> lock(f.identity->mu);
  BOOST_TEST(f.identity->invalidations == std::vector<std::string>{"ecr:us-east-1"});
  BOOST_REQUIRE(!f.identity->token_requests.empty());
  BOOST_TEST(f.identity->token_hosts[0] == "111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_TEST(f.identity->token_requests[0].object.ns == "tenant-a");
  BOOST_TEST(f.identity->token_requests[0].region == "us-east-1");
  BOOST_TEST(f.identity->token_requests[0].secret_ref.empty());  // the provider wins over secretRef
}

BOOST_AUTO_TEST_CASE(an_ecr_token_for_another_region_is_never_sent) {
  image_fixture::options o;
  o.identities = true;
  image_fixture f(o);
  f.identity->answer_region = "eu-west-1";
  const std::string ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app";
  f.registry->tags[ecr] = {"1.0.0"};
  f.apply(repository("  provider: aws\n", ecr));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return ready_is(o, "False", "AuthenticationFailed"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("does not apply") != std::string::npos);
  BOOST_TEST(f.registry->snapshot().empty());
}

BOOST_AUTO_TEST_CASE(provider_aws_without_a_credential_plane_fails_clearly) {
  image_fixture f;
  const std::string ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app";
  f.apply(repository("  provider: aws\n", ecr));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return ready_is(o, "False", "AuthenticationFailed"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("no credential plane configured") != std::string::npos);
  BOOST_TEST(f.registry->snapshot().empty());
}

BOOST_AUTO_TEST_CASE(service_account_without_the_gate_stalls) {
  image_fixture f;
  const std::string ecr = "111122223333.dkr.ecr.us-east-1.amazonaws.com/tenant-a/app";
  f.apply(repository("  provider: aws\n  serviceAccountName: flux\n", ecr));
  BOOST_REQUIRE(f.eventually(kRepoKey, [](const json::value& o) { return stalled_with(o, "FeatureGateDisabled"); }));
  BOOST_TEST(f.condition(kRepoKey, "Ready", "message").find("ObjectLevelWorkloadIdentity") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deleting_the_repository_deletes_its_tags) {
  image_fixture f;
  f.registry->tags[kImage] = {"1.0.0"};
  f.apply(repository());
  BOOST_REQUIRE(f.eventually(kRepoKey, ready));
  auto dir = f.state_dir / "imagerepository" / "tenant-a" / "app";
  BOOST_TEST(std::filesystem::exists(dir / "tags.txt"));
  f.apply(repository(), true);
  bool gone = false;
  for (int i = 0; i < 2000 && !gone; ++i) {
    gone = !std::filesystem::exists(dir);
    std::this_thread::sleep_for(5ms);
  }
  BOOST_TEST(gone);
}

BOOST_AUTO_TEST_SUITE_END()
