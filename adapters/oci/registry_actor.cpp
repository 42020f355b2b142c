// The registry actor (registry.hpp). Each operation is a chain of HTTP requests to the
// HTTP client actor; continuations run on this actor, which is the only owner of the
// token cache and the remembered challenges. Every decision (what Authorization to
// send, what to do after a 401, whether a page link may be followed, whether bytes
// match their digest) is one of the plain functions of this folder.
#include "adapters/oci/registry.hpp"

#include <caf/error.hpp>
#include <caf/sec.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "adapters/aws/call_limiter_interface.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/auth_challenge.hpp"
#include "adapters/oci/auth_flow.hpp"
#include "adapters/oci/bearer_token_cache.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/link_header.hpp"
#include "adapters/oci/media_types.hpp"
#include "adapters/oci/registry_errors.hpp"
#include "adapters/oci/registry_responses.hpp"
#include "adapters/oci/registry_url.hpp"
#include "adapters/oci/token_exchange.hpp"

namespace fluxaws::oci {

namespace {

using clock = std::chrono::steady_clock;

// The HTTP client answers within a request's timeout plus its own grace; this only
// covers a client that died.
constexpr std::chrono::milliseconds http_reply_margin{5000};
// Error bodies a registry streamed into a blob's destination file.
constexpr std::size_t max_error_body = 64 * 1024;

struct registry_state {
  http::client_actor http;
  registry_options opts;
  bearer_token_cache tokens;
  std::unordered_map<std::string, auth_challenge> challenges;  // by registry origin
  registry_stats stats;
  static const char* name;
};

const char* registry_state::name = "fluxaws.oci.registry";

using self_ptr = registry_actor::stateful_pointer<registry_state>;

// What every request of one operation shares.
struct operation {
  std::string what;  // names the object in errors
  repository_ref repo;
  registry_auth auth;
  bool insecure = false;
  std::string scope;   // Bearer scope; empty for a ping
  std::string origin;  // scheme://host[:port] of the registry
  clock::time_point deadline;

