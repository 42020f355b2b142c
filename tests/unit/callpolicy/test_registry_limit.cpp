// The OCI registry actor under an installed call policy: its requests wait for the
// "registry" limit of their host, an ECR registry's keyed by its account and region,
// and a refusal comes back as the operation's error naming the limit.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "adapters/aws/call_limiter.hpp"
#include "adapters/aws/call_policy.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/oci/registry.hpp"
#include "scripted_http.hpp"

using namespace fluxaws;
using namespace std::chrono_literals;

namespace {

struct test_config : caf::actor_system_config {
  test_config() { set("scheduler.max-threads", 2); }
};

struct fixture {
  test_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<test::scripted_http_state> state = std::make_shared<test::scripted_http_state>();
  http::client_actor http = test::spawn_scripted_http(sys, state);
  oci::registry_actor registry = oci::spawn_registry(sys, http);
  aws::call_limiter_actor limiter;

  ~fixture() {
    aws::uninstall_call_policy();
    for (auto a : {caf::actor_cast<caf::actor>(registry), caf::actor_cast<caf::actor>(http),
                   caf::actor_cast<caf::actor>(limiter)})
      if (a) self->send_exit(a, caf::exit_reason::user_shutdown);
  }

  // ok, or the operation's error message.
  std::pair<bool, std::string> ping(const std::string& host) {
    oci::ping_request req;
    req.repo = {host, "tenant-a/app"};
    req.opts.timeout = 5s;
    std::pair<bool, std::string> out{false, "no answer"};
    self->request(registry, 5s + oci::reply_margin, oci::ping_atom::value, req)
        .receive(
            [&](const oci::ping_outcome& o) {
              auto r = o.to_result();
              out = {r.ok(), r.ok() ? std::string() : r.error().message};
            },
            [&](caf::error& e) { out = {false, sys.render(e)}; });
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(registry_limit_suite, fixture)

BOOST_AUTO_TEST_CASE(registry_requests_spend_the_registry_limit_of_their_host) {
  state->script = [](const http::request&, std::size_t) { return test::answer(200, "{}"); };
  // Without a policy nothing is limited.
  for (int i = 0; i < 3; ++i) BOOST_TEST(ping("111122223333.dkr.ecr.us-east-1.amazonaws.com").first);
  limiter = aws::spawn_call_limiter(sys, {{{"registry", {0.01, 1}}}, 16});
  aws::install_call_policy(limiter, {});
  auto& m = metrics::registry::global();
  auto refused_before = m.value("fluxaws_aws_rate_limit_refused_total", {{"service", "registry"}, {"reason", "too_long"}});
  BOOST_TEST(ping("111122223333.dkr.ecr.us-east-1.amazonaws.com").first);
  auto second = ping("111122223333.dkr.ecr.us-east-1.amazonaws.com");
  BOOST_REQUIRE(!second.first);
  BOOST_TEST(second.second.find("local rate limit of registry us-east-1 acct/111122223333") != std::string::npos,
             second.second);
  // Another registry has its own bucket.
  BOOST_TEST(ping("ghcr.io").first);
  BOOST_TEST(state->requests().size() == 5u);
  BOOST_TEST(m.value("fluxaws_aws_rate_limit_refused_total", {{"service", "registry"}, {"reason", "too_long"}}) -
                 refused_before ==
             1.0);
}

BOOST_AUTO_TEST_SUITE_END()
