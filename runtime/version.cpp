#include "runtime/version.hpp"

#include <caf/config.hpp>
#include <curl/curlver.h>
#include <openssl/opensslv.h>

namespace fluxaws::runtime {

std::string version() {
  return std::string("fluxaws ") + FLUXAWS_VERSION + " (CAF " + std::to_string(CAF_VERSION / 10000) + "." +
         std::to_string(CAF_VERSION / 100 % 100) + "." + std::to_string(CAF_VERSION % 100) + ", libcurl " +
         LIBCURL_VERSION + ", " + OPENSSL_VERSION_TEXT + ")";
}

}  // namespace fluxaws::runtime
