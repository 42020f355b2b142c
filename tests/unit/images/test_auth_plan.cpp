// Which credentials an ImageRepository's registry gets: provider aws (ECR token
// request, the provider winning over secretRef), generic (pull secrets in order,
// anonymous when none matches), and the errors naming what is missing.
#include <boost/test/unit_test.hpp>

#include <string>

#include "actors/imagerepository_auth.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
namespace ir = fluxaws::actors::imagerepository;

namespace {

const kube::object_key kRepo{"ImageRepository", "tenant-a", "app"};

json::value yaml(const std::string& text) {
  auto v = yamljson::parse_yaml(text);
  BOOST_REQUIRE(v.ok());
  return *v;
}

ir::spec spec_of(const std::string& body) {
  return ir::parse_spec(yaml("apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\n"
                             "metadata: {name: app, namespace: tenant-a}\nspec:\n  interval: 1m\n" +
                             body));
}

std::string dockerconfig(const std::string& host, const std::string& user, const std::string& pass) {
  return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + enc::base64(user + ":" + pass) + "\"}}}";
}

void put_pull_secret(resource_index& idx, const std::string& name, const std::string& config) {
  json::value s = json::value::make_object();
  s["apiVersion"] = "v1";
  s["kind"] = "Secret";
  s["metadata"]["name"] = name;
  s["metadata"]["namespace"] = "tenant-a";
  s["type"] = "kubernetes.io/dockerconfigjson";
  s["stringData"][".dockerconfigjson"] = config;
  idx.put(s);
}

const char* kEcr = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

}  // namespace

BOOST_AUTO_TEST_SUITE(image_registry_auth)

BOOST_AUTO_TEST_CASE(aws_asks_for_an_ecr_token_and_wins_over_secret_ref) {
  resource_index idx;
  engine_options opts;
  auto s = spec_of(std::string("  image: ") + kEcr + "/tenant-a/app\n  provider: aws\n  secretRef: {name: none}\n");
  auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
  BOOST_REQUIRE(plan.ok());  // the missing Secret is not even looked at
  BOOST_TEST((plan->how == ir::auth_plan::method::ecr));
  BOOST_TEST(plan->ecr_host == kEcr);
  BOOST_TEST(plan->ecr.region == "us-east-1");
  BOOST_TEST(plan->ecr.object.ns == "tenant-a");
  BOOST_TEST(plan->ecr.secret_ref.empty());
  BOOST_TEST(plan->ecr.service_account.empty());
  BOOST_TEST(plan->ecr.allow_node_identity);
  BOOST_TEST(plan->ecr_cache_entry() == "ecr:us-east-1");
}

BOOST_AUTO_TEST_CASE(aws_service_account_and_lockdown_default) {
  resource_index idx;
  engine_options opts;
  opts.object_level_identity = true;
  opts.default_service_account = "tenant-default";
  auto with_sa = spec_of(std::string("  image: ") + kEcr + "/tenant-a/app\n  provider: aws\n  serviceAccountName: flux\n");
  BOOST_TEST(ir::plan_auth(with_sa, *ir::parse_image(with_sa.image), kRepo, idx, opts)->ecr.service_account == "flux");
  auto without = spec_of(std::string("  image: ") + kEcr + "/tenant-a/app\n  provider: aws\n");
  BOOST_TEST(ir::plan_auth(without, *ir::parse_image(without.image), kRepo, idx, opts)->ecr.service_account ==
             "tenant-default");
}

BOOST_AUTO_TEST_CASE(aws_ecr_public) {
  resource_index idx;
  engine_options opts;
  auto s = spec_of("  image: public.ecr.aws/team/app\n  provider: aws\n");
  auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->ecr_public);
  BOOST_TEST(plan->ecr.region == "us-east-1");
  BOOST_TEST(plan->ecr_cache_entry() == "ecr-public");
}

