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
//
// The call policy (call_policy.hpp), when one is installed, applies inside:
//   - every AWS call waits for a token of its rate-limit key (call_key.hpp) from the
//     limiter actor, at most half of its time left; a refusal (queue full, wait too
//     long) fails the call with code "rate_limited" (send(): a response with
//     failure::other), naming the key — or, for a retry, ends the call with the answer
//     of its last attempt;
//   - call() and call_signed() send a failed attempt again (call_retry.hpp: throttling,
//     5xx, transient transport failures; S3 writes only when S3 surely did not act) up
//     to maxAttempts, after a full-jitter backoff slept by the limiter, re-signing each
//     attempt (SigV4 signs a timestamp), never past the deadline — the timeout given
//     for the call is the budget of all its attempts — and only while the retry budget
//     allows; done() then gets the last attempt's answer. send() is never retried (its
//     request is signed already, possibly streamed to a file): the caller decides;
//   - STS answers teach the policy which account a key id belongs to, for later keys.
// Nothing installed: one attempt per call, no limits — exactly the behaviour before.
// fluxaws_aws_calls_total counts attempts (what AWS saw), with the extra outcome
// "rate_limited" for calls the limiter refused.
#pragma once

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "adapters/aws/call_attempts.hpp"
#include "adapters/aws/call_key.hpp"
#include "adapters/aws/call_limiter_interface.hpp"
#include "adapters/aws/call_policy.hpp"
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

// What a caller may add to a call: the account whose quota it spends, when the caller
// knows it better than the policy can (call_key.hpp).
struct call_hint {
  std::string account;
};

// Counts an AWS call for /metrics: fluxaws_aws_calls_total{service,operation,outcome},
// outcome one of success, error, throttled, transport_error, rate_limited. operation is
// "S3 GetObject".
inline void record_call(const std::string& operation, const char* outcome) {
  auto space = operation.find(' ');
  std::string service = space == std::string::npos ? operation : operation.substr(0, space);
  std::string op = space == std::string::npos ? operation : operation.substr(space + 1);
  metrics::registry::global().counter_add("fluxaws_aws_calls_total",
                                          {{"service", service}, {"operation", op}, {"outcome", outcome}});
}

