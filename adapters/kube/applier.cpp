#include "adapters/kube/applier.hpp"

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>

#include "adapters/kube/api_resource.hpp"
#include "adapters/kube/inventory.hpp"
#include "adapters/kube/server_side_apply.hpp"

namespace fluxaws::kube {

namespace {

constexpr auto request_timeout = std::chrono::seconds(30);
constexpr auto caf_timeout = std::chrono::seconds(120);
constexpr int discovery_attempts = 10;  // a fresh CRD takes a moment to be served

struct apply_job {
  apply_request req;
  caf::typed_response_promise<apply_result> rp;
  std::vector<json::value> ordered;
  std::size_t next = 0;
  std::vector<inventory_entry> new_entries;
  std::vector<inventory_entry> to_prune;
  std::size_t next_prune = 0;
  apply_result out;
  int discovery_tries = 0;
};
using job_ptr = std::shared_ptr<apply_job>;

using retry_atom = caf::atom_constant<caf::atom("karetry")>;
using applier_impl = applier_actor::extend<caf::reacts_to<retry_atom, uint64_t>>;

struct applier_state {
  static inline const char* name = "fluxaws.applier";
  applier_state() = default;  // not an aggregate: CAF must not build it from the self pointer
  client_actor kube;
  uint64_t next_id = 0;
  std::map<uint64_t, std::function<void()>> waiting;
  std::map<std::string, std::map<std::string, api_resource>> discovered;  // apiVersion -> kind -> resource
};

using self_ptr = applier_impl::stateful_pointer<applier_state>;

std::string describe(std::string_view kind, std::string_view ns, std::string_view name) {
  return std::string(kind) + "/" + (ns.empty() ? "" : std::string(ns) + "/") + std::string(name);
}

void fail(job_ptr job, error_info err) {
  job->out.ok = false;
  job->out.error = std::move(err);
  job->out.inventory = job->req.previous_inventory.is_null() ? inventory_json({}) : job->req.previous_inventory;
  job->rp.deliver(std::move(job->out));
}

const api_resource* lookup(self_ptr self, const std::string& api_version, const std::string& kind) {
  auto gv = self->state.discovered.find(api_version);
  if (gv == self->state.discovered.end()) return nullptr;
  auto k = gv->second.find(kind);
  return k == gv->second.end() ? nullptr : &k->second;
}

// Fetches discovery for api_version, then calls next (found or not).
void discover(self_ptr self, job_ptr job, std::string api_version, std::function<void()> next) {
  api_request req;
  req.path = discovery_path(api_version);
  req.timeout = request_timeout;
  req.impersonate_user = job->req.impersonate;
  self->request(self->state.kube, caf_timeout, api_atom::value, std::move(req))
      .then(
          [self, job, api_version, next](api_response& r) {
            if (r.ok())
              if (auto doc = r.json())
                if (auto parsed = parse_resource_list(api_version, *doc)) self->state.discovered[api_version] = *parsed;
            next();
          },
          [next](caf::error&) { next(); });
}

void apply_next(self_ptr self, job_ptr job);
void prune_next(self_ptr self, job_ptr job);

void finish_apply(self_ptr self, job_ptr job) {
  job->out.inventory = inventory_json(job->new_entries);
  if (job->req.prune) {
    job->to_prune = prune_set(parse_inventory(job->req.previous_inventory), normalize(job->new_entries));
    prune_next(self, job);
    return;
  }
  job->out.ok = true;
  job->rp.deliver(std::move(job->out));
}

void apply_next(self_ptr self, job_ptr job) {
  if (job->next >= job->ordered.size()) {
    finish_apply(self, job);
    return;
  }
  json::value& m = job->ordered[job->next];
  std::string api(api_version_of(m));
  std::string kind(kind_of(m));
  const api_resource* res = lookup(self, api, kind);
  if (!res) {
    if (job->discovery_tries >= discovery_attempts) {
      fail(job, make_error("NoMatchForKind", describe(kind, namespace_of(m), name_of(m)) + ": no resource of kind " +
                                                 kind + " is served for " + api));
      return;
    }
    bool first = job->discovery_tries++ == 0;
    if (first) {
      discover(self, job, api, [self, job] { apply_next(self, job); });
    } else {
      // Wait a second before asking again: the API server is still setting the CRD up.
      auto id = ++self->state.next_id;
      self->state.waiting.emplace(id, [self, job, api] { discover(self, job, api, [self, job] { apply_next(self, job); }); });
      self->delayed_send(self, std::chrono::seconds(1), retry_atom::value, id);
    }
    return;
  }
  job->discovery_tries = 0;
  if (res->namespaced) {
    if (namespace_of(m).empty()) {
      if (job->req.default_namespace.empty()) {
        // kustomize-controller's words (fluxcd/pkg ssa): the dry-run finds no such object.
        fail(job, make_error("NamespaceNotSpecified", kind + "/" + std::string(name_of(m)) +
                                                          " namespace not specified"));
        return;
      }
      m["metadata"]["namespace"] = job->req.default_namespace;
    }
  } else if (m.at({"metadata", "namespace"})) {
    m["metadata"].erase("namespace");
  }
  if (job->req.owner_labels) add_owner_labels(m, job->req.owner.name, job->req.owner.ns);
  std::string ns(namespace_of(m));
  std::string name(name_of(m));
  api_request req;
  req.method = "PATCH";
  req.path = apply_path(*res, ns, name, job->req.field_manager, job->req.force);
  req.body = json::dump(m);
  req.content_type = "application/apply-patch+yaml";
  req.timeout = request_timeout;
  req.impersonate_user = job->req.impersonate;
  auto what = describe(kind, ns, name);
  job->new_entries.push_back(entry_for(m));
  self->request(self->state.kube, caf_timeout, api_atom::value, std::move(req))
      .then(
          [self, job, what](api_response& r) {
            if (!r.ok()) {
              job->new_entries.pop_back();
              fail(job, r.to_error(what));
              return;
            }
            job->out.applied.push_back(what);
            ++job->next;
            apply_next(self, job);
          },
          [job, what](caf::error&) { fail(job, make_error("timeout", what + ": the apply did not finish in time")); });
}

void prune_next(self_ptr self, job_ptr job) {
  if (job->next_prune >= job->to_prune.size()) {
    job->out.ok = true;
    job->rp.deliver(std::move(job->out));
    return;
  }
  const auto& entry = job->to_prune[job->next_prune];
  auto ref = parse_object_id(entry.id);
  std::string api = entry_api_version(entry);
  const api_resource* res = ref ? lookup(self, api, ref->kind) : nullptr;
  if (ref && !res && job->discovery_tries == 0) {
    job->discovery_tries = 1;
    discover(self, job, api, [self, job] { prune_next(self, job); });
    return;
  }
  job->discovery_tries = 0;
  if (!ref || !res) {
    // The kind is no longer served (its CRD is gone): nothing left to delete.
    job->out.skipped.push_back(entry.id);
    ++job->next_prune;
    prune_next(self, job);
    return;
  }
  auto what = describe(ref->kind, ref->ns, ref->name);
  auto path = object_path(*res, ref->ns, ref->name);
  api_request get;
  get.path = path;
  get.timeout = request_timeout;
  get.impersonate_user = job->req.impersonate;
  self->request(self->state.kube, caf_timeout, api_atom::value, std::move(get))
      .then(
          [self, job, what, path](api_response& r) {
            if (r.status == 404) {
              job->out.skipped.push_back(what);
              ++job->next_prune;
              prune_next(self, job);
              return;
            }
            if (!r.ok()) {
              fail(job, r.to_error("prune " + what));
              return;
            }
            auto live = r.json();
            if (live && prune_disabled(*live)) {
              job->out.skipped.push_back(what);
              ++job->next_prune;
              prune_next(self, job);
              return;
            }
            api_request del;
            del.method = "DELETE";
            del.path = path;
            del.body = delete_body();
            del.content_type = "application/json";
            del.timeout = request_timeout;
            del.impersonate_user = job->req.impersonate;
            self->request(self->state.kube, caf_timeout, api_atom::value, std::move(del))
                .then(
                    [self, job, what](api_response& d) {
                      if (!d.ok() && d.status != 404) {
                        fail(job, d.to_error("prune " + what));
                        return;
                      }
                      job->out.pruned.push_back(what);
                      ++job->next_prune;
                      prune_next(self, job);
                    },
                    [job, what](caf::error&) { fail(job, make_error("timeout", "prune " + what + ": no answer in time")); });
          },
          [job, what](caf::error&) { fail(job, make_error("timeout", "prune " + what + ": no answer in time")); });
}

applier_impl::behavior_type applier_behavior(self_ptr self, client_actor kube) {
  self->state.kube = std::move(kube);
  return {
      [self](apply_atom, apply_request& req) -> caf::result<apply_result> {
        auto rp = self->make_response_promise<apply_result>();
        auto job = std::make_shared<apply_job>();
        job->rp = rp;
        for (const auto& m : req.manifests) {
          if (api_version_of(m).empty() || kind_of(m).empty() || name_of(m).empty()) {
            job->req = std::move(req);
            fail(job, make_error("InvalidManifest", "a manifest of " + job->req.owner.to_string() +
                                                        " lacks apiVersion, kind or metadata.name"));
            return rp;
          }
        }
        job->ordered = req.manifests;
        std::stable_sort(job->ordered.begin(), job->ordered.end(),
                         [](const json::value& a, const json::value& b) { return apply_stage(a) < apply_stage(b); });
        job->req = std::move(req);
        apply_next(self, job);
        return rp;
      },
      [self](retry_atom, uint64_t id) {
        auto it = self->state.waiting.find(id);
        if (it == self->state.waiting.end()) return;
        auto fn = std::move(it->second);
        self->state.waiting.erase(it);
        fn();
      },
  };
}

}  // namespace

applier_actor spawn_applier(caf::actor_system& sys, client_actor kube) {
  return caf::actor_cast<applier_actor>(sys.spawn(applier_behavior, std::move(kube)));
}

}  // namespace fluxaws::kube
