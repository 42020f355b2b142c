// Asynchronous AWS calls for any event-based CAF actor (typed or not): build the
// request, sign it (SigV4, the caller's credentials, the current time), send it to the
// HTTP client actor with a finite timeout, parse the answer, and call done(result<T>)
// exactly once, on the calling actor. Also runs a credential source's step machine
// over the HTTP client (run_source), which the credentials driver actor and the token
// cache use.
//
//   aws::async::kms_decrypt(self, http, kms_endpoint, creds, params, 10s,
//       [=](result<kms::decrypt_result> r) { ... });
//
// The CAF request timeout is the HTTP timeout plus reply_margin: the HTTP client
// answers every request within its own timeout, so the margin only covers a client
// that died; either way done() sees an error (code "timeout" or "http"), never silence.
// Header-only templates: include it in the .cpp of the actor that calls it.
#pragma once

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "adapters/aws/credential_source.hpp"
#include "adapters/aws/ecr_api.hpp"
#include "adapters/aws/kms.hpp"
#include "adapters/aws/retry.hpp"
#include "adapters/aws/service_error.hpp"
#include "adapters/aws/service_request.hpp"
#include "adapters/aws/sts.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/http/client.hpp"

namespace fluxaws::aws::async {

inline constexpr std::chrono::milliseconds reply_margin{5000};
// A credential source needs a handful of steps; more means a broken source.
inline constexpr int max_source_steps = 16;

// Counts an AWS call for /metrics: fluxaws_aws_calls_total{service,operation,outcome},
// outcome one of success, error, throttled, transport_error. operation is "S3 GetObject".
inline void record_call(const std::string& operation, const char* outcome) {
  auto space = operation.find(' ');
  std::string service = space == std::string::npos ? operation : operation.substr(0, space);
  std::string op = space == std::string::npos ? operation : operation.substr(space + 1);
  metrics::registry::global().counter_add("fluxaws_aws_calls_total",
                                          {{"service", service}, {"operation", op}, {"outcome", outcome}});
}

// Sends req; on_response(const http::response&) runs exactly once on self. A CAF-level
// failure (no reply in time, client gone) arrives as a response with fail set.
template <class Self, class F>
void send(Self* self, const http::client_actor& http, http::request req, F on_response) {
  auto timeout = req.timeout + reply_margin;
  auto handler = std::make_shared<F>(std::move(on_response));
  if (!http) {
    http::response r;
    r.fail = http::failure::cancelled;
    r.error = "no HTTP client";
    (*handler)(r);
    return;
  }
  self->request(http, timeout, http::request_atom::value, std::move(req))
      .then([handler](http::response& r) { (*handler)(r); },
            [self, handler](caf::error& err) {
              http::response r;
              r.fail = err == caf::sec::request_timeout ? http::failure::timeout : http::failure::other;
              r.error = self->system().render(err);
              (*handler)(r);
            });
}

// Sends req and parses the answer with parse(const http::response&) -> result<T>;
// transport failures are reported against req's URL.
template <class Self, class Parse, class Done>
void call(Self* self, const http::client_actor& http, http::request req, std::string operation, Parse parse,
          Done done) {
  std::string url = req.url;
  send(self, http, std::move(req),
       [url = std::move(url), operation = std::move(operation), parse, done = std::move(done)](
           const http::response& r) mutable {
         using result_type = decltype(parse(r));
         if (!r.ok()) {
           record_call(operation, "transport_error");
           done(result_type(transport_error(r, url, operation)));
           return;
         }
         auto parsed = parse(r);
         record_call(operation, parsed.ok() ? "success" : is_throttling(parsed.error()) ? "throttled" : "error");
         done(std::move(parsed));
       });
}

// Signs sreq with creds at the current time, then call().
template <class Self, class Parse, class Done>
void call_signed(Self* self, const http::client_actor& http, const service_request& sreq, const credentials& creds,
                 std::chrono::milliseconds timeout, Parse parse, Done done) {
  call(self, http, sign_request(sreq, creds, std::chrono::system_clock::now(), timeout), sreq.operation,
       std::move(parse), std::move(done));
}

namespace detail {

template <class Self, class Done>
void drive(Self* self, http::client_actor http, std::shared_ptr<credential_source> src, file_reader read,
           source_step step, int steps, Done done) {
  for (;; ++steps) {
    if (steps > max_source_steps) {
      done(result<credentials>(make_error("credentials", std::string(src->name()) + ": too many steps")));
      return;
    }
    if (is_done(step)) {
      done(std::get<2>(std::move(step)));
      return;
    }
    if (is_file(step)) {
      const auto& path = std::get<1>(step).path;
      step = src->on_file(read ? read(path) : result<std::string>(make_error("token_file", "no file reader")));
      continue;
    }
    send(self, http, std::get<0>(std::move(step)),
         [self, http, src, read, steps, done = std::move(done)](const http::response& r) mutable {
           drive(self, http, src, read, src->on_http(r), steps + 1, std::move(done));
         });
    return;
  }
}

}  // namespace detail

// Runs src to completion: HTTP steps through http, file steps through read; then
// done(result<credentials>).
template <class Self, class Done>
void run_source(Self* self, const http::client_actor& http, std::shared_ptr<credential_source> src, file_reader read,
                Done done) {
  auto first = src->start();
  detail::drive(self, http, std::move(src), std::move(read), std::move(first), 0, std::move(done));
}

// STS AssumeRoleWithWebIdentity (unsigned).
template <class Self, class Done>
void assume_role_with_web_identity(Self* self, const http::client_actor& http, const endpoint& sts_endpoint,
                                   const sts::web_identity_params& p, std::chrono::milliseconds timeout, Done done) {
  auto sreq = sts::assume_role_with_web_identity_request(sts_endpoint, p);
  call(self, http, to_http_request(sreq, timeout), sreq.operation, &sts::parse_assume_role_with_web_identity,
       std::move(done));
}

// STS AssumeRole (signed with the caller's credentials).
template <class Self, class Done>
void assume_role(Self* self, const http::client_actor& http, const endpoint& sts_endpoint, const credentials& creds,
                 const sts::assume_role_params& p, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, sts::assume_role_request(sts_endpoint, p), creds, timeout, &sts::parse_assume_role,
              std::move(done));
}

