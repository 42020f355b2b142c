// Maps libcurl's result codes onto the client's failure kinds (types.hpp), so callers
// tell a DNS failure from a refused connection, a TLS problem, a timeout and so on
// without knowing curl. Codes with no better home map to failure::other.
#pragma once

#include <curl/curl.h>

#include "adapters/http/types.hpp"

namespace fluxaws::http {

failure classify(CURLcode code);

}  // namespace fluxaws::http
