#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/cli.hpp"
#include "runtime/config.hpp"

using namespace fluxaws;
using namespace fluxaws::runtime;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(config_file)

BOOST_AUTO_TEST_CASE(defaults_parse_back_to_defaults) {
  auto cfg = parse_config(default_config_yaml(), "defaults.yaml");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  config d;
  BOOST_TEST(cfg->http.max_connections == d.http.max_connections);
  BOOST_TEST((cfg->token_cache.max_duration == d.token_cache.max_duration));
  BOOST_TEST((cfg->reconcile.min_retry_delay == 750ms));
  BOOST_TEST(cfg->storage.addr == ":9090");
  BOOST_TEST(cfg->scheduler.policy == "sharing");
}

BOOST_AUTO_TEST_CASE(a_typo_names_file_line_key_and_suggests) {
  auto cfg = parse_config("http:\n  maxConnections: 10\n  maxConections: 5\n", "tuning.yaml");
  BOOST_REQUIRE(!cfg.ok());
  BOOST_TEST(cfg.error().message ==
             "tuning.yaml:3: key 'http.maxConections': unknown key (did you mean 'http.maxConnections'?)");
}

BOOST_AUTO_TEST_CASE(wrong_types_and_ranges_are_refused_with_the_key) {
  struct bad {
    const char* text;
    const char* expect;
  };
  for (auto b : {bad{"http:\n  maxConnections: many\n", "tuning.yaml:2: key 'http.maxConnections': expected an integer"},
                 bad{"tokenCache:\n  maxDuration: 2h\n", "key 'tokenCache.maxDuration': duration 2h is out of range"},
                 bad{"reconcile:\n  minRetryDelay: soon\n", "expected a duration"},
                 bad{"scheduler:\n  policy: random\n", "unsupported value 'random'"},
                 bad{"http: 5\n", "expected a mapping"},
                 bad{"featureGates:\n  ObjectLevelWorkloadIdentity: maybe\n", "must be true or false"},
                 bad{"sops:\n  verifyMac: [1]\n", "expected a single value"},
                 bad{"http:\n  maxConnections: 0\n", "out of range"}}) {
    auto cfg = parse_config(b.text, "tuning.yaml");
    BOOST_REQUIRE(!cfg.ok());
    BOOST_TEST(cfg.error().message.find(b.expect) != std::string::npos, cfg.error().message);
  }
}

BOOST_AUTO_TEST_CASE(malformed_yaml_names_the_line) {
  auto cfg = parse_config("http:\n  connectTo: [unclosed\n", "x.yaml");
  BOOST_REQUIRE(!cfg.ok());
  BOOST_TEST(cfg.error().message.rfind("x.yaml:", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(flags_with_flux_names_override_the_file) {
  auto dir = std::filesystem::temp_directory_path() / "fluxaws-config-test.yaml";
  std::ofstream(dir) << "reconcile:\n  maxRetryDelay: 10m\nstorage:\n  path: /from/file\n";
  auto opts = parse_run_args(std::vector<std::string>{"--config", dir.string(), "--storage-path=/from/flag", "--concurrent", "7",
                              "--feature-gates=ObjectLevelWorkloadIdentity=true", "--no-cross-namespace-refs",
                              "--objects", "o", "--state-dir", "s", "--once"});
  std::filesystem::remove(dir);
  BOOST_REQUIRE_MESSAGE(opts.ok(), (opts.ok() ? std::string() : opts.error().message));
  BOOST_TEST(opts->cfg.storage.path == "/from/flag");
  BOOST_TEST((opts->cfg.reconcile.max_retry_delay == 10min));
  BOOST_TEST(opts->cfg.reconcile.concurrent.at("Bucket") == 7);
  BOOST_TEST(opts->cfg.reconcile.concurrent.at("Kustomization") == 7);
  BOOST_TEST(opts->cfg.feature_gates.at("ObjectLevelWorkloadIdentity"));
  BOOST_TEST(opts->cfg.lockdown.no_cross_namespace_refs);
  BOOST_TEST(opts->once);
  BOOST_TEST(!opts->cluster);
}

BOOST_AUTO_TEST_CASE(lockdown_needs_the_feature_gate) {
  auto opts = parse_run_args(std::vector<std::string>{"--default-service-account=flux", "--objects", "o", "--state-dir", "s"});
  BOOST_REQUIRE(!opts.ok());
  BOOST_TEST(opts.error().message.find("ObjectLevelWorkloadIdentity") != std::string::npos);
  auto ok = parse_run_args(std::vector<std::string>{"--default-service-account=flux", "--feature-gates=ObjectLevelWorkloadIdentity=true",
                            "--objects", "o", "--state-dir", "s"});
  BOOST_TEST(ok.ok());
  BOOST_TEST(!parse_run_args(std::vector<std::string>{"--unknown-flag=1"}).ok());
  BOOST_TEST(!parse_run_args(std::vector<std::string>{"--feature-gates=NoSuchGate=true", "--objects", "o", "--state-dir", "s"}).ok());
}

BOOST_AUTO_TEST_CASE(leader_election_timings_have_flux_flags_and_must_nest) {
  auto opts = parse_run_args(std::vector<std::string>{"--enable-leader-election", "--leader-election-lease-duration=6s",
                                                      "--leader-election-renew-deadline", "4s",
                                                      "--leader-election-retry-period=1s"});
  BOOST_TEST_REQUIRE(opts.ok());
  BOOST_TEST(opts->cfg.kube.lease_duration.count() == 6000);
  BOOST_TEST(opts->cfg.kube.renew_deadline.count() == 4000);
  BOOST_TEST(opts->cfg.kube.retry_period.count() == 1000);
  config defaults;
  BOOST_TEST(defaults.kube.lease_duration.count() == 35000);  // controller-runtime's
  // A leader must renew before the Lease can expire, and retry before its deadline.
  auto late = parse_run_args(std::vector<std::string>{"--leader-election-lease-duration=6s"});
  BOOST_TEST_REQUIRE(!late.ok());
  BOOST_TEST(late.error().message.find("kube.renewDeadline must be shorter than kube.leaseDuration") != std::string::npos);
  BOOST_TEST(!parse_run_args(std::vector<std::string>{"--leader-election-retry-period=30s"}).ok());
  BOOST_TEST(!parse_run_args(std::vector<std::string>{"--leader-election-retry-period=500ms"}).ok());  // below 1s
}

BOOST_AUTO_TEST_CASE(docs_list_every_key) {
  std::ifstream in(std::string(FLUXAWS_SOURCE_DIR) + "/docs/config.md");
  std::stringstream ss;
  ss << in.rdbuf();
  auto docs = ss.str();
  std::stringstream table(config_reference_markdown());
  std::string line;
  int keys = 0;
  while (std::getline(table, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    auto key = line.substr(3, line.find('`', 3) - 3);
    ++keys;
    BOOST_TEST(docs.find("`" + key + "`") != std::string::npos, "docs/config.md lacks " << key);
  }
  BOOST_TEST(keys > 40);
}

BOOST_AUTO_TEST_SUITE_END()
