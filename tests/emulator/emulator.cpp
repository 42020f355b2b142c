#include "tests/emulator/emulator.hpp"

#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/registry/registry_errors.hpp"
#include "tests/emulator/registry/registry_front.hpp"

namespace emu {

emulator::emulator(world w) : world_(std::move(w)), creds_(world_) {
  settings_.credential_lifetime_s = world_.credential_lifetime.count();
  settings_.ecr_token_lifetime_s = world_.ecr_token_lifetime.count();
}

fluxaws::result<std::unique_ptr<emulator>> emulator::create(world w) {
  std::unique_ptr<emulator> e(new emulator(std::move(w)));
  if (!e->world_.latency.is_null())
    if (auto st = e->faults_.set_latency(e->world_.latency, true); !st) return st.error();
  if (!e->world_.faults.is_null())
    if (auto st = e->faults_.set_faults(e->world_.faults, true); !st) return st.error();
  auto store = s3_store::create(e->world_);
  if (!store) return store.error();
  e->s3_store_ = std::move(store.value());
  auto oidc = web_identity_verifier::create(e->world_);
  if (!oidc) return oidc.error();
  e->oidc_ = std::move(oidc.value());
  service_context ctx{e->world_, e->creds_, e->settings_};
  e->sts_ = std::make_unique<sts_service>(ctx, e->oidc_);
  e->kms_ = std::make_unique<kms_service>(ctx);
  e->ecr_ = std::make_unique<ecr_service>(ctx);
  e->s3_ = std::make_unique<s3_service>(ctx, *e->s3_store_);
  e->imds_ = std::make_unique<imds_service>(ctx);
  e->pods_ = std::make_unique<pod_identity_service>(ctx, e->oidc_);
  e->admin_ = std::make_unique<admin_service>(e->calls_, e->faults_, e->settings_);
  return e;
}

std::string emulator::operation_of(service_kind svc, const http_request& req, const route& rt) const {
  switch (svc) {
    case service_kind::sts: return sts_service::operation_of(req);
    case service_kind::kms: return kms_service::operation_of(req);
    case service_kind::ecr_api: return ecr_service::operation_of(req);
    case service_kind::s3: return s3_service::operation_of(req, rt);
    case service_kind::imds: return imds_service::operation_of(req);
    case service_kind::pod_identity: return "GetCredentials";
    case service_kind::registry: return "Registry";
    default: return "Unknown";
  }
}

http_response emulator::fault_response(service_kind svc, fault_kind f, const http_request& req) const {
  const auto v = req.version();
  switch (svc) {
    case service_kind::sts:
      if (f == fault_kind::throttle) return query_error(v, 400, "Throttling", "Rate exceeded");
      if (f == fault_kind::error503) return query_error(v, 503, "ServiceUnavailable", "Service is unavailable");
      return query_error(v, 500, "InternalFailure", "An internal error occurred (injected by the emulator)");
    case service_kind::kms:
      if (f == fault_kind::throttle) return json_error(v, 400, "ThrottlingException", "Rate exceeded");
      if (f == fault_kind::error503) return json_error(v, 503, "ServiceUnavailableException", "Service is unavailable");
      return json_error(v, 500, "KMSInternalException", "An internal error occurred (injected by the emulator)");
    case service_kind::ecr_api:
      if (f == fault_kind::throttle) return json_error(v, 400, "ThrottlingException", "Rate exceeded");
      if (f == fault_kind::error503) return json_error(v, 503, "ServiceUnavailableException", "Service is unavailable");
      return json_error(v, 500, "ServerException", "An internal error occurred (injected by the emulator)");
    case service_kind::s3:
      if (f == fault_kind::throttle) return s3_error(req, 503, "SlowDown", "Please reduce your request rate.");
      if (f == fault_kind::error503) return s3_error(req, 503, "ServiceUnavailable", "Service is unable to handle request.");
      return s3_error(req, 500, "InternalError", "We encountered an internal error. Please try again.");
    case service_kind::registry:
      if (f == fault_kind::throttle) return registry::error_response(req, 429, "TOOMANYREQUESTS", "Rate exceeded");
      if (f == fault_kind::error503) return registry::error_response(req, 503, "UNAVAILABLE", "Service is unavailable");
      return registry::error_response(req, 500, "UNKNOWN", "An internal error occurred (injected by the emulator)");
    default:
      if (f == fault_kind::throttle) return plain_response(v, 429, "Too Many Requests\n");
      if (f == fault_kind::error503) return plain_response(v, 503, "Service Unavailable\n");
      return plain_response(v, 500, "Internal Server Error\n");
  }
}

asio::awaitable<dispatch_result> emulator::dispatch(const http_request& req, const request_context& rc) {
  route rt = classify(rc.host, req);
  if (rt.service == service_kind::admin) co_return dispatch_result{admin_->handle(req), fault_kind::none};
  if (rt.service == service_kind::unknown) {
    co_return dispatch_result{
        plain_response(req.version(), 421, "fluxaws-emulator does not serve the host " + rc.host + "\n"),
        fault_kind::none};
  }
  const auto service = service_name(rt.service);
  auto plan = faults_.draw(service);
  if (plan.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(plan.delay);
    co_await timer.async_wait(asio::use_awaitable);
  }

  auto count_unverified = [&](int status) {
    // A faulted call is counted under the caller the request names (not verified).
    std::string who;
    if (rt.service == service_kind::sts && !sigv4::is_signed(req)) {
      auto p = parse_form(req.body());
      if (const auto* r = find_param(p, "RoleArn")) who = *r;
    } else if (auto scope = sigv4::peek_scope(req)) {
      auto auth = sv(req[http::field::authorization]);
      auto cred = auth.find("Credential=");
      if (cred != std::string_view::npos) {
        auto id = auth.substr(cred + 11, auth.find('/', cred) - cred - 11);
        if (auto key = creds_.find_key(id)) who = key->who->arn;
      }
    }
    calls_.add(service, operation_of(rt.service, req, rt), who, status);
  };
  if (plan.fault == fault_kind::error500 || plan.fault == fault_kind::error503 || plan.fault == fault_kind::throttle) {
    auto res = fault_response(rt.service, plan.fault, req);
    count_unverified(static_cast<int>(res.result_int()));
    co_return dispatch_result{std::move(res), fault_kind::none};
  }
  if (plan.fault == fault_kind::reset) {
    count_unverified(0);
    co_return dispatch_result{http_response{}, fault_kind::reset};
  }

  // The registry is the only asynchronous service. It is handled outside the switch
  // below: g++ 12 miscompiles co_await inside a switch (a double free).
  if (rt.service == service_kind::registry) {
    if (!registry_) {
      calls_.add(service, "Unknown", "", 503);
      co_return dispatch_result{registry::error_response(req, 503, "UNAVAILABLE", "this emulator runs without a registry"),
                                plan.fault};
    }
    auto fc = registry::make_front_context(req, rc, world_.accounts.front(), world_.regions.front());
    if (!fc) {
      calls_.add(service, "Unknown", "", 404);
      co_return dispatch_result{registry::error_response(req, 404, "NAME_UNKNOWN", "no registry at this host"),
                                plan.fault};
    }
    // The front counts its own calls (with ECR-style operation names).
    http_response proxied = co_await registry_->handle(req, *fc);
    co_return dispatch_result{std::move(proxied), plan.fault};
  }

  call_record rec;
  http_response res;
  switch (rt.service) {
    case service_kind::sts: res = sts_->handle(req, rt, rec); break;
    case service_kind::kms: res = kms_->handle(req, rt, rec); break;
    case service_kind::ecr_api: res = ecr_->handle(req, rt, rec); break;
    case service_kind::s3: res = s3_->handle(req, rt, rec); break;
    case service_kind::imds: res = imds_->handle(req, rec); break;
    case service_kind::pod_identity: res = pods_->handle(req, rec); break;
    default: break;
  }
  calls_.add(service, rec.operation, rec.principal, static_cast<int>(res.result_int()));
  co_return dispatch_result{std::move(res), plan.fault};
}

}  // namespace emu