  std::chrono::milliseconds remaining() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  }
  std::string token_key() const { return bearer_token_cache::key(origin, scope, auth.identity()); }
};

using op_ptr = std::shared_ptr<const operation>;
using exchange_fn = std::function<void(result<http::response>)>;
using token_fn = std::function<void(result<std::string>)>;

op_ptr make_op(std::string what, const repository_ref& repo, const registry_auth& auth, const call_options& opts,
               std::string scope) {
  auto op = std::make_shared<operation>();
  op->what = std::move(what);
  op->repo = repo;
  op->auth = auth;
  op->insecure = opts.insecure;
  op->scope = std::move(scope);
  op->origin = registry_origin(repo, opts.insecure);
  op->deadline = clock::now() + opts.timeout;
  return op;
}

op_ptr with_what(const op_ptr& op, std::string what) {
  auto copy = std::make_shared<operation>(*op);
  copy->what = std::move(what);
  return copy;
}

error_info prefixed(error_info e, std::string_view what) {
  if (!str::starts_with(e.message, what)) e.message = std::string(what) + ": " + e.message;
  return e;
}

// The error for a registry answer that is not a success. An expired cached token that
// the registry reports as 403 (ECR) becomes Unauthorized, like a 401, so that the
// caller evicts it and retries once.
error_info status_error(const operation& op, int status, std::string_view body, std::string_view what) {
  auto e = error_from_status(status, body, what);
  if (op.auth.cached && is_expired_token_denial(status, body)) e.code = std::string(errc::unauthorized);
  return e;
}

// Checks common to every request; empty when fine.
std::optional<error_info> check_call(const repository_ref& repo, const call_options& opts, std::string_view what) {
  if (opts.timeout.count() <= 0)
    return make_error(std::string(errc::timeout), std::string(what) + ": no time budget left for the operation");
  if (repo.registry.empty() || repo.repository.empty())
    return make_error(std::string(errc::invalid_reference), std::string(what) + ": the repository is incomplete");
  return std::nullopt;
}

void remove_file(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

// At most max_error_body bytes of a small error document the registry sent.
std::string read_error_body(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string out(max_error_body, '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

void remember_challenge(registry_state& st, const std::string& origin, const http::header_list& headers) {
  auto chosen = select_challenge(challenges_from(headers));
  if (!chosen) return;
  if (st.challenges.size() >= st.opts.max_known_hosts && st.challenges.find(origin) == st.challenges.end())
    st.challenges.clear();  // relearning costs one 401 per host
  st.challenges[origin] = std::move(*chosen);
}

// One HTTP request with what is left of the budget until deadline; on_response runs on
// self exactly once (a CAF-level failure arrives as a failed response).
void send_within(self_ptr self, clock::time_point deadline, http::request req,
                 std::function<void(http::response&)> on_response) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
  if (left.count() <= 0) {
    http::response r;
    r.fail = http::failure::timeout;
    r.error = "the operation's time budget ran out";
    on_response(r);
    return;
  }
  req.timeout = left;
  ++self->state.stats.http_requests;
  self->request(self->state.http, left + http_reply_margin, http::request_atom::value, std::move(req))
      .then([on_response](http::response& r) { on_response(r); },
            [self, on_response](caf::error& err) {
              http::response r;
              r.fail = err == caf::sec::request_timeout ? http::failure::timeout : http::failure::other;
              r.error = self->system().render(err);
              on_response(r);
            });
}

// One HTTP request with what is left of the operation's budget, as send_within. Under
// an AWS call policy (adapters/aws/call_limiter_interface.hpp) it first waits for a
// token of the registry host's "registry" rate limit — ECR registries share their
// account's — for at most half the time left; a refusal arrives as a failed response
// naming the limit, and a limiter that is gone holds nothing back.
void http_send(self_ptr self, const operation& op, http::request req, std::function<void(http::response&)> on_response) {
  auto limiter = aws::installed_call_limiter();
  auto url = limiter ? parse_http_url(req.url) : result<http_url>(make_error("", ""));
  if (!limiter || !url) return send_within(self, op.deadline, std::move(req), std::move(on_response));
  auto max_wait = std::max(op.remaining() / 2, std::chrono::milliseconds(0));
  auto deadline = op.deadline;
  auto pending = std::make_shared<http::request>(std::move(req));
  self->request(limiter, max_wait + http_reply_margin, aws::limiter_acquire_atom::value,
                aws::limit_key{"registry", "", "host/" + url->authority()}, caf::timespan(max_wait))
      .then(
          [self, deadline, pending, on_response](aws::limiter_grant& g) {
            if (!g.granted && !g.stopped) {
              http::response r;
              r.fail = http::failure::other;
              r.error = g.reason;
              on_response(r);
              return;
            }
            send_within(self, deadline, std::move(*pending), on_response);
          },
          [self, deadline, pending, on_response](caf::error&) {
            send_within(self, deadline, std::move(*pending), on_response);
          });
}

void fetch_token(self_ptr self, op_ptr op, const auth_challenge& challenge, token_fn done) {
  auto realm = parse_http_url(challenge.param("realm"));
  auto what = op->what + ": token request to " + (realm ? realm->authority() : std::string("the realm"));
  auto left = op->remaining();
  if (left.count() <= 0) return done(make_error(std::string(errc::timeout), what + ": the time budget ran out"));
  auto req = make_token_request(challenge, op->scope, op->auth, op->insecure, left);
  if (!req) return done(prefixed(req.error(), op->what));
  ++self->state.stats.token_requests;
  std::string url = req->url;
  http_send(self, *op, std::move(req).value(), [self, op, what, url, done](http::response& r) {
    if (!r.ok()) return done(error_from_failure(r, url, what));
    if (r.status == 401) {
      ++self->state.stats.unauthorized;
      return done(unauthorized_error(what, r.body, "the token server refused " + op->auth.describe()));
    }
    if (r.status < 200 || r.status >= 300) return done(error_from_status(r.status, r.body, what));
    auto tok = parse_token_response(r.body, what);
    if (!tok) return done(tok.error());
    self->state.tokens.put(op->token_key(), tok->token, tok->expires_in, clock::now());
    done(std::move(tok->token));
  });
}

// Sends req with the given Authorization; answers a 401 as auth_flow decides.
void send_with(self_ptr self, op_ptr op, http::request req, std::string authorization, attempt_history hist,
               exchange_fn done) {
  http::request attempt = req;
  if (!authorization.empty()) attempt.headers.emplace_back("Authorization", std::move(authorization));
  http_send(self, *op, std::move(attempt), [self, op, req, hist, done](http::response& resp) {
    if (!resp.ok() || resp.status != 401) return done(std::move(resp));
    auto& st = self->state;
    remember_challenge(st, op->origin, resp.headers);
    auto plan = plan_after_unauthorized(op->auth, resp.headers, hist);
    switch (plan.action) {
      case retry_plan::kind::basic: {
        auto h = hist;
        h.sent_basic = true;
        send_with(self, op, req, op->auth.basic_header(), h, done);
        return;
      }
      case retry_plan::kind::fetch_token: {
        st.tokens.evict(op->token_key());
        fetch_token(self, op, plan.challenge, [self, op, req, hist, done](result<std::string> tok) {
          if (!tok) return done(tok.error());
          auto h = hist;
          h.sent_fresh_token = true;
          send_with(self, op, req, "Bearer " + tok.value(), h, done);
        });
        return;
      }
      case retry_plan::kind::give_up: {
        ++st.stats.unauthorized;
        // A non-2xx answer's body comes back in memory even for a body_file request.
        done(unauthorized_error(op->what, resp.body, plan.reason));
        return;
      }
    }
  });
}

// Sends req with whatever authorization the host is known to want, handling the
// challenge and token flow; done gets the final answer (any status but a 401 that
// could be answered) or the error that ended the dance.
void exchange(self_ptr self, op_ptr op, http::request req, exchange_fn done) {
  auto& st = self->state;
  std::optional<auth_challenge> known;
  if (auto it = st.challenges.find(op->origin); it != st.challenges.end()) known = it->second;
  std::optional<std::string> cached;
  if (known && known->scheme == "bearer" && op->auth.type != registry_auth::kind::bearer) {
    cached = st.tokens.get(op->token_key(), clock::now());
    if (cached) ++st.stats.token_cache_hits;
  }
  auto plan = plan_first_request(op->auth, known, cached);
  if (plan.fetch_token_first) {
    fetch_token(self, op, *known, [self, op, req, done](result<std::string> tok) {
      if (!tok) return done(tok.error());
      attempt_history h;
      h.sent_fresh_token = true;
      send_with(self, op, req, "Bearer " + tok.value(), h, done);
    });
    return;
  }
  attempt_history hist;
  hist.sent_cached_token = plan.uses_cached_token;
  hist.sent_basic = str::starts_with(plan.authorization, "Basic ");
  send_with(self, op, std::move(req), std::move(plan.authorization), hist, std::move(done));
}

http::request get_request(std::string url, std::string accept, std::size_t max_body) {
  http::request req;
  req.method = "GET";
  req.url = std::move(url);
  req.max_body = max_body;
  if (!accept.empty()) req.headers.emplace_back("Accept", std::move(accept));
  return req;
}

// ---- ping --------------------------------------------------------------------------

void run_ping(self_ptr self, const ping_request& in, std::function<void(result<ping_result>)> done) {
  auto what = "registry " + in.repo.registry;
  if (in.opts.timeout.count() <= 0)
    return done(make_error(std::string(errc::timeout), what + ": no time budget left for the operation"));
  auto op = make_op(what, in.repo, in.auth, in.opts, "");
  auto url = ping_url(in.repo, in.opts.insecure);
  exchange(self, op, get_request(url, "application/json", 1u << 20), [self, op, url, done](result<http::response> rr) {
    if (!rr) return done(rr.error());
    auto& r = rr.value();
    if (!r.ok()) return done(error_from_failure(r, url, op->what));
    if (r.status < 200 || r.status >= 300) return done(status_error(*op, r.status, r.body, op->what));
    ping_result out;
    out.status = r.status;
    auto& st = self->state;
    if (auto it = st.challenges.find(op->origin); it != st.challenges.end()) out.auth_scheme = it->second.scheme;
    done(out);
  });
}

// ---- tags --------------------------------------------------------------------------

struct tags_job {
  op_ptr op;
  std::size_t max_pages = 0;
  tag_list acc;
  std::unordered_set<std::string> seen;
};

void next_page(self_ptr self, std::shared_ptr<tags_job> job, std::string url,
               std::function<void(result<tag_list>)> done) {
  const auto& what = job->op->what;
  if (!job->seen.insert(url).second)
    return done(make_error(std::string(errc::pagination_refused),
                           what + ": the next link leads back to a page already read"));
  exchange(self, job->op, get_request(url, "application/json", max_tags_page_bytes),
           [self, job, url, done](result<http::response> rr) {
             const auto& what = job->op->what;
             if (!rr) return done(rr.error());
             auto& r = rr.value();
             if (!r.ok()) return done(error_from_failure(r, url, what));
             if (r.status != 200) return done(status_error(*job->op, r.status, r.body, what));
             auto tags = parse_tag_list(r.body, what);
             if (!tags) return done(tags.error());
             auto& acc = job->acc;
             acc.tags.insert(acc.tags.end(), std::make_move_iterator(tags->begin()),
                             std::make_move_iterator(tags->end()));
             ++acc.pages;
             auto next = next_page_url(r.headers, url);
             if (!next) return done(prefixed(next.error(), what));
             if (!next.value()) return done(std::move(acc));
             if (acc.pages >= job->max_pages)
               return done(make_error(std::string(errc::pagination_refused),
                                      what + ": more than " + std::to_string(job->max_pages) + " pages"));
             next_page(self, job, *next.value(), done);
           });
}

void run_list_tags(self_ptr self, const list_tags_request& in, std::function<void(result<tag_list>)> done) {
  auto what = "tags of " + in.repo.name();
  if (auto bad = check_call(in.repo, in.opts, what)) return done(*bad);
  auto job = std::make_shared<tags_job>();
  job->op = make_op(what, in.repo, in.auth, in.opts, pull_scope(in.repo));
  job->max_pages = in.max_pages == 0 ? 1 : in.max_pages;
  next_page(self, job, tags_url(in.repo, in.opts.insecure, in.page_size), std::move(done));
}

// ---- manifests ---------------------------------------------------------------------

std::string manifest_what(const repository_ref& repo, std::string_view reference) {
  return "manifest " + repo.name() + (is_digest_reference(reference) ? "@" : ":") + std::string(reference);
}

std::optional<error_info> check_reference(std::string_view reference, std::string_view what) {
  if (is_digest_reference(reference)) {
    auto d = parse_digest(reference);
    if (!d) return prefixed(d.error(), what);
    return std::nullopt;
  }
  if (!is_valid_tag(reference))
    return make_error(std::string(errc::invalid_reference),
                      std::string(what) + ": \"" + printable(reference) + "\" is not a valid tag or digest");
  return std::nullopt;
}

void fetch_manifest(self_ptr self, op_ptr op, std::string reference, std::string accept, std::size_t max_bytes,
                    std::function<void(result<manifest_result>)> done) {
  auto url = manifest_url(op->repo, reference, op->insecure);
  exchange(self, op, get_request(url, accept.empty() ? media_type::accept_all() : accept, max_bytes),
           [op, url, reference, max_bytes, done](result<http::response> rr) {
             if (!rr) return done(rr.error());
             auto& r = rr.value();
             if (!r.ok()) {
               if (r.fail == http::failure::body_too_large)
                 return done(make_error(std::string(errc::manifest_invalid),
                                        op->what + ": larger than the limit of " + std::to_string(max_bytes) +
                                            " bytes"));
               return done(error_from_failure(r, url, op->what));
             }
             if (r.status != 200) return done(status_error(*op, r.status, r.body, op->what));
             done(check_manifest(reference, r, op->what));
           });
}

void run_get_manifest(self_ptr self, const manifest_request& in, std::function<void(result<manifest_result>)> done) {
  auto what = manifest_what(in.repo, in.reference);
  if (auto bad = check_call(in.repo, in.opts, what)) return done(*bad);
  if (auto bad = check_reference(in.reference, what)) return done(*bad);
  auto op = make_op(what, in.repo, in.auth, in.opts, pull_scope(in.repo));
  auto want = in.platform;
  auto accept = in.accept;
  auto max_bytes = in.max_bytes;
  fetch_manifest(self, op, in.reference, accept, max_bytes,
                 [self, op, want, accept, max_bytes, done](result<manifest_result> r) {
                   if (!r || !want || !is_index(r->manifest)) return done(std::move(r));
                   auto chosen = select_platform(std::get<image_index>(r->manifest), *want, op->what);
                   if (!chosen) return done(chosen.error());
                   auto index_digest = r->digest;
                   auto index_type = r->media_type;
                   auto child = with_what(op, manifest_what(op->repo, chosen->digest) + " (" + want->str() +
                                                  " in " + op->what + ")");
                   fetch_manifest(self, child, chosen->digest, accept, max_bytes,
                                  [child, index_digest, index_type, done](result<manifest_result> m) {
                                    if (!m) return done(std::move(m));
                                    if (is_index(m->manifest))
                                      return done(make_error(std::string(errc::manifest_invalid),
                                                             child->what + ": the platform entry is another index"));
                                    m->index_digest = index_digest;
                                    m->index_media_type = index_type;
                                    done(std::move(m));
                                  });
                 });
}

void run_head_manifest(self_ptr self, const head_request& in, std::function<void(result<manifest_head>)> done) {
  auto what = manifest_what(in.repo, in.reference);
  if (auto bad = check_call(in.repo, in.opts, what)) return done(*bad);
  if (auto bad = check_reference(in.reference, what)) return done(*bad);
  auto op = make_op(what, in.repo, in.auth, in.opts, pull_scope(in.repo));
  auto url = manifest_url(in.repo, in.reference, in.opts.insecure);
  auto accept = in.accept.empty() ? media_type::accept_all() : in.accept;
  auto req = get_request(url, accept, default_max_manifest_bytes);
  req.method = "HEAD";
  auto reference = in.reference;
  exchange(self, op, std::move(req), [self, op, url, reference, accept, done](result<http::response> rr) {
    if (!rr) return done(rr.error());
    auto& r = rr.value();
    if (!r.ok()) return done(error_from_failure(r, url, op->what));
    if (r.status != 200) return done(status_error(*op, r.status, r.body, op->what));
    auto head = check_head(reference, r, op->what);
    if (!head) return done(head.error());
    if (head.value()) return done(std::move(*head.value()));
    // No Docker-Content-Digest: the digest of the body is the answer.
    fetch_manifest(self, op, reference, accept, default_max_manifest_bytes, [done](result<manifest_result> m) {
      if (!m) return done(m.error());
      manifest_head out;
      out.digest = m->digest;
      out.media_type = m->media_type;
      out.size = m->body.size();
      done(std::move(out));
    });
  });
}

// ---- blobs -------------------------------------------------------------------------

void run_fetch_blob(self_ptr self, const blob_request& in, std::function<void(result<blob_result>)> done) {
  auto what = "blob " + in.repo.name() + "@" + in.digest;
  if (auto bad = check_call(in.repo, in.opts, what)) return done(*bad);
  auto d = parse_digest(in.digest);
  if (!d) return done(prefixed(d.error(), what));
  if (d->algorithm != "sha256")
    return done(make_error(std::string(errc::unsupported),
                           what + ": only sha256 blobs can be verified while they stream to disk"));
  if (in.dest.empty())
    return done(make_error(std::string(errc::io_error), what + ": no destination file given"));
  if (in.max_bytes == 0) return done(make_error(std::string(errc::blob_too_large), what + ": no size limit given"));
  if (in.expected_size && *in.expected_size > in.max_bytes)
    return done(make_error(std::string(errc::blob_too_large),
                           what + ": " + std::to_string(*in.expected_size) + " bytes exceed the limit of " +
                               std::to_string(in.max_bytes) + " bytes"));
  auto op = make_op(what, in.repo, in.auth, in.opts, pull_scope(in.repo));
  auto url = blob_url(in.repo, in.digest, in.opts.insecure);
  http::request req;
  req.method = "GET";
  req.url = url;
  req.body_file = in.dest;
  req.max_body = in.max_bytes;
  req.follow_redirects = true;  // registries redirect blobs to storage; curl drops Authorization across hosts
  auto dest = in.dest;
  auto digest = in.digest;
  auto max_bytes = in.max_bytes;
  auto expected = in.expected_size;
  exchange(self, op, std::move(req), [op, url, dest, digest, max_bytes, expected, done](result<http::response> rr) {
    auto fail = [&](error_info e) {
      remove_file(dest);
      done(std::move(e));
    };
    if (!rr) return fail(rr.error());
    auto& r = rr.value();
    if (!r.ok()) {
      if (r.fail == http::failure::body_too_large)
        return fail(make_error(std::string(errc::blob_too_large),
                               op->what + ": larger than the limit of " + std::to_string(max_bytes) + " bytes"));
      if (r.fail == http::failure::io) {
        // The body sink names the file when the local write failed; otherwise the
        // connection broke before the announced end of the body.
        if (r.error.find(dest) != std::string::npos)
          return fail(make_error(std::string(errc::io_error), op->what + ": " + r.error));
        return fail(make_error(std::string(errc::truncated),
                               op->what + ": the download broke off before its end (" + r.describe_failure(url) + ")"));
      }
      return fail(error_from_failure(r, url, op->what));
    }
    if (r.status != 200) {
      // Only a 2xx answer lands in the file; any other's body is in r.body.
      bool in_file = r.status >= 200 && r.status < 300;
      return fail(status_error(*op, r.status, in_file ? read_error_body(dest) : r.body, op->what));
    }
    if (expected && r.body_size != *expected) {
      if (r.body_size < *expected)
        return fail(make_error(std::string(errc::truncated), op->what + ": received " + std::to_string(r.body_size) +
                                                                 " of " + std::to_string(*expected) + " bytes"));
      return fail(make_error(std::string(errc::digest_mismatch),
                             op->what + ": received " + std::to_string(r.body_size) + " bytes, the descriptor says " +
                                 std::to_string(*expected)));
    }
    auto st = verify_sha256_hex(r.body_sha256_hex, digest, op->what);
    if (!st.ok()) return fail(st.error());
    done(blob_result{dest, r.body_size, digest});
  });
}

// ---- the actor ---------------------------------------------------------------------

template <class T, class Run, class Request>
caf::result<outcome<T>> start(self_ptr self, Run run, const Request& req) {
  auto rp = self->template make_response_promise<outcome<T>>();
  ++self->state.stats.operations;
  try {
    run(self, req, [rp](result<T> r) mutable { rp.deliver(outcome<T>::from(std::move(r))); });
  } catch (const std::exception& e) {
    outcome<T> failed;
    failed.error = make_error("InternalError", e.what());
    rp.deliver(std::move(failed));
  }
  return rp;
}

registry_actor::behavior_type registry_behavior(self_ptr self, http::client_actor http, registry_options opts) {
  self->state.http = std::move(http);
  self->state.opts = opts;
  self->state.tokens = bearer_token_cache(opts.max_cached_tokens);
  return {
      [=](ping_atom, const ping_request& req) { return start<ping_result>(self, run_ping, req); },
      [=](list_tags_atom, const list_tags_request& req) { return start<tag_list>(self, run_list_tags, req); },
      [=](get_manifest_atom, const manifest_request& req) {
        return start<manifest_result>(self, run_get_manifest, req);
      },
      [=](head_manifest_atom, const head_request& req) { return start<manifest_head>(self, run_head_manifest, req); },
      [=](fetch_blob_atom, const blob_request& req) { return start<blob_result>(self, run_fetch_blob, req); },
      [=](registry_stats_atom) {
        auto s = self->state.stats;
        s.tokens_cached = self->state.tokens.size();
        return s;
      },
  };
}

}  // namespace

registry_actor spawn_registry(caf::actor_system& sys, http::client_actor http, registry_options opts) {
  return sys.spawn(registry_behavior, std::move(http), opts);
}

}  // namespace fluxaws::oci
