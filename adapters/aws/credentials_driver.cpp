#include "adapters/aws/credentials_driver.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "adapters/aws/async_calls.hpp"
#include "adapters/aws/token_file.hpp"

namespace fluxaws::aws {

namespace {

credentials_driver_actor::behavior_type driver(credentials_driver_actor::pointer self, http::client_actor http,
                                               credentials_driver_options opts) {
  if (!opts.read_file) opts.read_file = [](const std::string& path) { return read_token_file(path); };
  if (!opts.clock) opts.clock = [] { return std::chrono::system_clock::now(); };
  return {
      [=](credentials_fetch_atom, const source_config& cfg) -> caf::result<credentials_outcome> {
        auto rp = self->make_response_promise<credentials_outcome>();
        std::shared_ptr<credential_source> src = make_source(cfg, opts.clock());
        async::run_source(self, http, std::move(src), opts.read_file,
                          [rp](result<credentials> r) mutable { rp.deliver(credentials_outcome::from(r)); });
        return rp;
      },
  };
}

}  // namespace

credentials_driver_actor spawn_credentials_driver(caf::actor_system& sys, http::client_actor http,
                                                  credentials_driver_options opts) {
  return sys.spawn(driver, std::move(http), std::move(opts));
}

}  // namespace fluxaws::aws
