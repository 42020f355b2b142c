// The interface every object source (local manifest directory, Kubernetes watch)
// delivers to: added/modified/deleted objects, a "synced" signal after the first
// full listing, and manifest problems naming file and path.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <string>

#include "adapters/kube/manifest_set.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::object_change)

namespace fluxaws::kube {

using change_atom = caf::atom_constant<caf::atom("change")>;
using sync_atom = caf::atom_constant<caf::atom("synced")>;
using issue_atom = caf::atom_constant<caf::atom("issue")>;

using change_sink_actor = caf::typed_actor<
    caf::reacts_to<change_atom, object_change>,
    caf::reacts_to<sync_atom>,                  // the source delivered its first full listing
    caf::reacts_to<issue_atom, std::string>>;   // a manifest problem (file and path named)

}  // namespace fluxaws::kube
