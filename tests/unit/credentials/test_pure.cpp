// The credential plane's pure pieces: session names, reuse windows on both clocks,
// failure backoff, identity keys, option checks.
#include <boost/test/unit_test.hpp>

#include <set>

#include "actors/failure_backoff.hpp"
#include "actors/identity_key.hpp"
#include "actors/identity_options.hpp"
#include "actors/session_name.hpp"
#include "actors/token_lifetime.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(session_names)

BOOST_AUTO_TEST_CASE(short_names_are_fluxs_format) {
  BOOST_TEST(role_session_name("flux", "tenant-a", "us-east-1") == "flux.tenant-a.us-east-1.fluxcd.io");
  BOOST_TEST(valid_role_session_name(role_session_name("flux", "tenant-a", "us-east-1")));
}

BOOST_AUTO_TEST_CASE(exactly_64_characters_is_kept) {
  // 64 = sa + 1 + ns + 1 + region(9) + 10
  std::string sa(64 - 1 - 8 - 1 - 9 - 10, 's');
  auto n = role_session_name(sa, "tenant-a", "us-east-1");
  BOOST_TEST(n.size() == 64u);
  BOOST_TEST(n == sa + ".tenant-a.us-east-1.fluxcd.io");
}

BOOST_AUTO_TEST_CASE(long_names_fit_and_do_not_collide) {
  std::string ns(63, 'n');
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    // Same first 37 characters for all: only the hash tells them apart.
    std::string sa = std::string(60, 'a') + "-" + std::to_string(i);
    auto n = role_session_name(sa, ns, "ap-southeast-2");
    BOOST_TEST(n.size() == 64u);
    BOOST_TEST(valid_role_session_name(n));
    BOOST_TEST(n.substr(n.size() - 10) == ".fluxcd.io");
    BOOST_TEST(n.substr(0, 37) == sa.substr(0, 37));
    seen.insert(n);
  }
  BOOST_TEST(seen.size() == 200u);
  // Deterministic.
  BOOST_TEST(role_session_name(std::string(60, 'a'), ns, "eu-west-1") ==
             role_session_name(std::string(60, 'a'), ns, "eu-west-1"));
  // The region is part of it too.
  BOOST_TEST(role_session_name(std::string(60, 'a'), ns, "eu-west-1") !=
             role_session_name(std::string(60, 'a'), ns, "eu-west-2"));
}

BOOST_AUTO_TEST_CASE(sops_names) {
  BOOST_TEST(sops_session_name("node-1.example.com") == "sops@node-1.example.com");
  BOOST_TEST(sops_session_name("we!rd host") == "sops@werdhost");
  BOOST_TEST(sops_session_name(std::string(100, 'h')).size() == 64u);
  BOOST_TEST(!valid_role_session_name("a"));
  BOOST_TEST(!valid_role_session_name("has space"));
  BOOST_TEST(!valid_role_session_name(std::string(65, 'x')));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(token_windows)

const auto t0_mono = std::chrono::steady_clock::time_point(std::chrono::hours(1000));
const auto t0_wall = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));

BOOST_AUTO_TEST_CASE(reused_until_80_percent) {
  window_policy p{0.8, 0.9, 3600s};
  auto w = make_window(t0_wall + 60s, t0_mono, t0_wall, p);
  BOOST_TEST(w.usable());
  BOOST_TEST(w.valid(t0_mono + 47s, t0_wall + 47s));
  BOOST_TEST(!w.valid(t0_mono + 48s, t0_wall + 48s));
  // Refresh at 90% of the 48 s window.
  BOOST_TEST(!w.refresh_due(t0_mono + 43s));
  BOOST_TEST(w.refresh_due(t0_mono + 43200ms));
}

BOOST_AUTO_TEST_CASE(capped_by_max_duration) {
  window_policy p{0.8, 0.9, 600s};
  auto w = make_window(t0_wall + 12h, t0_mono, t0_wall, p);
  BOOST_TEST(w.valid(t0_mono + 599s, t0_wall + 599s));
  BOOST_TEST(!w.valid(t0_mono + 600s, t0_wall + 600s));
}

BOOST_AUTO_TEST_CASE(no_expiry_gets_max_duration) {
  window_policy p{0.8, 0.9, 3600s};
  auto w = make_window(std::nullopt, t0_mono, t0_wall, p);
  BOOST_TEST(w.valid(t0_mono + 3599s, t0_wall + 3599s));
  BOOST_TEST(!w.valid(t0_mono + 3600s, t0_wall + 3600s));
}

BOOST_AUTO_TEST_CASE(either_clock_ends_it) {
  window_policy p{0.8, 0.9, 3600s};
  auto w = make_window(t0_wall + 3600s, t0_mono, t0_wall, p);
  BOOST_TEST(w.valid(t0_mono + 1s, t0_wall + 1s));
  BOOST_TEST(!w.valid(t0_mono + 1s, t0_wall + 2881s));  // wall clock jumped forward
  BOOST_TEST(!w.valid(t0_mono + 2881s, t0_wall - 100s));  // wall clock set back: steady still ends it
}

BOOST_AUTO_TEST_CASE(wall_deadline_is_whole_seconds_not_after_steady) {
  window_policy p{0.8, 0.9, 3600s};
  auto wall = t0_wall + 700ms;
  auto w = make_window(wall + 100s, t0_mono, wall, p);
  BOOST_TEST((w.reuse_until_wall == t0_wall + 80s));
  BOOST_TEST(!w.valid(t0_mono + 1s, t0_wall + 80s));
}

