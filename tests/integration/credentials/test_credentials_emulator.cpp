// The credential plane against fluxaws-emulator over real HTTPS (the HTTP client actor,
// connect-to rules, the emulator's CA): ServiceAccount tokens signed locally and
// verified by the emulator's STS, single flight at scale counted by the emulator,
// refresh ahead of a 60-second expiry, and tenant isolation.
#define BOOST_TEST_MODULE integration_credentials
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <set>
#include <thread>

#include "actors/identity_registry.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"
#include "emulated_world.hpp"
#include "tests/unit/credentials/plane_fixture.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;
using itest::emulated_world;
using itest::tenant;
using itest::tenant_role;

namespace {

struct global_setup {
  global_setup() { http::global_init(); }
};
BOOST_TEST_GLOBAL_FIXTURE(global_setup);

struct plane {
  test::test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<resource_index> index = std::make_shared<resource_index>();
  http::client_actor http;
  kube::sa_token_actor issuer;
  identity_options opts;
  identity_registry_actor registry;

  plane() {
    auto& world = emulated_world::get();
    http = http::spawn_client(sys, world.client_options());
    auto issued = kube::spawn_local_sa_token_issuer(sys, itest::issuer, itest::signing_key_file());
    BOOST_REQUIRE_MESSAGE(issued.ok(), (issued.ok() ? "" : issued.error().message));
    issuer = issued.value();
    opts.object_level_identity = true;
    opts.default_region = "us-east-1";
    opts.env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
    // A loaded two-core machine runs this: generous deadlines, never hit in practice.
    opts.call_timeout = 60s;
    opts.fetch_deadline = 120s;
    opts.token_cache_max_size = 5000;
    for (int i = 0; i < itest::tenants; ++i)
      index->put(test::service_account(tenant(i), "flux", tenant_role(i)));
    index->put(test::service_account("short", "flux", itest::short_lived_role()));
  }
  void start() { registry = spawn_identity_registry(sys, opts, index, http, issuer); }
  ~plane() {
    if (registry) self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->send_exit(issuer, caf::exit_reason::user_shutdown);
    self->send_exit(http, caf::exit_reason::user_shutdown);
  }
  credential_reply creds(const credential_request& req) {
    credential_reply out;
    self->request(registry, reply_deadline(opts), credentials_atom::value, req)
        .receive([&](credential_reply& r) { out = std::move(r); },
                 [&](caf::error& e) { out.error = make_error("caf", sys.render(e)); });
    return out;
  }
};

const std::string ecr_host = "111122223333.dkr.ecr.us-east-1.amazonaws.com";

}  // namespace

BOOST_AUTO_TEST_CASE(ten_thousand_requests_over_a_thousand_identities, *boost::unit_test::timeout(600)) {
  auto& world = emulated_world::get();
  plane p;
  p.start();
  world.reset_calls();
  std::vector<credential_request> reqs;
  for (int i = 0; i < 10 * itest::tenants; ++i)
    reqs.push_back(test::bucket_request(tenant(i % itest::tenants), "bucket-" + std::to_string(i / itest::tenants), "flux"));
  auto replies = test::request_all(p.sys, p.registry, reqs, reply_deadline(p.opts));
  std::map<std::string, std::set<std::string>> keys;
  int failures = 0;
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (!replies[i].ok) {
      if (++failures < 5) BOOST_TEST_MESSAGE("failure: " << replies[i].error.message);
      continue;
    }
    keys[reqs[i].object.ns].insert(replies[i].creds.access_key_id);
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(keys.size() == static_cast<std::size_t>(itest::tenants));
  for (const auto& [ns, k] : keys) BOOST_TEST(k.size() == 1u, ns);
  // The emulator's counters: exactly one AssumeRoleWithWebIdentity per identity.
  BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity") == itest::tenants);
  BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity", "", 200) == itest::tenants);
  for (int i : {0, 1, 499, 999}) BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity", tenant_role(i)) == 1);

  // ECR: 10,000 token requests, one GetAuthorizationToken per identity, no new STS call.
  std::vector<std::pair<credential_request, std::string>> ecr_reqs;
  for (int i = 0; i < 10 * itest::tenants; ++i)
    ecr_reqs.emplace_back(test::oci_request(tenant(i % itest::tenants), "app-" + std::to_string(i / itest::tenants), "flux"),
                          ecr_host);
  auto tokens = test::request_all_ecr(p.sys, p.registry, ecr_reqs, reply_deadline(p.opts));
  std::map<std::string, std::set<std::string>> passwords;
  failures = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (!tokens[i].ok) {
      if (++failures < 5) BOOST_TEST_MESSAGE("ECR failure: " << tokens[i].error.message);
      continue;
    }
    BOOST_TEST(tokens[i].username == "AWS");
    BOOST_TEST(tokens[i].region == "us-east-1");
    passwords[ecr_reqs[i].first.object.ns].insert(tokens[i].password);
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(passwords.size() == static_cast<std::size_t>(itest::tenants));
  BOOST_TEST(world.count("ecr", "GetAuthorizationToken") == itest::tenants);
  BOOST_TEST(world.count("ecr", "GetAuthorizationToken", "", 200) == itest::tenants);
  BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity") == itest::tenants);
}

