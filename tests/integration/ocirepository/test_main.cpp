#define BOOST_TEST_MODULE integration_ocirepository
#include <boost/test/unit_test.hpp>

#include <curl/curl.h>

// libcurl's global state, once for the whole binary.
struct curl_global {
  curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~curl_global() { curl_global_cleanup(); }
};
BOOST_TEST_GLOBAL_FIXTURE(curl_global);
