// Test doubles for the credential plane's unit tests, in a real actor system:
//  - test_clock: a steady and a wall clock that move together (or apart) on demand.
//  - fake_aws: an HTTP client actor (http::client_actor's interface) playing STS
//    (AssumeRoleWithWebIdentity with a per-role trust rule on the token's sub and aud,
//    AssumeRole), ECR and ECR Public GetAuthorizationToken, counting every call by
//    operation, role and host, able to hold a role's STS answers until released, and
//    to fail chosen calls with AWS error codes. Tokens are decoded, not verified (the
//    integration tests use the real emulator for that).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "actors/identity_options.hpp"
#include "adapters/http/client.hpp"

namespace fluxaws::test {

struct test_clock {
  std::atomic<int64_t> mono_offset_ms{0};
  std::atomic<int64_t> wall_offset_ms{0};
  void advance(std::chrono::milliseconds d) {
    mono_offset_ms += d.count();
    wall_offset_ms += d.count();
  }
  std::chrono::steady_clock::time_point mono() const {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(mono_offset_ms.load());
  }
  std::chrono::system_clock::time_point wall() const {
    return std::chrono::system_clock::now() + std::chrono::milliseconds(wall_offset_ms.load());
  }
  actors::identity_clock as_identity_clock(std::shared_ptr<test_clock> self) const {
    actors::identity_clock c;
    c.mono = [self] { return self->mono(); };
    c.wall = [self] { return self->wall(); };
    return c;
  }
};

using release_atom = caf::atom_constant<caf::atom("release")>;
using deliver_atom = caf::atom_constant<caf::atom("fakedeliv")>;

struct fake_aws_state {
  std::mutex mu;
  std::shared_ptr<test_clock> clock;
  std::chrono::seconds lifetime{3600};
  std::chrono::seconds ecr_lifetime{12 * 3600};
  // Role ARN -> the token sub it trusts; a role not listed refuses everyone.
  std::map<std::string, std::string> trust;
  // Role ARN -> error code STS answers for it (e.g. "AccessDenied"), instead of trust.
  std::map<std::string, std::string> sts_error;
  // Roles whose STS answers are held until release_atom.
  std::set<std::string> hold;
  // Every answer is delayed this long (a remote STS/ECR), without blocking the actor.
  std::chrono::milliseconds latency{0};
  // Error codes for the next ECR calls, in order ("" = answer normally).
  std::deque<std::string> ecr_errors;

  // Observations.
  std::map<std::string, int> calls;          // "sts:AssumeRoleWithWebIdentity", "ecr:GetAuthorizationToken", ...
  std::map<std::string, int> sts_ok_by_role;  // successful STS answers per role
  std::map<std::string, int> sts_by_role;     // STS calls per role (any outcome)
  std::map<std::string, int> hosts;           // request host -> count
  std::vector<std::string> events;            // "sts:<role>", "release:<role>"
  std::map<std::string, std::string> key_owner;  // issued access key id -> role ARN
  int issued = 0;

  int count(const std::string& k) {
    std::lock_guard<std::mutex> l(mu);
    auto it = calls.find(k);
    return it == calls.end() ? 0 : it->second;
  }
  int total_sts() { return count("sts:AssumeRoleWithWebIdentity") + count("sts:AssumeRole"); }
  int sts_for(const std::string& role) {
    std::lock_guard<std::mutex> l(mu);
    auto it = sts_by_role.find(role);
    return it == sts_by_role.end() ? 0 : it->second;
  }
  int host(const std::string& h) {
    std::lock_guard<std::mutex> l(mu);
    auto it = hosts.find(h);
    return it == hosts.end() ? 0 : it->second;
  }
  int ok_as(const std::string& role) {
    std::lock_guard<std::mutex> l(mu);
    auto it = sts_ok_by_role.find(role);
    return it == sts_ok_by_role.end() ? 0 : it->second;
  }
};

using fake_aws_actor = http::client_actor::extend<caf::reacts_to<release_atom, std::string>,
                                                  caf::reacts_to<deliver_atom, uint64_t>>;

fake_aws_actor spawn_fake_aws(caf::actor_system& sys, std::shared_ptr<fake_aws_state> state);

}  // namespace fluxaws::test
