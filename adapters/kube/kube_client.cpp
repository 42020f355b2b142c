#include "adapters/kube/kube_client.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <functional>
#include <map>
#include <memory>

#include "adapters/kube/bearer_token_file.hpp"
#include "adapters/kube/rate_limiter.hpp"

namespace fluxaws::kube {

error_info api_response::to_error(std::string_view what) const {
  if (transport_failed()) return make_error(error.code, std::string(what) + ": " + error.message);
  std::string reason;
  std::string message;
  if (auto doc = json::parse(body); doc && doc->is_object()) {
    if (const json::value* m = doc->find("message"); m && m->is_string()) message = m->as_string();
    if (const json::value* r = doc->find("reason"); r && r->is_string()) reason = r->as_string();
  }
  if (reason.empty()) reason = "HTTP" + std::to_string(status);
  if (message.empty()) message = "the API server answered HTTP " + std::to_string(status);
  return make_error(reason, std::string(what) + ": " + message, status);
}

bool needs_stream_transport(const cluster_config& cfg) {
  return cfg.uses_client_certificate() || !cfg.ca_pem.empty();
}

namespace {

using go_atom = caf::atom_constant<caf::atom("kgo")>;
using done_atom = caf::atom_constant<caf::atom("kdone")>;

using client_impl = client_actor::extend<caf::reacts_to<go_atom, uint64_t>,
                                         caf::reacts_to<done_atom, uint64_t, api_response>>;

constexpr std::size_t max_answer_bytes = 64u << 20;

struct one_shot {
  std::unique_ptr<stream_handle> stream;
  caf::typed_response_promise<api_response> promise;
  api_request request;
  bool retried = false;
};

struct client_state {
  static inline const char* name = "fluxaws.kube_client";
  client_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  client_settings settings;
  http::client_actor http;
  bool use_streams = false;
  std::unique_ptr<bearer_token_file> token;
  std::unique_ptr<token_bucket> bucket;
  uint64_t next_id = 0;
  std::map<uint64_t, std::function<void()>> waiting;  // rate-limited, by id
  std::map<uint64_t, one_shot> in_flight;             // stream transport
};

using self_ptr = client_impl::stateful_pointer<client_state>;

// Runs fn now or when the rate limiter allows.
void after_permit(self_ptr self, std::function<void()> fn) {
  auto& st = self->state;
  auto delay = st.bucket->reserve(token_bucket::clock::now());
  if (delay.count() <= 0) {
    fn();
    return;
  }
  auto id = ++st.next_id;
  st.waiting.emplace(id, std::move(fn));
  self->delayed_send(self, std::chrono::duration_cast<caf::timespan>(delay), go_atom::value, id);
}

result<http::header_list> auth_headers(self_ptr self) {
  http::header_list h;
  auto& st = self->state;
  if (!st.token->empty()) {
    auto tok = st.token->get(bearer_token_file::clock::now());
    if (!tok) return tok.error();
    h.emplace_back("Authorization", "Bearer " + *tok);
  }
  return h;
}

void send_request(self_ptr self, api_request req, caf::typed_response_promise<api_response> rp, bool retried);

void finish(self_ptr self, api_request req, caf::typed_response_promise<api_response> rp, bool retried,
            api_response resp) {
  auto& st = self->state;
  if (resp.status == 401 && !retried && !st.token->path().empty()) {
    st.token->invalidate();  // the kubelet may have rotated it: read again, try once more
    send_request(self, std::move(req), std::move(rp), true);
    return;
  }
  rp.deliver(std::move(resp));
}

void send_request(self_ptr self, api_request req, caf::typed_response_promise<api_response> rp, bool retried) {
  auto& st = self->state;
  auto headers = auth_headers(self);
  if (!headers) {
    api_response r;
    r.error = headers.error();
    rp.deliver(std::move(r));
    return;
  }
  headers->emplace_back("Accept", "application/json");
  if (!req.content_type.empty()) headers->emplace_back("Content-Type", req.content_type);
  if (!req.impersonate_user.empty()) headers->emplace_back("Impersonate-User", req.impersonate_user);
  headers->emplace_back("User-Agent", st.settings.user_agent);
  std::string url = st.settings.cluster.server + req.path;

  if (st.use_streams) {
    stream_request sr;
    sr.url = std::move(url);
    sr.method = req.method;
    sr.body = req.body;
    sr.headers = std::move(*headers);
    sr.tls = stream_tls::from(st.settings.cluster);
    sr.max_duration = std::chrono::duration_cast<std::chrono::seconds>(req.timeout) + std::chrono::seconds(1);
    sr.idle_timeout = sr.max_duration;
    sr.max_error_body = max_answer_bytes;
    auto id = ++st.next_id;
    auto body = std::make_shared<std::string>();
    auto over = std::make_shared<bool>(false);
    caf::actor_addr weak = self->address();
    stream_callbacks cb;
    cb.on_data = [body, over](std::string chunk) {
      if (body->size() + chunk.size() > max_answer_bytes) *over = true;
      else body->append(chunk);
    };
    cb.on_end = [weak, id, body, over](stream_end end) {
      api_response r;
      r.status = end.status;
      r.body = end.status >= 200 && end.status < 300 ? std::move(*body) : std::move(end.body);
      if (end.fail != http::failure::none)
        r.error = make_error("transport", std::string(http::to_string(end.fail)) + ": " + end.error);
      else if (*over)
        r.error = make_error("transport", "the API server's answer is larger than expected");
      if (auto h = caf::actor_cast<client_impl>(weak)) caf::anon_send(h, done_atom::value, id, std::move(r));
    };
    // The done handler answers through finish(), which may retry once after a 401.
    auto& slot = st.in_flight[id];
    slot.promise = std::move(rp);
    slot.request = std::move(req);
    slot.retried = retried;
    slot.stream = curl_stream_opener()(std::move(sr), std::move(cb));
    return;
  }

  http::request hr;
  hr.method = req.method;
  hr.url = std::move(url);
  hr.headers = std::move(*headers);
  hr.body = req.body;
  hr.timeout = req.timeout;
  hr.max_body = max_answer_bytes;
  auto caf_timeout = req.timeout + std::chrono::seconds(5);
  self->request(st.http, caf_timeout, http::request_atom::value, std::move(hr))
      .then(
          [self, req, rp, retried](http::response& resp) mutable {
            api_response r;
            if (!resp.ok()) {
              r.error = make_error("transport", resp.describe_failure(self->state.settings.cluster.server));
            } else {
              r.status = resp.status;
              r.body = std::move(resp.body);
            }
            finish(self, std::move(req), std::move(rp), retried, std::move(r));
          },
          [rp](caf::error&) mutable {
            api_response r;
            r.error = make_error("transport", "the HTTP client did not answer in time");
            rp.deliver(std::move(r));
          });
}

client_impl::behavior_type client_behavior(self_ptr self, client_settings settings, http::client_actor http) {
  auto& st = self->state;
  st.use_streams = needs_stream_transport(settings.cluster) || !http;
  st.token = std::make_unique<bearer_token_file>(settings.cluster.token, settings.cluster.token_file,
                                                 settings.token_refresh);
  st.bucket = std::make_unique<token_bucket>(settings.qps, settings.burst, token_bucket::clock::now());
  st.settings = std::move(settings);
  st.http = std::move(http);
  return {
      [self](api_atom, api_request& req) -> caf::result<api_response> {
        auto rp = self->make_response_promise<api_response>();
        after_permit(self, [self, req = std::move(req), rp]() mutable {
          send_request(self, std::move(req), std::move(rp), false);
        });
        return rp;
      },
      [self](stream_atom) -> caf::result<stream_grant> {
        auto rp = self->make_response_promise<stream_grant>();
        after_permit(self, [self, rp]() mutable {
          stream_grant g;
          g.server = self->state.settings.cluster.server;
          g.tls = stream_tls::from(self->state.settings.cluster);
          if (auto h = auth_headers(self)) g.headers = std::move(*h);
          g.headers.emplace_back("Accept", "application/json");
          g.headers.emplace_back("User-Agent", self->state.settings.user_agent);
          rp.deliver(std::move(g));
        });
        return rp;
      },
      [self](go_atom, uint64_t id) {
        auto it = self->state.waiting.find(id);
        if (it == self->state.waiting.end()) return;
        auto fn = std::move(it->second);
        self->state.waiting.erase(it);
        fn();
      },
      [self](done_atom, uint64_t id, api_response& r) {
        auto it = self->state.in_flight.find(id);
        if (it == self->state.in_flight.end()) return;
        auto rp = std::move(it->second.promise);
        auto req = std::move(it->second.request);
        bool retried = it->second.retried;
        self->state.in_flight.erase(it);  // joins the finished stream thread
        finish(self, std::move(req), std::move(rp), retried, std::move(r));
      },
  };
}

}  // namespace

client_actor spawn_kube_client(caf::actor_system& sys, client_settings settings, http::client_actor http) {
  return sys.spawn(client_behavior, std::move(settings), std::move(http));
}

}  // namespace fluxaws::kube
