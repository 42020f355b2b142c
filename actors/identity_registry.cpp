#include "actors/identity_registry.hpp"

#include <caf/actor_cast.hpp>
#include <caf/system_messages.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <deque>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <unordered_map>

#include "actors/identity_resolution.hpp"
#include "actors/token_cache.hpp"
#include "adapters/common/digest.hpp"

namespace fluxaws::actors {

namespace {

struct cache_slot {
  token_cache_actor actor;
  std::list<std::string>::iterator lru;
};

struct registry_state {
  std::shared_ptr<const identity_options> opts;
  status config;
  std::shared_ptr<resource_index> index;
  http::client_actor http;
  kube::sa_token_actor sa_tokens;
  std::string salt;
  std::unordered_map<std::string, cache_slot> caches;
  std::list<std::string> lru;  // most recently used first
  std::map<caf::actor_addr, std::string> keys;  // cache actor -> its key
  // serialize_misses: requests waiting for "the lock", and whether it is held.
  std::deque<std::function<void()>> queue;
  bool locked = false;
  static inline const char* name = "fluxaws.identity_registry";
};

using self_ptr = registry_internal_actor::stateful_pointer<registry_state>;

std::string object_name(const credential_request& req) {
  return req.object.kind + " " + req.object.ns + "/" + req.object.name;
}

cache_lookup lookup_for(const credential_request& req) {
  cache_lookup lk;
  lk.object.kind = req.object.kind;
  lk.object.name = req.object.name;
  lk.object.ns = req.object.ns;
  lk.object.operation =
      !req.operation.empty() ? req.operation : req.object.kind == "Kustomization" ? "decrypt_with_aws" : "reconcile";
  lk.object_name = object_name(req);
  return lk;
}

resolution resolve(self_ptr self, const credential_request& req, const aws::ecr_registry* ecr) {
  auto& st = self->state;
  if (!st.config.ok()) {
    resolution r;
    r.error = st.config.error();
    r.stalling = true;
    return r;
  }
  resolve_inputs in;
  in.index = st.index.get();
  in.options = st.opts.get();
  in.salt = st.salt;
  in.ecr = ecr;
  return resolve_identity(req, in);
}

void forget(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto it = st.caches.find(key);
  if (it == st.caches.end()) return;
  st.lru.erase(it->second.lru);
  st.keys.erase(it->second.actor.address());
  st.caches.erase(it);
}

token_cache_actor cache_for(self_ptr self, resolved_identity id) {
  auto& st = self->state;
  if (auto it = st.caches.find(id.key_string); it != st.caches.end()) {
    st.lru.splice(st.lru.begin(), st.lru, it->second.lru);
    return it->second.actor;
  }
  std::string key = id.key_string;
  token_cache_config cfg;
  cfg.identity = std::move(id);
  cfg.options = st.opts;
  cfg.http = st.http;
  cfg.sa_tokens = st.sa_tokens;
  cfg.registry = self->address();
  cfg.keep_values = st.opts->token_cache_max_size > 0;
  auto actor = spawn_token_cache(self->system(), std::move(cfg));
  self->monitor(actor);
  st.lru.push_front(key);
  st.caches.emplace(key, cache_slot{actor, st.lru.begin()});
  st.keys.emplace(actor.address(), key);
  // Over capacity: the least recently used identity goes (never the one just added).
  auto max = st.opts->token_cache_max_size;
  while (max > 0 && st.caches.size() > max) {
    auto victim = st.lru.back();
    auto vit = st.caches.find(victim);
    if (vit != st.caches.end()) self->send(vit->second.actor, evict_atom::value);
    forget(self, victim);
  }
  return actor;
}

// serialize_misses: run the next queued request when the lock is free.
void pump(self_ptr self) {
  auto& st = self->state;
  if (st.locked || st.queue.empty()) return;
  st.locked = true;
  auto job = std::move(st.queue.front());
  st.queue.pop_front();
  job();
}

void unlock(self_ptr self) {
  self->state.locked = false;
  pump(self);
}

template <class Reply>
Reply failure_reply(const resolution& r) {
  Reply out;
  out.error = r.error;
  out.stalling = r.stalling;
  return out;
}

// serialize_misses: the whole lookup — resolution, finding the cache, its answer —
// runs under the lock, as Flux's GetOrSet does; the cache is found when the job runs, so
// a queued job never holds a cache that LRU eviction has stopped meanwhile.
template <class Reply, class Atom, class... Extra>
void serialized(self_ptr self, caf::typed_response_promise<Reply> rp, credential_request req, Atom,
                Extra... extra);

caf::result<credential_reply> credentials(self_ptr self, const credential_request& req, bool may_serialize) {
  if (may_serialize && self->state.opts->serialize_misses) {
    auto rp = self->make_response_promise<credential_reply>();
    serialized(self, rp, req, credentials_atom::value);
    return rp;
  }
  auto res = resolve(self, req, nullptr);
  if (!res.ok()) return failure_reply<credential_reply>(res);
  auto cache = cache_for(self, std::move(*res.identity));
  return self->delegate(cache, credentials_atom::value, lookup_for(req));
}

template <class Reply, class Atom, class... Extra>
void serialized(self_ptr self, caf::typed_response_promise<Reply> rp, credential_request req, Atom,
                Extra... extra) {
  self->state.queue.push_back([self, rp, req, extra...]() mutable {
    std::optional<aws::ecr_registry> ecr;
    cache_lookup lk = lookup_for(req);
    if constexpr (sizeof...(Extra) > 0) {
      auto reg = parse_registry(extra...);
      if (!reg.ok()) {
        Reply out;
        out.error = make_error(reason::authentication_failed,
                               "cannot authenticate " + object_name(req) + " to ECR: " + reg.error().message);
        rp.deliver(std::move(out));
        unlock(self);
        return;
      }
      ecr = reg.value();
      lk.registry = reg.value();
    }
    auto res = resolve(self, req, ecr ? &*ecr : nullptr);
    if (!res.ok()) {
      rp.deliver(failure_reply<Reply>(res));
      unlock(self);
      return;
    }
    auto cache = cache_for(self, std::move(*res.identity));
    self->request(cache, reply_deadline(*self->state.opts), Atom::value, lk)
        .then(
            [self, rp](Reply& r) mutable {
              rp.deliver(std::move(r));
              unlock(self);
            },
            [self, rp, name = lk.object_name](caf::error& err) mutable {
              Reply r;
              r.error = make_error("timeout", "no answer for " + name + ": " + self->system().render(err));
              rp.deliver(std::move(r));
              unlock(self);
            });
  });
  pump(self);
}

registry_internal_actor::behavior_type registry(self_ptr self, std::shared_ptr<const identity_options> opts,
                                                std::shared_ptr<resource_index> index, http::client_actor http,
                                                kube::sa_token_actor sa_tokens) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.config = check_identity_options(*st.opts);
  st.index = index ? std::move(index) : std::make_shared<resource_index>();
  st.http = std::move(http);
  st.sa_tokens = std::move(sa_tokens);
  st.salt = digest::random_bytes(32);
  token_metrics::describe();
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& st = self->state;
    auto it = st.keys.find(dm.source);
    if (it == st.keys.end()) return;
    auto key = it->second;
    auto cit = st.caches.find(key);
    if (cit != st.caches.end() && cit->second.actor.address() == dm.source) forget(self, key);
    else st.keys.erase(it);
  });

  return {
      [self](credentials_atom, const credential_request& req) -> caf::result<credential_reply> {
        return credentials(self, req, true);
      },
      [self](ecr_token_atom, const credential_request& req, const std::string& host) -> caf::result<ecr_token_reply> {
        if (self->state.opts->serialize_misses) {
          auto rp = self->make_response_promise<ecr_token_reply>();
          serialized(self, rp, req, ecr_token_atom::value, host);
          return rp;
        }
        auto reg = parse_registry(host);
        if (!reg.ok()) {
          ecr_token_reply out;
          out.error = make_error(reason::authentication_failed,
                                 "cannot authenticate " + object_name(req) + " to ECR: " + reg.error().message);
          return out;
        }
        auto res = resolve(self, req, &reg.value());
        if (!res.ok()) return failure_reply<ecr_token_reply>(res);
        auto cache = cache_for(self, std::move(*res.identity));
        auto lk = lookup_for(req);
        lk.registry = reg.value();
        return self->delegate(cache, ecr_token_atom::value, std::move(lk));
      },
      [self](invalidate_atom, const credential_request& req, const std::string& what) {
        std::optional<aws::ecr_registry> ecr;
        if (what == "ecr-public") {
          ecr.emplace();
          ecr->host = "public.ecr.aws";
          ecr->region = "us-east-1";
          ecr->is_public = true;
        } else if (what.rfind("ecr:", 0) == 0) {
          ecr.emplace();
          ecr->region = what.substr(4);
        } else if (what != "credentials" && what.rfind("credentials@", 0) != 0) {
          return;  // unknown item: nothing to evict
        }
        auto res = resolve(self, req, ecr ? &*ecr : nullptr);
        if (!res.ok()) return;
        auto it = self->state.caches.find(res.identity->key_string);
        if (it != self->state.caches.end()) self->send(it->second.actor, invalidate_atom::value, what);
      },
      [self](idle_atom, const std::string& key) {
        auto& st = self->state;
        auto sender = self->current_sender();
        auto it = st.caches.find(key);
        if (it != st.caches.end() && it->second.actor.address() == sender) forget(self, key);
        // Told to stop even when already forgotten (evicted meanwhile): it drains and quits.
        if (auto cache = caf::actor_cast<token_cache_actor>(sender)) self->send(cache, evict_atom::value);
      },
      [self](base_credentials_atom, const credential_request& req) -> caf::result<credential_reply> {
        // A chained role's base identity: never queued behind the lock its asker holds.
        return credentials(self, req, false);
      },
  };
}

}  // namespace

identity_registry_actor spawn_identity_registry(caf::actor_system& sys, identity_options options,
                                                std::shared_ptr<resource_index> resources, http::client_actor http,
                                                kube::sa_token_actor sa_tokens) {
  auto opts = std::make_shared<const identity_options>(std::move(options));
  registry_internal_actor full = sys.spawn(registry, std::move(opts), std::move(resources), std::move(http),
                                           std::move(sa_tokens));
  return full;
}

}  // namespace fluxaws::actors
