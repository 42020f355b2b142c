#include <boost/test/unit_test.hpp>

#include "adapters/common/yaml_json.hpp"
#include "benchmarks/tenant_scale/src/bench_options.hpp"
#include "benchmarks/tenant_scale/src/engine_modes.hpp"
#include "runtime/config.hpp"

using namespace fluxaws;
using namespace fluxaws::bench;

namespace {

json::value emulator_config() {
  auto v = yamljson::parse_yaml(
      "http:\n  caFile: /tmp/ca.pem\n  connectTo: [\"sts.us-east-1.amazonaws.com:443:127.0.0.1:4000\"]\n"
      "aws:\n  region: us-east-1\n"
      "local:\n  serviceAccountTokenIssuer: https://oidc.tenant-scale.bench\n  serviceAccountTokenKey: /tmp/k.pem\n");
  BOOST_REQUIRE(v.ok());
  return *v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(options_and_modes)

BOOST_AUTO_TEST_CASE(profiles_then_flags) {
  auto o = parse_options({"--tenants", "12", "--profile=large", "--faults", "--modes=fluxaws"}, bench_options{});
  BOOST_REQUIRE(o.ok());
  BOOST_TEST(o->profile == "large");
  BOOST_TEST(o->plan.tenants == 12);  // the flag overrides the profile wherever it stands
  BOOST_TEST(o->window.count() == 30);
  BOOST_TEST(o->plan.faults);
  BOOST_TEST(o->modes.size() == 1u);
  BOOST_TEST(o->kinds.size() == all_kinds().size());
  auto mem = parse_options({"--profile", "memory"}, bench_options{});
  BOOST_REQUIRE(mem.ok());
  BOOST_TEST(mem->plan.tenants == 10000);
  BOOST_TEST(!mem->steady);
  BOOST_TEST(!mem->peers);
  auto accounts = parse_options({"--tenants-per-account", "7", "--keep-rate-limits"}, bench_options{});
  BOOST_REQUIRE(accounts.ok());
  BOOST_TEST(accounts->plan.tenants_per_account == 7);
  BOOST_TEST(accounts->keep_rate_limits);
  auto kinds = parse_options({"--kinds", "Bucket, Kustomization", "--out", "/x"}, bench_options{});
  BOOST_REQUIRE(kinds.ok());
  BOOST_TEST(kinds->kinds.size() == 2u);
  BOOST_TEST(kinds->out_dir == "/x");
}

BOOST_AUTO_TEST_CASE(bad_flags_are_named) {
  auto unknown = parse_options({"--tenant", "3"}, bench_options{});
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().message.find("--tenant") != std::string::npos);
  BOOST_TEST(!parse_options({"--tenants", "0"}, bench_options{}).ok());
  BOOST_TEST(!parse_options({"--tenants", "12x"}, bench_options{}).ok());
  BOOST_TEST(!parse_options({"--window"}, bench_options{}).ok());
  BOOST_TEST(!parse_options({"--profile", "huge"}, bench_options{}).ok());
  BOOST_TEST(!parse_options({"--kinds", "GitRepository"}, bench_options{}).ok());
  BOOST_TEST(!parse_options({"--modes", "flux"}, bench_options{}).ok());
}

BOOST_AUTO_TEST_CASE(both_modes_are_valid_fluxaws_configurations) {
  for (const auto& name : mode_names()) {
    auto m = make_mode(name, emulator_config());
    BOOST_REQUIRE(m.ok());
    std::string yaml = mode_yaml(*m);
    BOOST_TEST(yaml.rfind("# fluxaws configuration used by bench_tenant_scale", 0) == 0u);
    // fluxaws's own parser accepts it (unknown keys or bad values would fail).
    auto cfg = runtime::parse_config(yaml, "config-" + name + ".yaml");
    BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? "" : cfg.error().message));
    BOOST_TEST(cfg->feature_gates.at("ObjectLevelWorkloadIdentity"));
    BOOST_TEST(cfg->http.ca_file == "/tmp/ca.pem");
    BOOST_TEST(cfg->local.service_account_token_issuer == "https://oidc.tenant-scale.bench");
    BOOST_TEST(cfg->observe.metrics_addr == "127.0.0.1:0");
    if (name == "fluxaws") {
      BOOST_TEST(cfg->reconcile.concurrent.empty());
      BOOST_TEST(!cfg->token_cache.serialize_misses);
      BOOST_TEST(cfg->token_cache.background_refresh);
    } else {
      BOOST_TEST(cfg->reconcile.concurrent.at("Bucket") == 2);
      BOOST_TEST(cfg->reconcile.concurrent.at("OCIRepository") == 2);
      BOOST_TEST(cfg->reconcile.concurrent.at("ImageRepository") == 4);
      BOOST_TEST(cfg->reconcile.concurrent.at("ImagePolicy") == 4);
      BOOST_TEST(cfg->reconcile.concurrent.at("Kustomization") == 4);
      BOOST_TEST(cfg->token_cache.serialize_misses);
      BOOST_TEST(!cfg->token_cache.background_refresh);
      BOOST_TEST(yaml.find("not Flux itself") != std::string::npos);
    }
  }
  // Lifting the per-account limits touches only STS, ECR and the ECR registry, in both modes.
  for (const auto& name : mode_names()) {
    auto m = make_mode(name, emulator_config(), true);
    BOOST_REQUIRE(m.ok());
    auto cfg = runtime::parse_config(mode_yaml(*m), "lifted.yaml");
    BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? "" : cfg.error().message));
    BOOST_TEST(cfg->aws.rate_limits.size() == 3u);
    BOOST_TEST(cfg->aws.rate_limits.at("registry").per_second == 0);
    BOOST_TEST(cfg->aws.rate_limits.at("sts").per_second == 0);
    BOOST_TEST(cfg->aws.rate_limits.at("ecr").per_second == 0);
    BOOST_TEST(m->description.find("aws.rateLimits") != std::string::npos);
  }
  BOOST_TEST(make_mode("fluxaws", emulator_config())->config.at({"aws", "rateLimits"}) == nullptr);
  BOOST_TEST(!make_mode("flux", emulator_config()).ok());
  BOOST_TEST(!make_mode("fluxaws", json::value("not a mapping")).ok());
}

BOOST_AUTO_TEST_SUITE_END()
