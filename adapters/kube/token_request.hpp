// ServiceAccount tokens from the Kubernetes TokenRequest API — the cluster
// implementation of sa_tokens.hpp's issuer interface: POST
// /api/v1/namespaces/<ns>/serviceaccounts/<name>/token with the audience
// (sts.amazonaws.com) and lifetime; the API server signs the token.
//
// Contract: every request is answered with an sa_token_reply: the token and its
// expiry, or an error naming the ServiceAccount and the reason (404: no such
// ServiceAccount; 403: fluxaws lacks serviceaccounts/token create). The token is a
// secret: it appears in no log and no error.
#pragma once

#include <caf/actor_system.hpp>

#include <string>

#include "adapters/common/json.hpp"
#include "adapters/kube/kube_client.hpp"
#include "adapters/kube/sa_tokens.hpp"

namespace fluxaws::kube {

// The request path and body for one token.
std::string token_request_path(const sa_token_request& req);
std::string token_request_body(const sa_token_request& req);
// Reads the API server's answer (status.token, status.expirationTimestamp).
sa_token_reply parse_token_response(const sa_token_request& req, const api_response& resp);

sa_token_actor spawn_token_request_issuer(caf::actor_system& sys, client_actor kube);

}  // namespace fluxaws::kube
