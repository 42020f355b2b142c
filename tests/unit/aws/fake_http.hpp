// A fake HTTP client actor implementing http::client_actor: it records every request
// and answers from a test-supplied function, so actors that talk to the HTTP client can
// be tested without sockets.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/http/client.hpp"

namespace fluxaws::test {

struct fake_http_state {
  std::mutex mutex;
  std::vector<http::request> seen;
  std::function<http::response(const http::request&)> answer;  // unset: 404

  std::vector<http::request> requests() {
    std::lock_guard<std::mutex> lock(mutex);
    return seen;
  }
};

http::client_actor spawn_fake_http(caf::actor_system& sys, std::shared_ptr<fake_http_state> state);

}  // namespace fluxaws::test