BOOST_AUTO_TEST_CASE(aws_refuses_a_registry_that_is_not_ecr) {
  resource_index idx;
  engine_options opts;
  for (const char* image : {"ghcr.io/team/app", "111122223333.dkr.ecr.us-east-1.amazonaws.com.evil.example/app"}) {
    auto s = spec_of(std::string("  image: ") + image + "\n  provider: aws\n");
    auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
    BOOST_REQUIRE(!plan.ok());
    BOOST_TEST(plan.error().code == "AuthenticationFailed");
    BOOST_TEST(plan.error().message.find("invalid AWS registry") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(generic_without_credentials_is_anonymous) {
  resource_index idx;
  engine_options opts;
  auto s = spec_of("  image: registry.example/app\n");
  auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST((plan->how == ir::auth_plan::method::anonymous));
}

BOOST_AUTO_TEST_CASE(generic_secret_ref_gives_its_registry_entry) {
  resource_index idx;
  engine_options opts;
  put_pull_secret(idx, "regcred", dockerconfig("registry.example", "robot", "s3cret-value"));
  auto s = spec_of("  image: registry.example/app\n  secretRef: {name: regcred}\n");
  auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST((plan->how == ir::auth_plan::method::docker_config));
  BOOST_TEST(plan->auth.username == "robot");
  BOOST_TEST(plan->source == "Secret tenant-a/regcred");
  BOOST_TEST(plan->describe().find("s3cret-value") == std::string::npos);

  // An entry for another registry: anonymous, as k8schain.
  auto other = spec_of("  image: other.example/app\n  secretRef: {name: regcred}\n");
  auto anon = ir::plan_auth(other, *ir::parse_image(other.image), kRepo, idx, opts);
  BOOST_REQUIRE(anon.ok());
  BOOST_TEST((anon->how == ir::auth_plan::method::anonymous));
}

BOOST_AUTO_TEST_CASE(generic_service_account_pull_secrets_come_after_secret_ref) {
  resource_index idx;
  engine_options opts;
  put_pull_secret(idx, "first", dockerconfig("other.example", "a", "x"));
  put_pull_secret(idx, "pull", dockerconfig("registry.example", "from-sa", "y"));
  idx.put(yaml("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: puller, namespace: tenant-a}\n"
               "imagePullSecrets: [{name: pull}]\n"));
  auto s = spec_of("  image: registry.example/app\n  secretRef: {name: first}\n  serviceAccountName: puller\n");
  auto plan = ir::plan_auth(s, *ir::parse_image(s.image), kRepo, idx, opts);
  BOOST_REQUIRE(plan.ok());
  BOOST_TEST(plan->auth.username == "from-sa");
  BOOST_TEST(plan->source == "Secret tenant-a/pull");
}

BOOST_AUTO_TEST_CASE(missing_or_unusable_secrets_are_named) {
  resource_index idx;
  engine_options opts;
  auto missing = spec_of("  image: registry.example/app\n  secretRef: {name: regcred}\n");
  auto m = ir::plan_auth(missing, *ir::parse_image(missing.image), kRepo, idx, opts);
  BOOST_REQUIRE(!m.ok());
  BOOST_TEST(m.error().code == "AuthenticationFailed");
  BOOST_TEST(m.error().message == "secrets \"regcred\" not found");

  idx.put(yaml("apiVersion: v1\nkind: Secret\nmetadata: {name: opaque, namespace: tenant-a}\n"
               "stringData: {username: u, password: do-not-print}\n"));
  auto opaque = spec_of("  image: registry.example/app\n  secretRef: {name: opaque}\n");
  auto o = ir::plan_auth(opaque, *ir::parse_image(opaque.image), kRepo, idx, opts);
  BOOST_REQUIRE(!o.ok());
  BOOST_TEST(o.error().message.find(".dockerconfigjson") != std::string::npos);
  BOOST_TEST(o.error().message.find("do-not-print") == std::string::npos);

  put_pull_secret(idx, "broken", "{not json");
  auto broken = spec_of("  image: registry.example/app\n  secretRef: {name: broken}\n");
  auto b = ir::plan_auth(broken, *ir::parse_image(broken.image), kRepo, idx, opts);
  BOOST_REQUIRE(!b.ok());
  BOOST_TEST(b.error().message.find("tenant-a/broken") != std::string::npos);

  auto no_sa = spec_of("  image: registry.example/app\n  serviceAccountName: ghost\n");
  auto n = ir::plan_auth(no_sa, *ir::parse_image(no_sa.image), kRepo, idx, opts);
  BOOST_REQUIRE(!n.ok());
  BOOST_TEST(n.error().message == "serviceaccounts \"ghost\" not found");
}

BOOST_AUTO_TEST_CASE(feature_gate_rule) {
  engine_options off;
  engine_options on;
  on.object_level_identity = true;
  auto aws_sa = spec_of(std::string("  image: ") + kEcr + "/a\n  provider: aws\n  serviceAccountName: flux\n");
  auto generic_sa = spec_of("  image: registry.example/a\n  serviceAccountName: flux\n");
  BOOST_TEST(ir::needs_disabled_gate(aws_sa, off));
  BOOST_TEST(!ir::needs_disabled_gate(aws_sa, on));
  BOOST_TEST(!ir::needs_disabled_gate(generic_sa, off));  // pull secrets need no gate
  BOOST_TEST(ir::feature_gate_message("") ==
             "to use spec.serviceAccountName for provider authentication please enable the "
             "ObjectLevelWorkloadIdentity feature gate in the controller");
}

BOOST_AUTO_TEST_SUITE_END()
