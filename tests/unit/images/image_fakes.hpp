// Test doubles for the image kinds' actor tests: a registry actor serving tag lists
// and manifest digests from shared state (recording every call and the credentials it
// got, failing on demand), a credential plane answering ECR tokens, and a fixture
// running the real supervisor and object actors with both kinds.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "actors/identity.hpp"
#include "actors/protocol.hpp"
#include "adapters/common/json.hpp"
#include "adapters/kube/object.hpp"
#include "adapters/oci/registry.hpp"

namespace images_test {

using namespace std::chrono_literals;

struct registry_call {
  std::string op;         // "list" or "head"
  std::string target;     // "registry/repo" or "registry/repo:tag"
  std::string auth_user;  // "" when anonymous
  std::string auth_secret;
  bool auth_cached = false;
};

struct fake_registry_state {
  std::mutex mu;
  std::map<std::string, std::vector<std::string>> tags;   // "registry/repo" -> tags
  std::map<std::string, std::string> digests;             // "registry/repo:tag" -> digest
  std::set<std::string> failing;                          // repos answering RegistryError
  int unauthorized_left = 0;  // answer Unauthorized this many times
  std::vector<registry_call> calls;

  int count(const std::string& op, const std::string& target);
  std::vector<registry_call> snapshot();
};

fluxaws::oci::registry_actor spawn_fake_registry(caf::actor_system& sys, std::shared_ptr<fake_registry_state> st);

struct fake_identity_state {
  std::mutex mu;
  int token_generation = 1;
  std::string answer_region;  // when set: tokens claim this region (a confused plane)
  std::vector<fluxaws::actors::credential_request> token_requests;
  std::vector<std::string> token_hosts;
  std::vector<std::string> invalidations;
};

fluxaws::actors::identity_registry_actor spawn_fake_identities(caf::actor_system& sys,
                                                                std::shared_ptr<fake_identity_state> st);

// The tags of tenant-a/app in the conformance world.
std::vector<std::string> conformance_tags();

struct observed {
  std::mutex mu;
  std::map<std::string, fluxaws::json::value> latest;  // "Kind/ns/name" -> object with status
  std::map<std::string, bool> settled;
  std::map<std::string, bool> deleted;
  std::map<std::string, int> reports;
};

struct image_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<fluxaws::actors::engine> eng = std::make_shared<fluxaws::actors::engine>();
  std::shared_ptr<fake_registry_state> registry = std::make_shared<fake_registry_state>();
  std::shared_ptr<fake_identity_state> identity = std::make_shared<fake_identity_state>();
  std::shared_ptr<observed> seen = std::make_shared<observed>();
  fluxaws::oci::registry_actor registry_actor;
  fluxaws::actors::supervisor_actor sup;
  fluxaws::actors::status_sink_actor sink;
  std::filesystem::path state_dir;

  struct options {
    bool identities = false;
    bool no_cross_namespace_refs = false;
    bool object_level_identity = false;
    std::chrono::milliseconds requeue_dependency = std::chrono::hours(1);
  };
  image_fixture();
  explicit image_fixture(options o);
  ~image_fixture();

  // Sends a manifest (YAML) to the supervisor as the object source would.
  void apply(const std::string& yaml, bool deleted = false);
  // Waits (bounded) until pred holds for the object's latest status.
  bool eventually(const std::string& key, const std::function<bool(const fluxaws::json::value&)>& pred,
                  std::chrono::milliseconds limit = 20s);
  fluxaws::json::value object(const std::string& key);
  // A condition field of the latest status ("" when absent).
  std::string condition(const std::string& key, const std::string& type, const std::string& field = "status");
  std::string field(const std::string& key, std::initializer_list<std::string_view> path);
};

// Predicates.
bool ready_is(const fluxaws::json::value& obj, const std::string& status, const std::string& reason = "");
bool stalled_with(const fluxaws::json::value& obj, const std::string& reason);
std::string cond_of(const fluxaws::json::value& obj, const std::string& type, const std::string& field);

}  // namespace images_test
