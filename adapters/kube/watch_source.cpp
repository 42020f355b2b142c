#include "adapters/kube/watch_source.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "adapters/common/log.hpp"
#include "adapters/kube/finalizers.hpp"
#include "adapters/kube/object_references.hpp"
#include "adapters/kube/watch_cache.hpp"
#include "adapters/kube/watch_event.hpp"

namespace fluxaws::kube {

namespace {

using relist_atom = caf::atom_constant<caf::atom("wrelist")>;
using rewatch_atom = caf::atom_constant<caf::atom("wrewatch")>;
using data_atom = caf::atom_constant<caf::atom("wdata")>;
using end_atom = caf::atom_constant<caf::atom("wend")>;
using refetch_atom = caf::atom_constant<caf::atom("wrefetch")>;

struct slot {
  std::unique_ptr<watch_cache> cache;
  bool flux = true;            // a Flux kind (label selector applies, references computed)
  uint64_t gen = 0;            // bumps whenever a stream opens or is dropped
  std::unique_ptr<stream_handle> stream;
  line_splitter splitter;
  std::vector<json::value> page_items;
  std::chrono::milliseconds backoff{0};
  bool first_list_done = false;
  bool got_data = false;       // the current stream delivered something
};

struct source_state {
  static inline const char* name = "fluxaws.watch_source";
  source_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  client_actor kube;
  change_sink_actor sink;
  watch_source_options opts;
  std::vector<slot> slots;
  int sa_slot = -1, secret_slot = -1;
  // References: who references what, and how often each thing is referenced.
  std::map<object_key, std::vector<object_key>> refs_by_object;
  std::map<object_key, int> ref_count;
  std::set<object_key> fetching;  // GETs in flight
  std::map<object_key, object_change> parked;  // changes waiting for their references
  bool synced = false;
  std::mt19937_64 rng{std::random_device{}()};

