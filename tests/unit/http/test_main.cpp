#define BOOST_TEST_MODULE unit_http
#include <boost/test/unit_test.hpp>

#include "adapters/http/curl_engine.hpp"

namespace {
// libcurl's global init must happen before any thread starts.
struct curl_global {
  curl_global() { fluxaws::http::curl_global_init_once(); }
};
}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(curl_global);
