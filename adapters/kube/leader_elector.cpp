#include "adapters/kube/leader_elector.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <unistd.h>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/log.hpp"
#include "adapters/kube/api_resource.hpp"

namespace fluxaws::kube {

std::string default_identity() {
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = 0;
  std::string h = host[0] ? host : "fluxaws";
  return h + "_" + enc::hex(digest::random_bytes(8));
}

namespace {

using try_atom = caf::atom_constant<caf::atom("letry")>;
using elector_impl = leader_elector_actor::extend<caf::reacts_to<try_atom>>;

struct elector_state {
  static inline const char* name = "fluxaws.leader_elector";
  elector_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  client_actor kube;
  caf::actor listener;
  std::unique_ptr<lease_logic> logic;
  bool announced = false;  // what the listener last heard
  bool busy = false;       // a read/write round is running
  bool stopped = false;    // lost leadership or resigned: no more rounds
  bool resigned = false;   // we gave the Lease up ourselves
};

using self_ptr = elector_impl::stateful_pointer<elector_state>;

void announce(self_ptr self) {
  auto& st = self->state;
  bool now = st.logic->leader(lease_logic::steady::now());
  if (now == st.announced) return;
  st.announced = now;
  const auto& p = st.logic->params();
  if (now) log::info("leader election: acquired the lease", {{"lease", p.ns + "/" + p.name}, {"identity", p.identity}});
  else if (st.resigned) log::info("leader election: released the lease", {{"lease", p.ns + "/" + p.name}, {"identity", p.identity}});
  else log::error("leader election: lost the lease", {{"lease", p.ns + "/" + p.name}, {"identity", p.identity}});
  if (st.listener) caf::anon_send(st.listener, leader_atom::value, now);
  if (!now) st.stopped = true;  // controller-runtime exits here; so do we stop competing
}

void write_lease(self_ptr self, lease_logic::plan plan) {
  auto& st = self->state;
  const auto& p = st.logic->params();
  api_request req;
  if (plan.what == lease_logic::plan::op::create) {
    req.method = "POST";
    req.path = collection_path(lease_resource(), p.ns);
  } else {
    req.method = "PUT";
    req.path = object_path(lease_resource(), p.ns, p.name);
  }
  req.body = json::dump(lease_object(p, plan.next));
  req.content_type = "application/json";
  req.timeout = p.retry_period * 2;
  self->request(st.kube, p.renew_deadline, api_atom::value, std::move(req))
      .then(
          [self](api_response& r) {
            auto& st = self->state;
            st.busy = false;
            auto now = lease_logic::steady::now();
            std::optional<lease_record> written;
            if (r.ok())
              if (auto doc = r.json()) written = parse_lease(*doc);
            if (written) st.logic->wrote(*written, now);
            else st.logic->failed(now);  // 409: another replica won; others: try again
            announce(self);
          },
          [self](caf::error&) {
            self->state.busy = false;
            self->state.logic->failed(lease_logic::steady::now());
            announce(self);
          });
}

void round(self_ptr self) {
  auto& st = self->state;
  if (st.busy || st.stopped) return;
  st.busy = true;
  const auto& p = st.logic->params();
  api_request req;
  req.path = object_path(lease_resource(), p.ns, p.name);
  req.timeout = p.retry_period * 2;
  self->request(st.kube, p.renew_deadline, api_atom::value, std::move(req))
      .then(
          [self](api_response& r) {
            auto& st = self->state;
            auto now = lease_logic::steady::now();
            std::optional<lease_record> current;
            if (r.status == 404) {
              current = std::nullopt;
            } else if (r.ok()) {
              auto doc = r.json();
              current = doc ? parse_lease(*doc) : std::nullopt;
              if (!current) {
                st.busy = false;
                st.logic->failed(now);
                announce(self);
                return;
              }
            } else {
              st.busy = false;
              st.logic->failed(now);
              announce(self);
              return;
            }
            auto plan = st.logic->next_step(current, now, std::chrono::system_clock::now());
            if (plan.what == lease_logic::plan::op::none) {
              st.busy = false;
              st.logic->failed(now);
              announce(self);
              return;
            }
            write_lease(self, std::move(plan));
          },
          [self](caf::error&) {
            self->state.busy = false;
            self->state.logic->failed(lease_logic::steady::now());
            announce(self);
          });
}

elector_impl::behavior_type elector_behavior(self_ptr self, client_actor kube, election_params params,
                                             caf::actor listener) {
  auto& st = self->state;
  st.kube = std::move(kube);
  st.listener = std::move(listener);
  st.logic = std::make_unique<lease_logic>(std::move(params));
  self->send(self, try_atom::value);
  return {
      [self](try_atom) {
        if (self->state.stopped) return;
        round(self);
        self->delayed_send(self, self->state.logic->params().retry_period, try_atom::value);
      },
      [self](leader_atom) { return self->state.logic->leader(lease_logic::steady::now()); },
      [self](resign_atom) -> caf::result<bool> {
        auto& st = self->state;
        auto rp = self->make_response_promise<bool>();
        bool was_leader = st.logic->leader(lease_logic::steady::now());
        st.stopped = true;
        st.resigned = true;
        if (!was_leader) {
          rp.deliver(false);
          return rp;
        }
        const auto& p = st.logic->params();
        api_request req;
        req.method = "PUT";
        req.path = object_path(lease_resource(), p.ns, p.name);
        req.body = json::dump(lease_object(p, st.logic->release(std::chrono::system_clock::now())));
        req.content_type = "application/json";
        req.timeout = std::chrono::seconds(5);
        self->request(st.kube, std::chrono::seconds(10), api_atom::value, std::move(req))
            .then(
                [self, rp](api_response& r) mutable {
                  if (r.ok())
                    if (auto doc = r.json())
                      if (auto w = parse_lease(*doc)) self->state.logic->wrote(*w, lease_logic::steady::now());
                  announce(self);
                  rp.deliver(r.ok());
                },
                [rp](caf::error&) mutable { rp.deliver(false); });
        return rp;
      },
  };
}

}  // namespace

leader_elector_actor spawn_leader_elector(caf::actor_system& sys, client_actor kube, election_params params,
                                          caf::actor listener) {
  if (params.identity.empty()) params.identity = default_identity();
  return caf::actor_cast<leader_elector_actor>(
      sys.spawn(elector_behavior, std::move(kube), std::move(params), std::move(listener)));
}

}  // namespace fluxaws::kube
