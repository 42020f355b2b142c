// What every object actor shares: the engine's options and the handles of the
// actors and stores it talks to. Built once by the runtime, then read-only.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/identity.hpp"
#include "actors/protocol.hpp"
#include "adapters/aws/env.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/applier.hpp"
#include "actors/resource_index.hpp"

namespace fluxaws::actors {

class artifact_store;

struct engine_options {
  // Feature gates and lockdown (Flux's --feature-gates, --default-service-account, ...).
  bool object_level_identity = false;
  std::string default_service_account;
  std::string default_decryption_service_account;
  bool no_cross_namespace_refs = false;
  bool sops_verify_mac = false;
  // Scheduling.
  double jitter_percent = 5;
  std::chrono::milliseconds min_retry{750};
  std::chrono::milliseconds max_retry{std::chrono::minutes(15)};
  std::chrono::milliseconds requeue_dependency{std::chrono::seconds(30)};
  // Grace added to spec.timeout before a stuck reconcile is abandoned.
  std::chrono::milliseconds deadline_grace{std::chrono::seconds(2)};
  // --once: reconcile each object once; failures are not retried.
  bool once = false;
  // The controller's name in logs and events ("fluxaws").
  std::string controller = "fluxaws";
  // The controller's AWS environment (process environment overlaid by the config
  // file's aws.env, endpoint overrides and FIPS/dual-stack switches) and the region
  // used when an object implies none (AWS_REGION).
  aws::env_map aws_env;
  std::string aws_region;
  // Local mode's state directory (status store, image tag database); empty in
  // cluster mode.
  std::string state_dir;
  // Parallel object downloads of one Bucket reconcile.
  int bucket_fetch_concurrency = 100;
};

struct engine {
  engine_options opts;
  std::shared_ptr<resource_index> resources = std::make_shared<resource_index>();
  std::shared_ptr<artifact_store> storage;
  blocking_pool_actor pool;
  http::client_actor http;
  identity_registry_actor identities;
  // Cluster mode: server-side apply for Kustomizations (null in local mode).
  kube::applier_actor applier;
  std::map<std::string, gate_actor, std::less<>> gates;  // per kind; absent = no cap
  // Wall clock as RFC 3339 (injectable for tests).
  std::function<std::string()> now;
  // Uniform random in [0,1) for jitter (injectable for tests).
  std::function<double()> random01;
};

using engine_ptr = std::shared_ptr<const engine>;

}  // namespace fluxaws::actors