  ~source_state() {
    for (auto& s : slots)
      if (s.stream) s.stream->request_stop();
    for (auto& s : slots) s.stream.reset();
  }
};

using self_ptr = caf::stateful_actor<source_state>*;

void start_list(self_ptr self, int i, std::string continue_token = {});
void start_watch(self_ptr self, int i);
void deliver(self_ptr self, object_change ch);

std::string what(const slot& s) { return s.cache->resource().kind; }

std::chrono::milliseconds next_backoff(self_ptr self, slot& s) {
  auto& o = self->state.opts;
  s.backoff = s.backoff.count() == 0 ? o.min_backoff : std::min(o.max_backoff, s.backoff * 2);
  // +-20% jitter so many replicas do not reconnect in step.
  std::uniform_real_distribution<double> d(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<int64_t>(static_cast<double>(s.backoff.count()) * d(self->state.rng)));
}

slot* slot_for_kind(self_ptr self, std::string_view kind) {
  auto& st = self->state;
  if (kind == "Secret" && st.secret_slot >= 0) return &st.slots[st.secret_slot];
  if (kind == "ServiceAccount" && st.sa_slot >= 0) return &st.slots[st.sa_slot];
  return nullptr;
}

bool unresolved(self_ptr self, const object_key& key) {
  auto it = self->state.refs_by_object.find(key);
  if (it == self->state.refs_by_object.end()) return false;
  for (const auto& r : it->second)
    if (self->state.fetching.count(r)) return true;
  return false;
}

void maybe_sync(self_ptr self) {
  auto& st = self->state;
  if (st.synced) return;
  for (const auto& s : st.slots)
    if (!s.first_list_done) return;
  if (!st.fetching.empty() || !st.parked.empty()) return;
  st.synced = true;
  self->send(st.sink, sync_atom::value);
}

void release_parked(self_ptr self) {
  auto& st = self->state;
  for (auto it = st.parked.begin(); it != st.parked.end();) {
    if (unresolved(self, it->first)) {
      ++it;
      continue;
    }
    self->send(st.sink, change_atom::value, std::move(it->second));
    it = st.parked.erase(it);
  }
  maybe_sync(self);
}

void fetch_reference(self_ptr self, const object_key& ref) {
  auto& st = self->state;
  slot* s = slot_for_kind(self, ref.kind);
  if (!s || st.fetching.count(ref)) return;
  st.fetching.insert(ref);
  api_request req;
  req.path = object_path(s->cache->resource(), ref.ns, ref.name);
  req.timeout = st.opts.request_timeout;
  self->request(st.kube, st.opts.request_timeout * 2, api_atom::value, std::move(req))
      .then(
          [self, ref](api_response& r) {
            auto& st = self->state;
            st.fetching.erase(ref);
            slot* s = slot_for_kind(self, ref.kind);
            bool still_wanted = st.ref_count.count(ref) && s;
            if (r.ok() && still_wanted) {
              if (auto obj = r.json(); obj && obj->is_object()) {
                if (auto ch = s->cache->put(std::move(*obj))) deliver(self, std::move(*ch));
              }
            } else if (!r.ok() && r.status != 404 && still_wanted) {
              log::error("cannot fetch a referenced object; retrying",
                         {{"object", ref.to_string()}, {"error", r.to_error(ref.to_string()).message}});
              self->delayed_send(self, std::chrono::seconds(5), refetch_atom::value, ref.kind, ref.ns, ref.name);
            }
            release_parked(self);
          },
          [self, ref](caf::error&) {
            self->state.fetching.erase(ref);
            self->delayed_send(self, std::chrono::seconds(5), refetch_atom::value, ref.kind, ref.ns, ref.name);
            release_parked(self);
          });
}

// Updates the reference counts for `key` and fetches or forgets what changed.
void update_references(self_ptr self, const object_key& key, std::vector<object_key> now) {
  auto& st = self->state;
  std::vector<object_key> before;
  if (auto it = st.refs_by_object.find(key); it != st.refs_by_object.end()) before = std::move(it->second);
  if (now.empty()) st.refs_by_object.erase(key);
  else st.refs_by_object[key] = now;
  for (const auto& r : now) {
    if (++st.ref_count[r] == 1) {
      slot* s = slot_for_kind(self, r.kind);
      if (s && !s->cache->find(r)) fetch_reference(self, r);
    }
  }
  for (const auto& r : before) {
    auto it = st.ref_count.find(r);
    if (it == st.ref_count.end()) continue;
    if (--it->second > 0) continue;
    st.ref_count.erase(it);
    if (slot* s = slot_for_kind(self, r.kind))
      if (auto ch = s->cache->forget(r)) deliver(self, std::move(*ch));
  }
}

// Removes Flux's finalizer from an object being deleted (see finalizers.hpp).
void release_flux_finalizer(self_ptr self, const json::value& obj) {
  auto patch = finalizer_removal_patch(obj, flux_finalizer);
  auto res = known_resource(kind_of(obj));
  if (!patch || !res) return;
  auto what = key_of(obj).to_string();
  api_request req;
  req.method = "PATCH";
  req.path = object_path(*res, namespace_of(obj), name_of(obj));
  req.body = json::dump(*patch);
  req.content_type = "application/merge-patch+json";
  req.timeout = self->state.opts.request_timeout;
  self->request(self->state.kube, self->state.opts.request_timeout * 2, api_atom::value, std::move(req))
      .then(
          [what](api_response& r) {
            // 409: the object changed meanwhile; its next event retries. 404: already gone.
            if (!r.ok() && r.status != 409 && r.status != 404)
              log::error("cannot remove Flux's finalizer", {{"object", what}, {"error", r.to_error(what).message}});
          },
          [](caf::error&) {});
}

void deliver(self_ptr self, object_change ch) {
  auto& st = self->state;
  auto key = ch.key;
  bool flux_kind = key.kind != "Secret" && key.kind != "ServiceAccount" && key.kind != "Namespace";
  if (flux_kind && ch.kind != object_change::type::deleted && being_deleted(ch.object)) {
    // Terminating: gone for fluxaws (the actor stops and cleans up); let it go.
    release_flux_finalizer(self, ch.object);
    ch.kind = object_change::type::deleted;
  }
  bool has_refs = key.kind != "Secret" && key.kind != "Namespace";
  if (has_refs && st.opts.references) {
    std::vector<object_key> refs;
    if (ch.kind != object_change::type::deleted) refs = references_of(ch.object, st.opts.default_service_accounts);
    update_references(self, key, std::move(refs));
  }
  if (ch.kind != object_change::type::deleted && unresolved(self, key)) {
    st.parked.insert_or_assign(key, std::move(ch));
    return;
  }
  // A newer change overtakes a parked one of the same object.
  st.parked.erase(key);
  self->send(st.sink, change_atom::value, std::move(ch));
}

// Joining a stream's thread can take up to a second (libcurl checks the stop flag
// that often): never on a scheduler thread while running. A short-lived thread of its
// own joins it; at exit the state destructor joins the current ones directly.
void drop_stream(slot& s) {
  ++s.gen;
  if (s.stream) {
    s.stream->request_stop();
    std::thread([old = std::move(s.stream)]() mutable { old.reset(); }).detach();
  }
  s.splitter.reset();
}

void relist_later(self_ptr self, int i, std::chrono::milliseconds delay) {
  auto& s = self->state.slots[i];
  drop_stream(s);
  s.cache->mark_stale();
  self->delayed_send(self, delay, relist_atom::value, i, s.gen);
}

void rewatch_later(self_ptr self, int i, std::chrono::milliseconds delay) {
  auto& s = self->state.slots[i];
  drop_stream(s);
  self->delayed_send(self, delay, rewatch_atom::value, i, s.gen);
}

void start_list(self_ptr self, int i, std::string continue_token) {
  auto& st = self->state;
  auto& s = st.slots[i];
  if (continue_token.empty()) s.page_items.clear();
  list_options lo;
  lo.limit = st.opts.page_size;
  lo.continue_token = continue_token;
  if (s.flux) lo.label_selector = st.opts.label_selector;
  api_request req;
  req.path = collection_path(s.cache->resource(), st.opts.ns) + list_query(lo);
  req.timeout = st.opts.request_timeout;
  auto gen = s.gen;
  self->request(st.kube, st.opts.request_timeout * 2, api_atom::value, std::move(req))
      .then(
          [self, i, gen, had_continue = !continue_token.empty()](api_response& r) {
            auto& s = self->state.slots[i];
            if (gen != s.gen) return;
            if (r.status == 410 && had_continue) {  // the continue token expired: list from the start
              start_list(self, i);
              return;
            }
            std::optional<json::value> doc;
            if (r.ok()) doc = r.json();
            if (!r.ok() || !doc || !doc->is_object()) {
              auto err = r.ok() ? make_error("parse", what(s) + " list: the answer is not a JSON object")
                                : r.to_error(what(s) + " list");
              log::error("list failed; retrying", {{"resource", what(s)}, {"error", err.message}});
              relist_later(self, i, next_backoff(self, s));
              return;
            }
            if (json::value* items = doc->find("items"))
              for (auto& it : items->as_array()) s.page_items.push_back(std::move(it));
            const json::value* cont = doc->at({"metadata", "continue"});
            if (cont && cont->is_string() && !cont->as_string().empty()) {
              start_list(self, i, cont->as_string());
              return;
            }
            const json::value* rv = doc->at({"metadata", "resourceVersion"});
            auto changes = s.cache->replace(std::move(s.page_items), rv ? rv->as_string() : std::string());
            s.page_items.clear();
            // Flux objects first would leave their references unfetched a moment; the
            // parking in deliver() keeps the order right either way.
            for (auto& ch : changes) deliver(self, std::move(ch));
            s.first_list_done = true;
            maybe_sync(self);
            start_watch(self, i);
          },
          [self, i, gen](caf::error&) {
            auto& s = self->state.slots[i];
            if (gen != s.gen) return;
            log::error("list timed out; retrying", {{"resource", what(s)}});
            relist_later(self, i, next_backoff(self, s));
          });
}

void on_line(self_ptr self, int i, const std::string& line) {
  auto& s = self->state.slots[i];
  auto ev = parse_watch_event(line);
  if (!ev) {
    log::error("malformed watch event; relisting", {{"resource", what(s)}, {"error", ev.error().message}});
    relist_later(self, i, next_backoff(self, s));
    return;
  }
  bool gone = ev->gone();
  std::string msg = ev->kind == watch_event::type::error ? ev->status_message() : std::string();
  auto step = s.cache->apply(std::move(*ev));
  if (step.what == watch_cache::action::relist) {
    if (gone) {
      log::info("watch expired (410 Gone); relisting", {{"resource", what(s)}});
      relist_later(self, i, std::chrono::milliseconds(0));
    } else {
      log::error("watch error; relisting", {{"resource", what(s)}, {"error", msg}});
      relist_later(self, i, next_backoff(self, s));
    }
    return;
  }
  if (step.change) deliver(self, std::move(*step.change));
}

void start_watch(self_ptr self, int i) {
  auto& st = self->state;
  auto& s = st.slots[i];
  drop_stream(s);
  auto gen = s.gen;
  self->request(st.kube, std::chrono::seconds(120), stream_atom::value)
      .then(
          [self, i, gen](stream_grant& g) {
            auto& st = self->state;
            auto& s = st.slots[i];
            if (gen != s.gen) return;
            watch_options wo;
            wo.resource_version = s.cache->resource_version();
            if (s.flux) wo.label_selector = st.opts.label_selector;
            std::uniform_int_distribution<int> spread(0, std::max(0, st.opts.watch_timeout_seconds - 1));
            wo.timeout_seconds = st.opts.watch_timeout_seconds + spread(st.rng);
            stream_request sr;
            sr.url = g.server + collection_path(s.cache->resource(), st.opts.ns) + watch_query(wo);
            sr.headers = std::move(g.headers);
            sr.tls = std::move(g.tls);
            // The server sends bookmarks about once a minute and ends the watch at its
            // timeout; silence well beyond both means a dead connection.
            sr.idle_timeout = std::chrono::seconds(wo.timeout_seconds + 60);
            sr.max_duration = std::chrono::seconds(wo.timeout_seconds + 120);
            caf::actor_addr weak = self->address();
            stream_callbacks cb;
            cb.on_data = [weak, i, gen](std::string chunk) {
              if (auto h = caf::actor_cast<caf::actor>(weak)) caf::anon_send(h, data_atom::value, i, gen, std::move(chunk));
            };
            cb.on_end = [weak, i, gen](stream_end end) {
              if (auto h = caf::actor_cast<caf::actor>(weak))
                caf::anon_send(h, end_atom::value, i, gen, end.status, static_cast<int>(end.fail), std::move(end.error),
                               std::move(end.body));
            };
            s.got_data = false;
            auto opener = st.opts.opener ? st.opts.opener : curl_stream_opener();
            s.stream = opener(std::move(sr), std::move(cb));
          },
          [self, i, gen](caf::error&) {
            auto& s = self->state.slots[i];
            if (gen != s.gen) return;
            rewatch_later(self, i, next_backoff(self, s));
          });
}

caf::behavior source_behavior(self_ptr self, client_actor kube, change_sink_actor sink, watch_source_options opts) {
  auto& st = self->state;
  st.kube = std::move(kube);
  st.sink = std::move(sink);
  st.opts = std::move(opts);
  for (const auto& r : st.opts.kinds) {
    slot s;
    s.cache = std::make_unique<watch_cache>(r);
    st.slots.push_back(std::move(s));
  }
  if (st.opts.references) {
    auto retain = [self](const object_key& k) { return self->state.ref_count.count(k) > 0; };
    for (const api_resource* r : {&service_account_resource(), &secret_resource()}) {
      slot s;
      s.flux = false;
      s.cache = std::make_unique<watch_cache>(*r, retain);
      st.slots.push_back(std::move(s));
      (r->kind == "Secret" ? st.secret_slot : st.sa_slot) = static_cast<int>(st.slots.size()) - 1;
    }
  }
  if (st.opts.namespaces) {
    slot s;
    s.flux = false;
    s.cache = std::make_unique<watch_cache>(namespace_resource());
    st.slots.push_back(std::move(s));
  }
  for (int i = 0; i < static_cast<int>(st.slots.size()); ++i) start_list(self, i);
  return {
      [self](relist_atom, int i, uint64_t gen) {
        if (gen == self->state.slots[i].gen) start_list(self, i);
      },
      [self](rewatch_atom, int i, uint64_t gen) {
        if (gen == self->state.slots[i].gen) start_watch(self, i);
      },
      [self](data_atom, int i, uint64_t gen, std::string& chunk) {
        auto& s = self->state.slots[i];
        if (gen != s.gen) return;
        std::vector<std::string> lines;
        if (!s.splitter.feed(chunk, lines)) {
          log::error("watch event too large; relisting", {{"resource", what(s)}});
          relist_later(self, i, next_backoff(self, s));
          return;
        }
        if (!lines.empty()) {
          s.got_data = true;
          s.backoff = std::chrono::milliseconds(0);
        }
        for (const auto& line : lines) {
          on_line(self, i, line);
          if (gen != s.gen) return;  // the line dropped the stream
        }
      },
      [self](end_atom, int i, uint64_t gen, int status, int fail, std::string& error, std::string& body) {
        auto& s = self->state.slots[i];
        if (gen != s.gen) return;
        auto f = static_cast<http::failure>(fail);
        if (f == http::failure::none && status == 200) {
          // The server closed the watch (its timeout): resume at once from where we are.
          rewatch_later(self, i, std::chrono::milliseconds(0));
          return;
        }
        if (status == 410) {
          relist_later(self, i, std::chrono::milliseconds(0));
          return;
        }
        std::string reason = f != http::failure::none ? std::string(http::to_string(f)) + ": " + error
                                                      : api_response{status, body, {}}.to_error(what(s) + " watch").message;
        log::error("watch broke; reconnecting", {{"resource", what(s)}, {"error", reason}});
        if (status >= 400 && status != 429 && status < 500) relist_later(self, i, next_backoff(self, s));
        else rewatch_later(self, i, next_backoff(self, s));
      },
      [self](refetch_atom, std::string& kind, std::string& ns, std::string& name) {
        object_key ref{kind, ns, name};
        slot* s = slot_for_kind(self, kind);
        if (s && self->state.ref_count.count(ref) && !s->cache->find(ref)) fetch_reference(self, ref);
      },
  };
}

}  // namespace

caf::actor spawn_watch_source(caf::actor_system& sys, client_actor kube, change_sink_actor sink,
                              watch_source_options opts) {
  return sys.spawn(source_behavior, std::move(kube), std::move(sink), std::move(opts));
}

}  // namespace fluxaws::kube
