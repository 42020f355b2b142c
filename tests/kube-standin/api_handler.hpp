// api_handler.hpp — the Kubernetes REST semantics of the stand-in, independent of
// sockets: one request in, one response (or a watch to stream) out.
//
// It serves discovery, CRUD on every catalogued resource, the status subresource,
// four PATCH formats, list (selectors, limit/continue, Table output), watch (resume
// from a resourceVersion, 410 Expired when history is gone, bookmarks, initial events),
// CRDs (register on create, Established/NamesAccepted conditions, cascade on delete),
// namespaces (cascade on delete), finalizers (deletionTimestamp until they are gone),
// TokenRequest (RS256 tokens), OIDC discovery, and the fault-injection endpoints
// under /_standin/ (see README.md).
//
// Semantics kept from kube-apiserver: create drops .status of a resource with a status
// subresource; main-resource writes keep the stored .status and /status writes change
// only .status; metadata.generation bumps only when something besides metadata and
// status changes; a write that changes nothing keeps the resourceVersion and sends no
// event; PUT with a stale metadata.resourceVersion (or a patch naming one) is 409
// Conflict; custom resources refuse strategic merge patch (415) and need a
// resourceVersion on PUT (422). Schema defaults of a CRD are applied on every write.
//
// Contract: single-threaded (the caller serialises calls); never throws on bad input —
// every failure is a Status object naming the resource, the object and the reason.
// Secrets (tokens, Secret data) are never logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>

#include "adapters/common/json.hpp"
#include "tests/kube-standin/api_status.hpp"
#include "tests/kube-standin/object_store.hpp"
#include "tests/kube-standin/request_target.hpp"
#include "tests/kube-standin/resource_catalog.hpp"
#include "tests/kube-standin/selectors.hpp"
#include "tests/kube-standin/token_signer.hpp"

namespace kstand {

struct api_request {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string target;  // path and query, as on the request line
  std::string content_type, accept, authorization;
  std::string body;
  std::string impersonate_user;  // the Impersonate-User header
};

struct api_response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct watch_spec {
  const resource_type* type = nullptr;
  std::string version, ns;
  label_selector labels;
  field_selector fields;
  std::string rv;  // as requested ("" or "0": start with the current state)
  bool bookmarks = false;
  bool send_initial_events = false;
  std::chrono::seconds timeout{1800};
};

struct handler_options {
  std::string issuer = "https://kubernetes.default.svc.cluster.local";
  std::string admin_token;     // the bearer token written into the kubeconfig
  std::string server_address;  // host:port, for /api's serverAddressByClientCIDRs
  std::shared_ptr<token_signer> signer;
};

// Test-controlled misbehaviour (the /_standin/ endpoints set these).
struct fault_plan {
  int status_conflicts = 0;  // the next N writes to a /status subresource answer 409
  int update_conflicts = 0;  // the next N PUT/PATCH of a main resource answer 409
  int expire_watches = 0;    // the next N watches/lists from a resourceVersion answer 410
  // Impersonating one of these users is answered 403 Forbidden on every resource
  // request (the stand-in has no RBAC: this is the one refusal tests can arrange).
  std::set<std::string> forbidden_users;
};

class api_handler {
 public:
  api_handler(handler_options opts, object_store& store, resource_catalog& catalog);

  using outcome = std::variant<api_response, watch_spec>;
  outcome handle(const api_request& req);

  // Starts a watch: emits the initial or historical events, then every matching
  // change, as JSON lines through emit. close is called when the stand-in cuts the
  // watch (/_standin/watches/cut). Returns an id for close_watch(); 0 when the watch
  // ended at once (its ERROR event was emitted).
  using emit_fn = std::function<void(std::string line)>;
  uint64_t open_watch(const watch_spec& spec, emit_fn emit, std::function<void()> close);
  void close_watch(uint64_t id);
  std::string bookmark_line(const watch_spec& spec) const;
  std::size_t open_watches() const { return watches_.size(); }

  // Called after every write (the caller schedules persistence).
  void on_write(std::function<void()> fn) { on_write_ = std::move(fn); }
  fault_plan& faults() { return faults_; }
  const handler_options& options() const { return opts_; }
  void set_server_address(std::string address) { opts_.server_address = std::move(address); }
  // Re-registers CRDs found in the store (after loading saved state).
  void register_stored_crds();
  // Creates the namespaces every cluster has (default, kube-system, kube-public, kube-node-lease).
  void ensure_system_namespaces();

  std::chrono::system_clock::time_point now() const;
  void set_clock(std::function<std::chrono::system_clock::time_point()> clock) { clock_ = std::move(clock); }

 private:
  struct context;  // one request's resolved resource
  api_response dispatch(const request_target& t, const api_request& req);
  outcome serve_resource(const request_target& t, const api_request& req);
  api_response admin(const request_target& t, const api_request& req);
  api_response get_object(const context& c);
  outcome list_objects(const context& c);
  api_response create_object(const context& c, fluxaws::json::value body);
  api_response update_object(const context& c, fluxaws::json::value body, bool check_rv_given);
  api_response patch_object(const context& c);
  api_response delete_object(const context& c);
  api_response delete_collection(const context& c);
  api_response token_request(const context& c);
  api_response write(const context& c, const fluxaws::json::value& old, fluxaws::json::value next);
  void finish_delete(const resource_type& type, const fluxaws::json::value& obj);
  fluxaws::json::value crd_with_status(fluxaws::json::value crd) const;
  bool authorized(const std::string& header) const;
  std::string new_uid() const;
  void wrote();

  handler_options opts_;
  object_store& store_;
  resource_catalog& catalog_;
  fault_plan faults_;
  std::function<void()> on_write_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  struct watch_entry {
    uint64_t sub = 0;
    std::function<void()> close;
  };
  std::map<uint64_t, watch_entry> watches_;
  uint64_t next_watch_ = 1;
  std::map<std::string, uint64_t> counters_;  // requests by "VERB resource[/sub]"
  std::map<std::string, uint64_t> impersonated_;  // resource requests by impersonated user
};

}  // namespace kstand