BOOST_AUTO_TEST_CASE(sixty_second_credentials_are_refreshed_once_ahead_of_expiry, *boost::unit_test::timeout(300)) {
  auto& world = emulated_world::get();
  plane p;
  p.start();
  world.reset_calls();
  auto req = test::bucket_request("short", "bucket", "flux");
  std::set<std::string> keys;
  int failures = 0;
  std::chrono::seconds least_left = 3600s;
  auto start = std::chrono::steady_clock::now();
  // 50 s: past the first refresh point (43.2 s) and past the first credentials' reuse
  // limit (48 s), before the second refresh (about 86 s).
  while (std::chrono::steady_clock::now() - start < 50s) {
    auto r = p.creds(req);
    if (!r.ok) {
      ++failures;
      BOOST_TEST_MESSAGE("failure: " << r.error.message);
    } else {
      keys.insert(r.creds.access_key_id);
      BOOST_REQUIRE(r.creds.expiration.has_value());
      auto left = std::chrono::duration_cast<std::chrono::seconds>(*r.creds.expiration - std::chrono::system_clock::now());
      least_left = std::min(least_left, left);
    }
    std::this_thread::sleep_for(200ms);
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(keys.size() == 2u);
  BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity", itest::short_lived_role()) == 2);
  // Never handed out credentials with less than the last 20% of their life.
  BOOST_TEST(least_left.count() >= 11);
}

BOOST_AUTO_TEST_CASE(tenant_a_never_obtains_tenant_b_credentials, *boost::unit_test::timeout(300)) {
  auto& world = emulated_world::get();
  plane p;
  const int a = 0, b = 1;
  p.index->put(test::service_account(tenant(b), "b-deployer", tenant_role(b)));
  p.index->put(test::service_account(tenant(a), "impostor", tenant_role(b)));
  p.index->put(test::secret(tenant(b), "b-keys", {{"accesskey", "AKIATENANTB000000001"}, {"secretkey", "b-secret"}}));
  p.start();
  world.reset_calls();

  // B's ServiceAccount named from A's namespace.
  auto r1 = p.creds(test::bucket_request(tenant(a), "steal-1", "b-deployer"));
  BOOST_TEST(!r1.ok);
  BOOST_TEST(r1.error.message.find("ServiceAccount '" + tenant(a) + "/b-deployer' not found") != std::string::npos);
  // A's ServiceAccount annotated with B's role: STS refuses (the token's sub is A's).
  auto r2 = p.creds(test::bucket_request(tenant(a), "steal-2", "impostor"));
  BOOST_TEST(!r2.ok);
  BOOST_TEST(r2.error.message.find("AccessDenied") != std::string::npos);
  BOOST_TEST(r2.error.message.find(tenant_role(b)) != std::string::npos);
  BOOST_TEST(r2.error.message.find(tenant(a) + "/impostor") != std::string::npos);
  // A Secret of B's namespace.
  auto r3_req = test::bucket_request(tenant(a), "steal-3", "");
  r3_req.secret_ref = "b-keys";
  auto r3 = p.creds(r3_req);
  BOOST_TEST(!r3.ok);
  BOOST_TEST(r3.error.message.find("Secret '" + tenant(a) + "/b-keys' not found") != std::string::npos);
  // The same through ECR.
  credential_request r4_req = test::oci_request(tenant(a), "steal-4", "impostor");
  ecr_token_reply r4;
  p.self->request(p.registry, reply_deadline(p.opts), ecr_token_atom::value, r4_req, ecr_host)
      .receive([&](ecr_token_reply& r) { r4 = std::move(r); }, [&](caf::error&) {});
  BOOST_TEST(!r4.ok);
  BOOST_TEST(r4.password.empty());

  // The emulator saw B's role asked for (and refused), never granted.
  BOOST_TEST(world.count("sts", "AssumeRoleWithWebIdentity", tenant_role(b), 403) >= 1);
  BOOST_TEST(world.successes_as(tenant(b)) == 0);
  BOOST_TEST(world.count("ecr", "GetAuthorizationToken") == 0);

  // The check can see a success as B: B itself gets in.
  auto legit = p.creds(test::bucket_request(tenant(b), "legit", "flux"));
  BOOST_REQUIRE_MESSAGE(legit.ok, legit.error.message);
  BOOST_TEST(world.successes_as(tenant(b)) == 1);
}
