#include "actors/imagerepository_registry.hpp"

#include <caf/actor_addr.hpp>
#include <caf/actor_cast.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <mutex>

#include "adapters/oci/error_codes.hpp"

namespace fluxaws::actors::imagerepository {

using namespace std::chrono_literals;

namespace {

// A weak slot: the live registry actor of one actor system and HTTP client.
struct registry_slot {
  std::mutex mu;
  caf::actor_system* sys = nullptr;
  caf::actor_addr http;
  caf::actor_addr registry;

  oci::registry_actor get(caf::actor_system& s, const http::client_actor& h) {
    std::lock_guard<std::mutex> lock(mu);
    if (sys == &s && http == h.address())
      if (auto live = caf::actor_cast<oci::registry_actor>(registry)) return live;
    auto fresh = oci::spawn_registry(s, h);
    sys = &s;
    http = h.address();
    registry = fresh.address();
    return fresh;
  }
};

}  // namespace

registry_factory shared_registry() {
  static auto slot = std::make_shared<registry_slot>();
  return [](caf::actor_system& sys, const engine& eng) { return slot->get(sys, eng.http); };
}

void login(object_actor::pointer self, const engine& eng, const auth_plan& plan, std::chrono::milliseconds budget,
           std::function<void(login_outcome)> then) {
  if (plan.how != auth_plan::method::ecr) {
    login_outcome out;
    out.ok = true;
    out.auth = plan.how == auth_plan::method::docker_config ? plan.auth : oci::registry_auth::anonymous();
    then(std::move(out));
    return;
  }
  if (!eng.identities) {
    login_outcome out;
    out.error = make_error(reason_authentication_failed,
                           "failed to get ECR credentials for '" + plan.ecr_host + "': no credential plane configured");
    then(std::move(out));
    return;
  }
  auto done = std::make_shared<std::function<void(login_outcome)>>(std::move(then));
  auto host = plan.ecr_host;
  self->request(eng.identities, budget + 5s, ecr_token_atom::value, plan.ecr, plan.ecr_host)
      .then(
          [done](ecr_token_reply& r) {
            login_outcome out;
            if (!r.ok) {
              out.error = r.error;
              if (out.error.code.empty()) out.error.code = reason_authentication_failed;
              out.stalling = r.stalling;
            } else {
              out.ok = true;
              out.auth = oci::registry_auth::basic(r.username, r.password, true);
            }
            (*done)(std::move(out));
          },
          [done, self, host](caf::error& err) {
            login_outcome out;
            out.error = make_error(reason_authentication_failed, "failed to get ECR credentials for '" + host +
                                                                     "': " + self->system().render(err));
            (*done)(std::move(out));
          });
}

void forget_login(object_actor::pointer self, const engine& eng, const auth_plan& plan) {
  if (plan.how != auth_plan::method::ecr || !eng.identities) return;
  self->send(eng.identities, invalidate_atom::value, plan.ecr, plan.ecr_cache_entry());
}

bool retry_with_fresh_login(const error_info& e, const oci::registry_auth& used) {
  return used.cached && e.code == oci::errc::unauthorized;
}

}  // namespace fluxaws::actors::imagerepository
