#include "adapters/kube/token_request.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "adapters/common/time.hpp"
#include "adapters/kube/api_resource.hpp"

namespace fluxaws::kube {

namespace {
std::string sa_name(const sa_token_request& req) { return "ServiceAccount/" + req.ns + "/" + req.name; }
}  // namespace

std::string token_request_path(const sa_token_request& req) {
  return object_path(service_account_resource(), req.ns, req.name, "token");
}

std::string token_request_body(const sa_token_request& req) {
  json::value body = json::value::make_object();
  body.set("apiVersion", "authentication.k8s.io/v1");
  body.set("kind", "TokenRequest");
  json::value spec = json::value::make_object();
  json::value auds = json::value::make_array();
  auds.push_back(req.audience);
  spec.set("audiences", std::move(auds));
  spec.set("expirationSeconds", static_cast<int64_t>(req.lifetime.count()));
  body.set("spec", std::move(spec));
  return json::dump(body);
}

sa_token_reply parse_token_response(const sa_token_request& req, const api_response& resp) {
  sa_token_reply out;
  auto who = sa_name(req);
  if (!resp.ok()) {
    out.error = resp.to_error("TokenRequest for " + who);
    if (resp.status == 404)
      out.error = make_error("ServiceAccountNotFound", "TokenRequest for " + who + ": the ServiceAccount does not exist", 404);
    return out;
  }
  auto doc = resp.json();
  const json::value* tok = doc ? doc->at({"status", "token"}) : nullptr;
  const json::value* exp = doc ? doc->at({"status", "expirationTimestamp"}) : nullptr;
  if (!tok || !tok->is_string() || tok->as_string().empty()) {
    out.error = make_error("parse", "TokenRequest for " + who + ": the answer has no status.token");
    return out;
  }
  auto when = exp && exp->is_string() ? timefmt::parse_rfc3339(exp->as_string()) : std::nullopt;
  if (!when) {
    out.error = make_error("parse", "TokenRequest for " + who + ": the answer has no valid status.expirationTimestamp");
    return out;
  }
  out.ok = true;
  out.token = tok->as_string();
  out.expires_at = *when;
  return out;
}

namespace {

struct issuer_state {
  static inline const char* name = "fluxaws.token_request_issuer";
  issuer_state() = default;  // not an aggregate: CAF must not build it from the self pointer
};

sa_token_actor::behavior_type issuer_behavior(sa_token_actor::stateful_pointer<issuer_state> self, client_actor kube) {
  return {
      [self, kube](sa_token_atom, sa_token_request& req) -> caf::result<sa_token_reply> {
        auto rp = self->make_response_promise<sa_token_reply>();
        if (req.ns.empty() || req.name.empty() || req.audience.empty()) {
          sa_token_reply r;
          r.error = make_error("invalid", "TokenRequest needs a namespace, a ServiceAccount name and an audience");
          rp.deliver(std::move(r));
          return rp;
        }
        api_request ar;
        ar.method = "POST";
        ar.path = token_request_path(req);
        ar.body = token_request_body(req);
        ar.content_type = "application/json";
        ar.timeout = std::chrono::seconds(30);
        self->request(kube, std::chrono::seconds(90), api_atom::value, std::move(ar))
            .then([rp, req](api_response& resp) mutable { rp.deliver(parse_token_response(req, resp)); },
                  [rp, req](caf::error&) mutable {
                    sa_token_reply r;
                    r.error = make_error("timeout", "TokenRequest for ServiceAccount/" + req.ns + "/" + req.name +
                                                        ": the Kubernetes client did not answer in time");
                    rp.deliver(std::move(r));
                  });
        return rp;
      },
  };
}

}  // namespace

sa_token_actor spawn_token_request_issuer(caf::actor_system& sys, client_actor kube) {
  return sys.spawn(issuer_behavior, std::move(kube));
}

}  // namespace fluxaws::kube
