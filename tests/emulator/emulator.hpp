// emulator.hpp — the emulated AWS as one object: the world, every service, the call
// counters and the fault plan, behind one dispatch() the server calls per request.
//
// Contract of dispatch():
//   1. classify the request (routing.hpp); /_emulator/… goes to the admin service,
//      uncounted and unfaulted;
//   2. draw latency and a fault for the service (faults.hpp) and wait the latency
//      (an asynchronous timer: the thread keeps serving others);
//   3. an injected 500/503/throttle answers in the service's own error format;
//      reset and slow-body are returned to the server as an action;
//   4. otherwise the service answers; the call is counted as
//      (service, operation, principal, status) — the registry front counts its own.
// The registry front is optional (no docker-registry, e.g. --no-registry): registry
// requests are then answered 503.
#pragma once

#include <memory>

#include "tests/emulator/admin_service.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/call_counters.hpp"
#include "tests/emulator/credential_store.hpp"
#include "tests/emulator/ecr_service.hpp"
#include "tests/emulator/faults.hpp"
#include "tests/emulator/http_types.hpp"
#include "tests/emulator/imds_service.hpp"
#include "tests/emulator/kms_service.hpp"
#include "tests/emulator/pod_identity_service.hpp"
#include "tests/emulator/s3_service.hpp"
#include "tests/emulator/s3_store.hpp"
#include "tests/emulator/sts_service.hpp"
#include "tests/emulator/world.hpp"

namespace emu::registry {
class registry_front;
}

namespace emu {

struct dispatch_result {
  http_response res;
  fault_kind action = fault_kind::none;  // reset or slow_body: the server's job
};

class emulator {
 public:
  static fluxaws::result<std::unique_ptr<emulator>> create(world w);

  asio::awaitable<dispatch_result> dispatch(const http_request& req, const request_context& rc);

  // The registry front to hand /v2 requests to (owned by the caller, outlives this).
  void attach_registry(registry::registry_front* front) { registry_ = front; }

  const world& the_world() const { return world_; }
  call_counters& calls() { return calls_; }
  fault_plan& faults() { return faults_; }
  runtime_settings& settings() { return settings_; }
  ecr_service& ecr() { return *ecr_; }

 private:
  explicit emulator(world w);
  http_response fault_response(service_kind svc, fault_kind f, const http_request& req) const;
  std::string operation_of(service_kind svc, const http_request& req, const route& rt) const;

  world world_;
  credential_store creds_;
  runtime_settings settings_;
  call_counters calls_;
  fault_plan faults_;
  std::unique_ptr<s3_store> s3_store_;
  std::shared_ptr<web_identity_verifier> oidc_;
  std::unique_ptr<sts_service> sts_;
  std::unique_ptr<kms_service> kms_;
  std::unique_ptr<ecr_service> ecr_;
  std::unique_ptr<s3_service> s3_;
  std::unique_ptr<imds_service> imds_;
  std::unique_ptr<pod_identity_service> pods_;
  std::unique_ptr<admin_service> admin_;
  registry::registry_front* registry_ = nullptr;
};

}  // namespace emu
