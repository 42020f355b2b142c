#include "image_fakes.hpp"

#include <boost/test/unit_test.hpp>

#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "actors/blocking_pool.hpp"
#include "actors/imagepolicy_reconciler.hpp"
#include "actors/imagerepository_reconciler.hpp"
#include "actors/supervisor.hpp"
#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "adapters/oci/error_codes.hpp"

namespace images_test {

using namespace fluxaws;
using namespace fluxaws::actors;

int fake_registry_state::count(const std::string& op, const std::string& target) {
  std::lock_guard<std::mutex> lock(mu);
  int n = 0;
  for (const auto& c : calls)
    if (c.op == op && c.target == target) ++n;
  return n;
}

std::vector<registry_call> fake_registry_state::snapshot() {
  std::lock_guard<std::mutex> lock(mu);
  return calls;
}

namespace {

registry_call record(fake_registry_state& st, const std::string& op, const std::string& target,
                     const oci::registry_auth& auth) {
  registry_call c{op, target, auth.username, auth.secret, auth.cached};
  st.calls.push_back(c);
  return c;
}

// An Unauthorized answer when asked for; a RegistryError for a failing repository.
std::optional<error_info> injected(fake_registry_state& st, const std::string& repo) {
  if (st.unauthorized_left > 0) {
    --st.unauthorized_left;
    return make_error(std::string(oci::errc::unauthorized), "GET https://" + repo + ": 401 Unauthorized", 401);
  }
  if (st.failing.count(repo))
    return make_error(std::string(oci::errc::registry_error), "GET https://" + repo + ": 503 Service Unavailable",
                      503);
  return std::nullopt;
}

oci::registry_actor::behavior_type fake_registry(oci::registry_actor::pointer, std::shared_ptr<fake_registry_state> st) {
  return {
      [](oci::ping_atom, const oci::ping_request&) { return oci::ping_outcome::from(oci::ping_result{200, ""}); },
      [st](oci::list_tags_atom, const oci::list_tags_request& req) {
        std::lock_guard<std::mutex> lock(st->mu);
        auto name = req.repo.name();
        record(*st, "list", name, req.auth);
        if (auto e = injected(*st, name)) return oci::tags_outcome::from(*e);
        auto it = st->tags.find(name);
        if (it == st->tags.end())
          return oci::tags_outcome::from(make_error(std::string(oci::errc::not_found), name + ": 404 Not Found", 404));
        return oci::tags_outcome::from(oci::tag_list{it->second, 2});
      },
      [](oci::get_manifest_atom, const oci::manifest_request&) {
        return oci::manifest_outcome::from(make_error(std::string(oci::errc::unsupported), "not in this fake"));
      },
      [st](oci::head_manifest_atom, const oci::head_request& req) {
        std::lock_guard<std::mutex> lock(st->mu);
        auto target = req.repo.name() + ":" + req.reference;
        record(*st, "head", target, req.auth);
        if (auto e = injected(*st, req.repo.name())) return oci::head_outcome::from(*e);
        auto it = st->digests.find(target);
        if (it == st->digests.end())
          return oci::head_outcome::from(
              make_error(std::string(oci::errc::not_found), target + ": 404 Not Found", 404));
        return oci::head_outcome::from(
            oci::manifest_head{it->second, "application/vnd.oci.image.manifest.v1+json", 100});
      },
      [](oci::fetch_blob_atom, const oci::blob_request&) {
        return oci::blob_outcome::from(make_error(std::string(oci::errc::unsupported), "not in this fake"));
      },
      [](oci::registry_stats_atom) { return oci::registry_stats{}; },
  };
}

identity_registry_actor::behavior_type fake_identities(identity_registry_actor::pointer,
                                                       std::shared_ptr<fake_identity_state> st) {
  return {
      [](credentials_atom, const credential_request&) {
        credential_reply r;
        r.error = make_error("AuthenticationFailed", "not in this fake");
        return r;
      },
      [st](ecr_token_atom, const credential_request& q, const std::string& host) {
        std::lock_guard<std::mutex> lock(st->mu);
        st->token_requests.push_back(q);
        st->token_hosts.push_back(host);
        ecr_token_reply r;
        r.ok = true;
        r.username = "AWS";
        r.password = "ecr-token-" + std::to_string(st->token_generation);
        r.region = st->answer_region.empty() ? q.region : st->answer_region;
        r.expires_at = std::chrono::system_clock::now() + std::chrono::hours(12);
        return r;
      },
      [st](invalidate_atom, const credential_request&, const std::string& what) {
        std::lock_guard<std::mutex> lock(st->mu);
        st->invalidations.push_back(what);
        ++st->token_generation;
      },
  };
}

struct sink_state {
  std::shared_ptr<observed> seen;
};

status_sink_actor::behavior_type collecting_sink(status_sink_actor::stateful_pointer<sink_state> self,
                                                 std::shared_ptr<observed> seen) {
  self->state.seen = std::move(seen);
  return {
      [self](status_atom, status_report& r) {
        auto& s = *self->state.seen;
        std::lock_guard<std::mutex> lock(s.mu);
        auto k = r.key.to_string();
        if (r.deleted) {
          s.deleted[k] = true;
          return;
        }
        s.latest[k] = r.object;
        s.settled[k] = r.settled;
        ++s.reports[k];
      },
      [](flush_atom) { return true; },
  };
}

}  // namespace

oci::registry_actor spawn_fake_registry(caf::actor_system& sys, std::shared_ptr<fake_registry_state> st) {
  return sys.spawn(fake_registry, std::move(st));
}

identity_registry_actor spawn_fake_identities(caf::actor_system& sys, std::shared_ptr<fake_identity_state> st) {
  return sys.spawn(fake_identities, std::move(st));
}

std::vector<std::string> conformance_tags() {
  std::vector<std::string> tags = {"1.0.0", "1.2.3", "2.0.0-rc.1", "latest"};
  char buf[32];
  for (int i = 1; i <= 1500; ++i) {
    std::snprintf(buf, sizeof buf, "build-%04d", i);
    tags.emplace_back(buf);
  }
  return tags;
}

image_fixture::image_fixture() : image_fixture(options{}) {}

image_fixture::image_fixture(options o) {
  cfg.set("scheduler.max-threads", 2);
  sys = std::make_unique<caf::actor_system>(cfg);
  std::string tmpl = (std::filesystem::temp_directory_path() / "fluxaws-images-XXXXXX").string();
  BOOST_REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
  state_dir = tmpl;
  eng->opts.state_dir = state_dir.string();
  eng->opts.min_retry = 20ms;
  eng->opts.max_retry = 200ms;
  eng->opts.requeue_dependency = o.requeue_dependency;
  eng->opts.no_cross_namespace_refs = o.no_cross_namespace_refs;
  eng->opts.object_level_identity = o.object_level_identity;
  eng->opts.aws_region = "us-east-1";
  eng->pool = spawn_blocking_pool(*sys, 2);
  if (o.identities) eng->identities = spawn_fake_identities(*sys, identity);
  registry_actor = spawn_fake_registry(*sys, registry);

  image_kind_options kopts;
  auto reg = registry_actor;
  kopts.registry = [reg](caf::actor_system&, const engine&) { return reg; };
  supervisor_config sc;
  sc.eng = eng;
  sink = sys->spawn(collecting_sink, seen);
  sc.sink = sink;
  sc.kinds.emplace("ImageRepository", [kopts] { return make_imagerepository_reconciler(kopts); });
  sc.kinds.emplace("ImagePolicy", [kopts] { return make_imagepolicy_reconciler(kopts); });
  sup = spawn_supervisor(*sys, std::move(sc));
  // As the object sources do after their first listing: from here on a lookup of an
  // object the supervisor does not know answers "none" at once.
  caf::anon_send(sup, sync_atom::value);
}

image_fixture::~image_fixture() {
  caf::anon_send(sup, shutdown_atom::value);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(eng->pool, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(registry_actor, caf::exit_reason::user_shutdown);
  if (eng->identities) caf::anon_send_exit(eng->identities, caf::exit_reason::user_shutdown);
  sys.reset();
  std::error_code ec;
  std::filesystem::remove_all(state_dir, ec);
}

void image_fixture::apply(const std::string& yaml, bool deleted) {
  auto obj = yamljson::parse_yaml(yaml);
  BOOST_REQUIRE(obj.ok());
  auto t = deleted ? kube::object_change::type::deleted : kube::object_change::type::added;
  caf::anon_send(sup, change_atom::value, kube::object_change{t, kube::key_of(*obj), *obj});
}

bool image_fixture::eventually(const std::string& key, const std::function<bool(const json::value&)>& pred,
                               std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    {
      std::lock_guard<std::mutex> lock(seen->mu);
      auto it = seen->latest.find(key);
      if (it != seen->latest.end() && pred(it->second)) return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  BOOST_TEST_MESSAGE("last status of " << key << ": " << json::dump(object(key)));
  return false;
}

json::value image_fixture::object(const std::string& key) {
  std::lock_guard<std::mutex> lock(seen->mu);
  auto it = seen->latest.find(key);
  return it == seen->latest.end() ? json::value() : it->second;
}

std::string image_fixture::condition(const std::string& key, const std::string& type, const std::string& field) {
  return cond_of(object(key), type, field);
}

std::string image_fixture::field(const std::string& key, std::initializer_list<std::string_view> path) {
  auto obj = object(key);
  const json::value* v = obj.at(path);
  if (!v) return "";
  return v->is_string() ? v->as_string() : json::dump(*v);
}

std::string cond_of(const json::value& obj, const std::string& type, const std::string& field) {
  const json::value* conds = obj.at({"status", "conditions"});
  if (!conds) return "";
  for (const auto& c : conds->as_array())
    if (c.find("type") && c.find("type")->as_string() == type)
      return c.find(field) ? c.find(field)->as_string() : "";
  return "";
}

bool ready_is(const json::value& obj, const std::string& status, const std::string& reason) {
  return cond_of(obj, "Ready", "status") == status && (reason.empty() || cond_of(obj, "Ready", "reason") == reason);
}

bool stalled_with(const json::value& obj, const std::string& reason) {
  return cond_of(obj, "Stalled", "status") == "True" && cond_of(obj, "Stalled", "reason") == reason;
}

}  // namespace images_test
