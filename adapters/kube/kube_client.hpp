// The Kubernetes API client actor: sends API requests with the cluster's auth (a
// bearer token re-read from its file as it rotates, or a client certificate), under
// the client-side rate limit (--kube-api-qps / --kube-api-burst), and hands watch
// streams what they need to connect (stream_atom) after taking a token from the
// same bucket.
//
// Transport: the HTTP client actor (keep-alive, libcurl multi) when the config uses a
// bearer token and a CA file — spawn that client with ca_file = config.ca_file and
// verify_tls = !insecure_skip_tls_verify. With a client certificate or inline CA data
// (which the HTTP client's options cannot carry) each request runs as an http_stream
// of its own, with the certificate kept in memory.
//
// Contract:
//  - Every api_request is answered once with an api_response within its timeout plus
//    the rate-limit wait: an HTTP answer (any status) or a transport error (error.code
//    set: "transport", "auth"). Ask with a CAF timeout above both.
//  - A 401 with a token file re-reads the file and retries once.
//  - impersonate_user, when set, goes out as Impersonate-User (the API server then
//    authorizes the request as that user; fluxaws needs `impersonate` on it).
//  - Nothing here logs or returns the token or the key.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/cluster_config.hpp"
#include "adapters/kube/http_stream.hpp"

namespace fluxaws::kube {

using api_atom = caf::atom_constant<caf::atom("kubeapi")>;
using stream_atom = caf::atom_constant<caf::atom("kubestrm")>;

struct api_request {
  std::string method = "GET";
  std::string path;  // "/apis/...", with its query
  std::string body;
  std::string content_type;  // e.g. "application/merge-patch+json"
  std::chrono::milliseconds timeout{30000};
  std::string impersonate_user;  // e.g. "system:serviceaccount:<ns>:<name>"; empty: fluxaws itself
};

struct api_response {
  int status = 0;
  std::string body;
  error_info error;  // set when there is no HTTP answer

  bool transport_failed() const { return !error.code.empty(); }
  bool ok() const { return !transport_failed() && status >= 200 && status < 300; }
  std::optional<json::value> json() const { return json::parse(body); }
  // Status.message of an error answer, or the transport error; names `what` (e.g.
  // "Bucket/team-a/podinfo") and the HTTP status.
  error_info to_error(std::string_view what) const;
};

// What a watch stream needs to reach the API server. Holds the bearer token: never log it.
struct stream_grant {
  std::string server;  // "https://host:port"
  http::header_list headers;
  stream_tls tls;
};

using client_actor = caf::typed_actor<
    caf::replies_to<api_atom, api_request>::with<api_response>,
    caf::replies_to<stream_atom>::with<stream_grant>>;

struct client_settings {
  cluster_config cluster;
  double qps = 50;
  int burst = 300;
  std::chrono::seconds token_refresh{60};
  std::string user_agent = "fluxaws";
};

// http may be null when the config needs per-request streams (client certificate,
// inline CA); see above.
client_actor spawn_kube_client(caf::actor_system& sys, client_settings settings, http::client_actor http);

// Whether spawn_kube_client will use per-request streams instead of the HTTP client.
bool needs_stream_transport(const cluster_config& cfg);

}  // namespace fluxaws::kube

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::api_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::api_response)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(fluxaws::kube::stream_grant)
