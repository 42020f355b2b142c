#include "actors/imagerepository_registry.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>

#include "actors/identity_resolution.hpp"
#include "adapters/oci/error_codes.hpp"

namespace fluxaws::actors::imagerepository {

using namespace std::chrono_literals;

oci::registry_actor object_registry(object_actor::pointer self, const engine& eng, const registry_factory& factory) {
  if (factory) return factory(self->system(), eng);
  auto reg = oci::spawn_registry(self->system(), eng.http);
  // An exit with reason "normal" would be ignored: the registry ends with its object.
  self->attach_functor([reg](const caf::error&) { caf::anon_send_exit(reg, caf::exit_reason::user_shutdown); });
  return reg;
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
          [done, host](ecr_token_reply& r) {
            login_outcome out;
            if (!r.ok) {
              out.error = r.error;
              if (out.error.code.empty()) out.error.code = reason_authentication_failed;
              out.stalling = r.stalling;
            } else if (!ecr_token_applies(r.region, r.public_registry, host)) {
              // Defence in depth: a token for another registry never leaves this process.
              out.error = make_error(reason_authentication_failed,
                                     "the credential plane answered with an ECR token that does not apply to '" +
                                         host + "'");
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
