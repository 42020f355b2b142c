#include "scripted_http.hpp"

#include <caf/typed_event_based_actor.hpp>

namespace fluxaws::test {

namespace {

http::client_actor::behavior_type scripted(http::client_actor::pointer, std::shared_ptr<scripted_http_state> state) {
  return {
      [state](http::request_atom, const http::request& req) -> http::response {
        std::function<http::response(const http::request&, std::size_t)> script;
        std::size_t index;
        {
          std::lock_guard<std::mutex> lock(state->mutex);
          index = state->seen.size();
          state->seen.push_back(req);
          script = state->script;
        }
        if (!script) return answer(404, "");
        return script(req, index);
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

http::client_actor spawn_scripted_http(caf::actor_system& sys, std::shared_ptr<scripted_http_state> state) {
  return sys.spawn(scripted, std::move(state));
}

http::response answer(int status, std::string body, http::header_list headers) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  r.body_size = r.body.size();
  r.headers = std::move(headers);
  return r;
}

}  // namespace fluxaws::test
