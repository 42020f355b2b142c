// Cluster mode's object source: lists and watches the Flux kinds (and the
// ServiceAccounts and Secrets they reference) through the Kubernetes API and sends
// every change to a change sink, as the directory source does for local mode.
//
// Per resource it runs client-go's reflector loop: list (paged), then watch from the
// list's resourceVersion with bookmarks; a watch the server ends is resumed from the
// last resourceVersion; 410 Gone, an ERROR event or a malformed line relists and
// diffs against what it holds (so nothing is lost and deletions missed while
// disconnected are delivered); connection failures retry with exponential backoff.
//
// Secrets and ServiceAccounts: only the referenced ones are kept and delivered. The
// watch streams the scope's Secrets through but keeps nothing else; a Secret that
// becomes referenced and is not held yet is fetched with a GET. A Flux object's
// change is held back until the Secrets and ServiceAccounts it references have been
// fetched (or found absent), so its actor never starts without them. When the last
// reference to one goes, a "deleted" change drops it from the resource index.
//
// Namespaces (cluster-scoped, small) are listed and watched whole, whatever the
// watched namespace and label selector: ImagePolicy's accessFrom.namespaceSelectors
// match the policy namespace's labels.
//
// A Flux object with a deletionTimestamp is delivered as deleted, and Flux's finalizer
// (left by Flux's controllers) is removed so the deletion can complete.
//
// `synced` is sent once: after every resource's first listing and every fetch that
// listing caused. Stop the source with send_exit; its streams are stopped and joined.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/change_sink.hpp"
#include "adapters/kube/http_stream.hpp"
#include "adapters/kube/kube_client.hpp"

namespace fluxaws::kube {

struct watch_source_options {
  // Empty: all namespaces (--watch-all-namespaces); else only this namespace.
  std::string ns;
  // --watch-label-selector; applies to the Flux kinds only.
  std::string label_selector;
  std::vector<std::string> default_service_accounts;
  std::vector<api_resource> kinds = flux_resources();
  bool references = true;  // watch ServiceAccounts and Secrets
  bool namespaces = true;  // list+watch Namespaces (needs cluster-wide get/list/watch on namespaces)
  int page_size = 500;
  // The server ends each watch after a random time in [t, 2t) (client-go's spread).
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds min_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  std::chrono::milliseconds request_timeout{60000};
  stream_opener opener;  // empty = curl_stream_opener()
};

caf::actor spawn_watch_source(caf::actor_system& sys, client_actor kube, change_sink_actor sink,
                              watch_source_options opts);

}  // namespace fluxaws::kube
