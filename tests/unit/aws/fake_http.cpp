#include "fake_http.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace fluxaws::test {

namespace {

http::client_actor::behavior_type fake(http::client_actor::pointer, std::shared_ptr<fake_http_state> state) {
  return {
      [state](http::request_atom, const http::request& req) -> http::response {
        std::function<http::response(const http::request&)> answer;
        {
          std::lock_guard<std::mutex> lock(state->mutex);
          state->seen.push_back(req);
          answer = state->answer;
        }
        if (!answer) {
          http::response r;
          r.status = 404;
          return r;
        }
        return answer(req);
      },
      [state](http::stats_atom) -> http::client_stats {
        std::lock_guard<std::mutex> lock(state->mutex);
        http::client_stats s;
        s.requests_total = state->seen.size();
        return s;
      },
  };
}

}  // namespace

http::client_actor spawn_fake_http(caf::actor_system& sys, std::shared_ptr<fake_http_state> state) {
  return sys.spawn(fake, std::move(state));
}

}  // namespace fluxaws::test