template <class Self, class Done>
void get_caller_identity(Self* self, const http::client_actor& http, const endpoint& sts_endpoint,
                         const credentials& creds, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, sts::get_caller_identity_request(sts_endpoint), creds, timeout,
              &sts::parse_get_caller_identity, std::move(done));
}

template <class Self, class Done>
void ecr_get_authorization_token(Self* self, const http::client_actor& http, const endpoint& ecr_endpoint,
                                 const credentials& creds, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, ecr::get_authorization_token_request(ecr_endpoint), creds, timeout,
              &ecr::parse_get_authorization_token, std::move(done));
}

template <class Self, class Done>
void ecr_public_get_authorization_token(Self* self, const http::client_actor& http, const endpoint& ecr_public_endpoint,
                                        const credentials& creds, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, ecr::get_public_authorization_token_request(ecr_public_endpoint), creds, timeout,
              &ecr::parse_get_public_authorization_token, std::move(done));
}

template <class Self, class Done>
void kms_decrypt(Self* self, const http::client_actor& http, const endpoint& kms_endpoint, const credentials& creds,
                 const kms::decrypt_params& p, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, kms::decrypt_request(kms_endpoint, p), creds, timeout, &kms::parse_decrypt, std::move(done));
}

template <class Self, class Done>
void kms_encrypt(Self* self, const http::client_actor& http, const endpoint& kms_endpoint, const credentials& creds,
                 const kms::encrypt_params& p, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, kms::encrypt_request(kms_endpoint, p), creds, timeout, &kms::parse_encrypt, std::move(done));
}

template <class Self, class Done>
void kms_generate_data_key(Self* self, const http::client_actor& http, const endpoint& kms_endpoint,
                           const credentials& creds, const kms::generate_data_key_params& p,
                           std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, kms::generate_data_key_request(kms_endpoint, p), creds, timeout,
              &kms::parse_generate_data_key, std::move(done));
}

}  // namespace fluxaws::aws::async