namespace detail {

// Sends req as it is; on_response(const http::response&) runs exactly once on self.
template <class Self, class F>
void send_now(Self* self, const http::client_actor& http, http::request req, F on_response) {
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

// Waits for a token of key from the policy's limiter (at most max_wait), then runs
// go(std::optional<error_info>) on self: nullopt to go ahead, an error ("rate_limited")
// when the limiter refused. Goes ahead at once without a policy, a limiter or a key;
// a limiter that is gone or stopping holds no call back.
template <class Self, class Go>
void acquire_token(Self* self, const std::shared_ptr<installed_call_policy>& policy, const limit_key& key,
                   std::chrono::milliseconds max_wait, Go go) {
  call_limiter_actor limiter;
  if (policy && !key.empty()) limiter = policy->limiter();
  if (!limiter) {
    go(std::optional<error_info>());
    return;
  }
  auto g = std::make_shared<Go>(std::move(go));
  max_wait = std::max(max_wait, std::chrono::milliseconds(0));
  self->request(limiter, max_wait + reply_margin, limiter_acquire_atom::value, key, caf::timespan(max_wait))
      .then(
          [g](limiter_grant& grant) {
            if (grant.granted || grant.stopped)
              (*g)(std::optional<error_info>());
            else
              (*g)(std::optional<error_info>(make_error("rate_limited", grant.reason)));
          },
          [g](caf::error&) { (*g)(std::optional<error_info>()); });
}

// The pieces of one call: make(timeout) builds (and signs) an attempt's request,
// parse(response) reads its answer, done(result) is called once.
template <class Make, class Parse, class Done>
struct call_fns {
  Make make;
  Parse parse;
  Done done;
  using result_type = std::decay_t<std::invoke_result_t<Parse&, const http::response&>>;
};

template <class Self, class Fns>
void attempt(Self* self, http::client_actor http, std::shared_ptr<call_attempts> c, std::shared_ptr<Fns> fns);

// Sleeps delay through the limiter, then sends the next attempt; done(last) when the
// limiter cannot sleep (gone, stopping).
template <class Self, class Fns>
void retry_after(Self* self, http::client_actor http, std::shared_ptr<call_attempts> c, std::shared_ptr<Fns> fns,
                 std::chrono::milliseconds delay, error_info last) {
  using result_type = typename Fns::result_type;
  c->last_error = last;
  auto limiter = c->policy ? c->policy->limiter() : call_limiter_actor();
  if (!limiter) {
    fns->done(result_type(std::move(last)));
    return;
  }
  self->request(limiter, delay + reply_margin, limiter_sleep_atom::value, caf::timespan(delay))
      .then([self, http, c, fns](caf::timespan) { attempt(self, http, c, fns); },
            [fns, last](caf::error&) { fns->done(result_type(last)); });
}

template <class Self, class Fns>
void attempt(Self* self, http::client_actor http, std::shared_ptr<call_attempts> c, std::shared_ptr<Fns> fns) {
  using result_type = typename Fns::result_type;
  ++c->attempts;
  acquire_token(self, c->policy, c->key, c->max_token_wait(), [self, http, c, fns](std::optional<error_info> refused) {
    if (refused) {
      record_call(c->operation, "rate_limited");
      // A retry the limiter cannot fit in: the call failed with its last answer.
      if (c->last_error) {
        fns->done(result_type(std::move(*c->last_error)));
        return;
      }
      refused->message = c->operation + ": " + refused->message;
      fns->done(result_type(std::move(*refused)));
      return;
    }
    send_now(self, http, fns->make(c->attempt_timeout()), [self, http, c, fns](const http::response& r) {
      if (!r.ok()) {
        record_call(c->operation, "transport_error");
        auto err = transport_error(r, c->url, c->operation);
        if (auto delay = next_retry(*c, err)) {
          retry_after(self, http, c, fns, *delay, std::move(err));
          return;
        }
        fns->done(result_type(std::move(err)));
        return;
      }
      auto parsed = fns->parse(r);
      record_call(c->operation, parsed.ok() ? "success" : is_throttling(parsed.error()) ? "throttled" : "error");
      if (!parsed.ok()) {
        if (auto delay = next_retry(*c, parsed.error())) {
          retry_after(self, http, c, fns, *delay, parsed.error());
          return;
        }
      }
      fns->done(std::move(parsed));
    });
  });
}

// Runs the attempts of call c: make(std::chrono::milliseconds timeout) -> http::request.
template <class Self, class Make, class Parse, class Done>
void run_call(Self* self, const http::client_actor& http, std::shared_ptr<call_attempts> c, Make make, Parse parse,
              Done done) {
  using fns_type = call_fns<Make, Parse, Done>;
  auto fns = std::make_shared<fns_type>(fns_type{std::move(make), std::move(parse), std::move(done)});
  attempt(self, http, std::move(c), std::move(fns));
}

// An unsigned service_request (AssumeRoleWithWebIdentity) with the given account hint.
template <class Self, class Parse, class Done>
void call_unsigned(Self* self, const http::client_actor& http, const service_request& sreq,
                   std::chrono::milliseconds timeout, const std::string& account, Parse parse, Done done) {
  auto policy = current_call_policy();
  limit_key key;
  if (policy) key = key_for(sreq, account);
  auto c = start_call(policy, sreq.operation, std::move(key), sreq.url(), sreq.method, false, timeout);
  run_call(self, http, std::move(c), [sreq](std::chrono::milliseconds t) { return to_http_request(sreq, t); },
           std::move(parse), std::move(done));
}

// Remembers which account the credentials an STS answer handed out belong to.
inline void learn_account(const std::shared_ptr<installed_call_policy>& policy, const std::string& access_key_id,
                          const std::string& arn, const std::string& fallback_account) {
  if (!policy) return;
  auto account = account_of_arn(arn);
  policy->learn_account(access_key_id, account.empty() ? fallback_account : account);
}

}  // namespace detail

// Sends req; on_response(const http::response&) runs exactly once on self. A CAF-level
// failure (no reply in time, client gone) arrives as a response with fail set. Under a
// call policy an AWS request (signed, presigned, or STS AssumeRoleWithWebIdentity) first
// waits for its rate-limit token (its timeout then shrinks by the wait); a refusal
// arrives as a response with failure::other naming the limit. Never retried here.
template <class Self, class F>
void send(Self* self, const http::client_actor& http, http::request req, F on_response) {
  auto policy = current_call_policy();
  std::optional<aws_call_target> target;
  if (policy) target = classify_request(req);
  if (!target) {
    detail::send_now(self, http, std::move(req), std::move(on_response));
    return;
  }
  auto account = !target->account.empty() ? target->account : policy->account_of(target->access_key_id);
  auto key = make_limit_key(target->service, target->region, target->host, target->path, account);
  auto started = std::chrono::steady_clock::now();
  auto timeout = req.timeout;
  auto handler = std::make_shared<F>(std::move(on_response));
  auto pending = std::make_shared<http::request>(std::move(req));
  detail::acquire_token(
      self, policy, key, std::max(timeout / 2, std::chrono::milliseconds(0)),
      [self, http, handler, pending, started, timeout](std::optional<error_info> refused) {
        if (refused) {
          http::response r;
          r.fail = http::failure::other;
          r.error = refused->message;
          (*handler)(r);
          return;
        }
        auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        pending->timeout = std::max(timeout - waited, std::chrono::milliseconds(1));
        detail::send_now(self, http, std::move(*pending), [handler](const http::response& r) { (*handler)(r); });
      });
}

// Sends req and parses the answer with parse(const http::response&) -> result<T>;
// transport failures are reported against req's URL. Under a call policy: rate-limited
// and retried as the header says (req is sent as it is each time, with the time left).
template <class Self, class Parse, class Done>
void call(Self* self, const http::client_actor& http, http::request req, std::string operation, Parse parse,
          Done done) {
  auto policy = current_call_policy();
  limit_key key;
  bool s3 = false;
  if (policy) {
    if (auto t = classify_request(req)) {
      auto account = !t->account.empty() ? t->account : policy->account_of(t->access_key_id);
      key = make_limit_key(t->service, t->region, t->host, t->path, account);
      s3 = t->service == "s3";
    }
  }
  auto c = start_call(policy, std::move(operation), std::move(key), req.url, req.method, s3, req.timeout);
  detail::run_call(self, http, std::move(c),
                   [req = std::move(req)](std::chrono::milliseconds t) {
                     auto attempt = req;
                     attempt.timeout = t;
                     return attempt;
                   },
                   std::move(parse), std::move(done));
}

// Signs sreq with creds at the current time, then sends it as call() does — signed
// afresh for each attempt. hint.account, when set, is the account for the rate limit.
template <class Self, class Parse, class Done>
void call_signed(Self* self, const http::client_actor& http, const service_request& sreq, const credentials& creds,
                 std::chrono::milliseconds timeout, Parse parse, Done done, const call_hint& hint) {
  auto policy = current_call_policy();
  limit_key key;
  if (policy) key = key_for(sreq, hint.account.empty() ? policy->account_of(creds.access_key_id) : hint.account);
  auto c = start_call(policy, sreq.operation, std::move(key), sreq.url(), sreq.method,
                              sreq.auth == auth_mode::sigv4_s3, timeout);
  detail::run_call(self, http, std::move(c),
                   [sreq, creds, policy](std::chrono::milliseconds t) {
                     return sign_request(sreq, creds,
                                         policy ? policy->signing_time() : std::chrono::system_clock::now(), t);
                   },
                   std::move(parse), std::move(done));
}

template <class Self, class Parse, class Done>
void call_signed(Self* self, const http::client_actor& http, const service_request& sreq, const credentials& creds,
                 std::chrono::milliseconds timeout, Parse parse, Done done) {
  call_signed(self, http, sreq, creds, timeout, std::move(parse), std::move(done), call_hint{});
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
// Rate-limited by the role's account (the call has no credentials yet); the answer's
// key id is remembered as belonging to the assumed role's account.
template <class Self, class Done>
void assume_role_with_web_identity(Self* self, const http::client_actor& http, const endpoint& sts_endpoint,
                                   const sts::web_identity_params& p, std::chrono::milliseconds timeout, Done done) {
  auto sreq = sts::assume_role_with_web_identity_request(sts_endpoint, p);
  auto account = account_of_arn(p.role_arn);
  detail::call_unsigned(self, http, sreq, timeout, account, &sts::parse_assume_role_with_web_identity,
                        [policy = current_call_policy(), account, done = std::move(done)](
                            result<sts::assumed_role> r) mutable {
                          if (r.ok()) detail::learn_account(policy, r->creds.access_key_id, r->assumed_role_arn, account);
                          done(std::move(r));
                        });
}

// STS AssumeRole (signed with the caller's credentials).
template <class Self, class Done>
void assume_role(Self* self, const http::client_actor& http, const endpoint& sts_endpoint, const credentials& creds,
                 const sts::assume_role_params& p, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, sts::assume_role_request(sts_endpoint, p), creds, timeout, &sts::parse_assume_role,
              [policy = current_call_policy(), account = account_of_arn(p.role_arn), done = std::move(done)](
                  result<sts::assumed_role> r) mutable {
                if (r.ok()) detail::learn_account(policy, r->creds.access_key_id, r->assumed_role_arn, account);
                done(std::move(r));
              });
}

template <class Self, class Done>
void get_caller_identity(Self* self, const http::client_actor& http, const endpoint& sts_endpoint,
                         const credentials& creds, std::chrono::milliseconds timeout, Done done) {
  call_signed(self, http, sts::get_caller_identity_request(sts_endpoint), creds, timeout,
              &sts::parse_get_caller_identity,
              [policy = current_call_policy(), key_id = creds.access_key_id, done = std::move(done)](
                  result<sts::caller_identity> r) mutable {
                if (r.ok() && policy) policy->learn_account(key_id, r->account);
                done(std::move(r));
              });
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
