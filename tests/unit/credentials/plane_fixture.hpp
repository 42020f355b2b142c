// A credential plane on a real actor system for unit tests: the identity registry over
// the fake AWS (fake_aws.hpp), the local ServiceAccount token issuer with a key made
// for the test run, a resource index of ServiceAccounts and Secrets, and a test clock.
// Also request_all(): many requests in flight at once from one event-based actor.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/identity.hpp"
#include "actors/identity_options.hpp"
#include "actors/resource_index.hpp"
#include "adapters/common/json.hpp"
#include "adapters/kube/sa_tokens.hpp"
#include "fake_aws.hpp"

namespace fluxaws::test {

inline constexpr const char* account = "111122223333";

std::string role_arn(const std::string& name);
// A PEM RSA-2048 private key generated once per process, and a file holding it.
const std::string& test_key_pem();
const std::string& test_key_file();

json::value service_account(const std::string& ns, const std::string& name, const std::string& role);
json::value secret(const std::string& ns, const std::string& name, const std::vector<std::pair<std::string, std::string>>& data);

actors::credential_request bucket_request(const std::string& ns, const std::string& name, const std::string& sa,
                                          const std::string& region = "us-east-1");
actors::credential_request oci_request(const std::string& ns, const std::string& name, const std::string& sa);

// Sends every request at once (one event-based actor), waits for all answers.
std::vector<actors::credential_reply> request_all(caf::actor_system& sys, const actors::identity_registry_actor& reg,
                                                  const std::vector<actors::credential_request>& reqs,
                                                  std::chrono::milliseconds timeout);
std::vector<actors::ecr_token_reply> request_all_ecr(
    caf::actor_system& sys, const actors::identity_registry_actor& reg,
    const std::vector<std::pair<actors::credential_request, std::string>>& reqs, std::chrono::milliseconds timeout);

// A reply that arrives on another thread, read by the test.
template <class T>
struct async_reply {
  std::mutex mu;
  std::optional<T> value;
  void set(T v) {
    std::lock_guard<std::mutex> l(mu);
    value = std::move(v);
  }
  bool has() {
    std::lock_guard<std::mutex> l(mu);
    return value.has_value();
  }
  T get() {
    std::lock_guard<std::mutex> l(mu);
    return *value;
  }
};

struct test_system_config : caf::actor_system_config {
  test_system_config() { set("scheduler.max-threads", 2); }
};

struct plane_fixture {
  test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  std::shared_ptr<test_clock> clock = std::make_shared<test_clock>();
  std::shared_ptr<fake_aws_state> aws = std::make_shared<fake_aws_state>();
  fake_aws_actor http;
  kube::sa_token_actor issuer;
  std::shared_ptr<actors::resource_index> index = std::make_shared<actors::resource_index>();
  actors::identity_options opts;
  actors::identity_registry_actor registry;

  plane_fixture();
  ~plane_fixture();

  // Spawns the registry with opts (call after adjusting opts).
  void start();
  void stop();
  // A tenant: ServiceAccount ns/flux annotated with role arn(role), trusted by that role.
  void add_tenant(const std::string& ns, const std::string& role);

  actors::credential_reply creds(const actors::credential_request& req);
  actors::ecr_token_reply ecr(const actors::credential_request& req, const std::string& host);
  void invalidate(const actors::credential_request& req, const std::string& what);
  std::chrono::milliseconds timeout() const;
};

}  // namespace fluxaws::test
