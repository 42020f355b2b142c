// The credentials driver actor: runs a credential source (chosen by the default
// chain, or configured explicitly) through the HTTP client actor and answers the
// fetch with the credentials or the error, as a message. Fetches are independent and
// run concurrently; each gets a fresh step machine. Caching, single flight and
// refresh-ahead belong to the token cache, not here.
//
// File steps (token files) are read inside the actor with the injected reader: they
// are small files on a local tmpfs, bounded in size (see token_file.hpp).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <functional>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/default_chain.hpp"
#include "adapters/http/client.hpp"

namespace fluxaws::aws {

using credentials_fetch_atom = caf::atom_constant<caf::atom("credfetch")>;

using credentials_driver_actor =
    caf::typed_actor<caf::replies_to<credentials_fetch_atom, source_config>::with<credentials_outcome>>;

struct credentials_driver_options {
  file_reader read_file;  // empty: read_token_file
  std::function<std::chrono::system_clock::time_point()> clock;  // empty: system_clock::now
};

credentials_driver_actor spawn_credentials_driver(caf::actor_system& sys, http::client_actor http,
                                                  credentials_driver_options opts = {});

}  // namespace fluxaws::aws

// Local-only message types: deliberately not inspectable, so that CAF never renders
// their contents (credentials) into a log line.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::aws::source_config)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::aws::credentials_outcome)
