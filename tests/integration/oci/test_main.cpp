#define BOOST_TEST_MODULE integration_oci
#include <boost/test/unit_test.hpp>

#include <memory>

#include "adapters/http/client.hpp"
#include "oci_fixture.hpp"

namespace fluxaws::oci::testing {

namespace {
std::unique_ptr<live_registry> the_registry;
}

live_registry& live() {
  if (!the_registry) the_registry = std::make_unique<live_registry>();
  return *the_registry;
}

void stop_live() { the_registry.reset(); }

}  // namespace fluxaws::oci::testing

namespace {
// libcurl's global init before any thread starts; the registry child stopped at exit.
struct global_setup {
  global_setup() { fluxaws::http::global_init(); }
  ~global_setup() { fluxaws::oci::testing::stop_live(); }
};
}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(global_setup);
