// A scripted HTTP client actor (the http::client_actor interface): it records every
// request it is sent and answers each with script(request, index) — index counts from
// 0 in arrival order — so the async AWS calls can be driven through throttling,
// failures and successes without sockets.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/http/client.hpp"

namespace fluxaws::test {

struct scripted_http_state {
  std::mutex mutex;
  std::vector<http::request> seen;
  std::function<http::response(const http::request&, std::size_t)> script;  // unset: 404

  std::vector<http::request> requests() {
    std::lock_guard<std::mutex> lock(mutex);
    return seen;
  }
};

http::client_actor spawn_scripted_http(caf::actor_system& sys, std::shared_ptr<scripted_http_state> state);

// An answer with a status, headers and body.
http::response answer(int status, std::string body, http::header_list headers = {});

}  // namespace fluxaws::test
