#include <boost/test/unit_test.hpp>

#include "actors/flux_schemas.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/kube/schema_validation.hpp"

using namespace fluxaws;

namespace {
json::value yaml(const char* text) { return *yamljson::parse_yaml(text); }
}  // namespace

BOOST_AUTO_TEST_SUITE(flux_schema_validation)

BOOST_AUTO_TEST_CASE(every_kind_has_a_v1_schema) {
  for (auto kind : {"Bucket", "OCIRepository", "ImageRepository", "ImagePolicy", "Kustomization"}) {
    BOOST_TEST(actors::flux_schema(kind) != nullptr, kind);
    BOOST_TEST(!actors::flux_api_version(kind).empty());
  }
  BOOST_TEST(actors::flux_api_version("Bucket") == "source.toolkit.fluxcd.io/v1");
  BOOST_TEST(actors::flux_schema("GitRepository") == nullptr);
}

BOOST_AUTO_TEST_CASE(valid_bucket_passes_and_gets_defaults) {
  auto obj = yaml(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: b, namespace: tenant-a}
spec:
  bucketName: tenant-a-manifests
  endpoint: s3.amazonaws.com
  provider: aws
  region: us-east-1
  interval: 1m
)");
  const auto* schema = actors::flux_schema("Bucket");
  auto issues = kube::validate(*schema, obj);
  BOOST_TEST(issues.empty());
  kube::apply_defaults(*schema, obj);
  BOOST_TEST(obj.at({"spec", "timeout"})->as_string() == "60s");
}

BOOST_AUTO_TEST_CASE(unknown_fields_wrong_types_and_patterns_name_their_path) {
  auto obj = yaml(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: b}
spec:
  bucketName: x
  endpoint: s3.amazonaws.com
  interval: often
  suspend: "yes"
  bucketname: typo
  provider: azure2
)");
  auto issues = kube::validate(*actors::flux_schema("Bucket"), obj);
  std::string all;
  for (const auto& i : issues) all += i.to_string() + "\n";
  BOOST_TEST(all.find("spec.interval: should match") != std::string::npos, all);
  BOOST_TEST(all.find("spec.suspend: must be of type boolean") != std::string::npos, all);
  BOOST_TEST(all.find("spec.bucketname: unknown field") != std::string::npos, all);
  BOOST_TEST(all.find("spec.provider: Unsupported value") != std::string::npos, all);
}

BOOST_AUTO_TEST_CASE(required_fields) {
  auto obj = yaml(R"(
apiVersion: source.toolkit.fluxcd.io/v1
kind: Bucket
metadata: {name: b}
spec:
  endpoint: s3.amazonaws.com
)");
  auto issues = kube::validate(*actors::flux_schema("Bucket"), obj);
  bool found = false;
  for (const auto& i : issues) found |= i.path == "spec.bucketName" && i.message == "Required value";
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_SUITE_END()
