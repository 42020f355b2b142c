// The leader-election actor (--enable-leader-election): every retry period it reads
// the Lease and creates, takes or renews it as lease_logic plans, with the observed
// resourceVersion (a 409 means another replica won the race). It tells the listener
// (leader_atom, true) when leadership is gained and (leader_atom, false) when it is
// lost — the runtime must then stop reconciling and exit, as controller-runtime does.
// After losing it the elector stops competing. resign hands the Lease over at once
// (empty holder, 1 s) and answers when written; use it on clean shutdown.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "adapters/kube/kube_client.hpp"
#include "adapters/kube/lease_logic.hpp"

namespace fluxaws::kube {

using leader_atom = caf::atom_constant<caf::atom("leader")>;
using resign_atom = caf::atom_constant<caf::atom("resign")>;

using leader_elector_actor = caf::typed_actor<
    caf::replies_to<leader_atom>::with<bool>,   // are we leading now?
    caf::replies_to<resign_atom>::with<bool>>;  // give the Lease up (true: written)

// listener receives (leader_atom, bool) on every change of leadership.
leader_elector_actor spawn_leader_elector(caf::actor_system& sys, client_actor kube, election_params params,
                                          caf::actor listener);

// A replica identity as controller-runtime builds it: "<hostname>_<random uuid-ish>".
std::string default_identity();

}  // namespace fluxaws::kube