BOOST_AUTO_TEST_CASE(expired_or_nearly_is_unusable) {
  window_policy p{0.8, 0.9, 3600s};
  BOOST_TEST(!make_window(t0_wall - 5s, t0_mono, t0_wall, p).usable());
  BOOST_TEST(!make_window(t0_wall + 500ms, t0_mono, t0_wall, p).usable());
  BOOST_TEST(make_window(t0_wall + 2s, t0_mono, t0_wall, p).usable());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(backoff_doubles_to_a_cap) {
  BOOST_TEST(failure_backoff(0, 1000ms, 60000ms).count() == 0);
  BOOST_TEST(failure_backoff(1, 1000ms, 60000ms).count() == 1000);
  BOOST_TEST(failure_backoff(2, 1000ms, 60000ms).count() == 2000);
  BOOST_TEST(failure_backoff(6, 1000ms, 60000ms).count() == 32000);
  BOOST_TEST(failure_backoff(7, 1000ms, 60000ms).count() == 60000);
  BOOST_TEST(failure_backoff(1000, 1000ms, 60000ms).count() == 60000);
}

BOOST_AUTO_TEST_SUITE(identity_keys)

identity_key web(const std::string& role, const std::string& ns) {
  identity_key k;
  k.source = "serviceaccount";
  k.role_arn = role;
  k.sa_namespace = ns;
  k.sa_name = "flux";
  k.audiences = {"sts.amazonaws.com"};
  k.region = "us-east-1";
  return k;
}

BOOST_AUTO_TEST_CASE(every_field_matters) {
  auto a = web("arn:aws:iam::111122223333:role/a", "tenant-a");
  std::set<std::string> keys{a.canonical()};
  auto b = a;
  b.role_arn = "arn:aws:iam::111122223333:role/b";
  keys.insert(b.canonical());
  b = a;
  b.sa_namespace = "tenant-b";
  keys.insert(b.canonical());
  b = a;
  b.sa_name = "other";
  keys.insert(b.canonical());
  b = a;
  b.region = "eu-west-1";
  keys.insert(b.canonical());
  b = a;
  b.sts_endpoint = "https://sts.us-east-1.amazonaws.com";
  keys.insert(b.canonical());
  b = a;
  b.audiences = {"other"};
  keys.insert(b.canonical());
  b = a;
  b.assume_role_arn = "arn:aws:iam::111122223333:role/c";
  keys.insert(b.canonical());
  BOOST_TEST(keys.size() == 8u);
}

BOOST_AUTO_TEST_CASE(values_cannot_forge_lines) {
  auto a = web("arn:aws:iam::111122223333:role/a\nregion=eu-west-1", "tenant-a");
  a.region = "";
  auto b = web("arn:aws:iam::111122223333:role/a", "tenant-a");
  b.region = "eu-west-1";
  BOOST_TEST(a.canonical() != b.canonical());
}

BOOST_AUTO_TEST_CASE(static_secrets_are_hashed_with_a_salt) {
  auto h1 = static_secret_hash("salt-1", "wJalrXUtnFEMI/K7MDENG", "");
  auto h2 = static_secret_hash("salt-2", "wJalrXUtnFEMI/K7MDENG", "");
  auto h3 = static_secret_hash("salt-1", "wJalrXUtnFEMI/K7MDENH", "");
  BOOST_TEST(h1 != h2);
  BOOST_TEST(h1 != h3);
  BOOST_TEST(h1.size() == 64u);
  identity_key k;
  k.source = "secret";
  k.access_key_id = "AKIAEXAMPLE";
  k.secret_hash = h1;
  BOOST_TEST(k.canonical().find("wJalrXUtnFEMI") == std::string::npos);
  BOOST_TEST(k.describe().find(h1) == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(options)

BOOST_AUTO_TEST_CASE(lockdown_needs_the_feature_gate) {
  identity_options o;
  BOOST_TEST(check_identity_options(o).ok());
  o.default_service_account = "flux";
  auto st = check_identity_options(o);
  BOOST_REQUIRE(!st.ok());
  BOOST_TEST(st.error().message.find("ObjectLevelWorkloadIdentity") != std::string::npos);
  o.default_service_account.clear();
  o.default_decryption_service_account = "sops";
  BOOST_TEST(!check_identity_options(o).ok());
  o.object_level_identity = true;
  BOOST_TEST(check_identity_options(o).ok());
}

BOOST_AUTO_TEST_CASE(max_duration_is_capped_at_an_hour) {
  identity_options o;
  o.token_cache_max_duration = std::chrono::hours(5);
  BOOST_TEST(effective_max_duration(o).count() == 3600);
  o.token_cache_max_duration = std::chrono::seconds(90);
  BOOST_TEST(effective_max_duration(o).count() == 90);
}

BOOST_AUTO_TEST_CASE(region_defaults) {
  identity_options o;
  BOOST_TEST(effective_default_region(o).empty());
  o.env["AWS_REGION"] = "eu-west-1";
  BOOST_TEST(effective_default_region(o) == "eu-west-1");
  o.default_region = "us-west-2";
  BOOST_TEST(effective_default_region(o) == "us-west-2");
}

BOOST_AUTO_TEST_CASE(bad_tuning_is_refused) {
  identity_options o;
  o.reuse_fraction = 1.5;
  BOOST_TEST(!check_identity_options(o).ok());
  o = identity_options{};
  o.fetch_deadline = std::chrono::milliseconds(1);
  BOOST_TEST(!check_identity_options(o).ok());
  o = identity_options{};
  o.sa_token_lifetime = std::chrono::seconds(60);
  BOOST_TEST(!check_identity_options(o).ok());
}

BOOST_AUTO_TEST_SUITE_END()
