#include "actors/imagepolicy_reconciler.hpp"

#include <caf/actor_cast.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <memory>
#include <optional>

#include "actors/blocking.hpp"
#include "actors/imagepolicy_access.hpp"
#include "actors/imagepolicy_spec.hpp"
#include "actors/imagerepository_auth.hpp"
#include "actors/imagerepository_registry.hpp"
#include "actors/imagerepository_spec.hpp"
#include "actors/imagerepository_tag_db.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::actors {

using namespace std::chrono_literals;
namespace ip = imagepolicy;
namespace ir = imagerepository;

namespace {

// Without digest refreshes a policy is reconciled by events; this resync (controller-
// runtime's default sync period) is only a safety net.
constexpr std::chrono::milliseconds kResync = std::chrono::hours(10);

constexpr const char* kFailed = "Failed";  // meta.FailedReason: an error no condition names

// What survives between reconciles of one ImagePolicy.
struct policy_memory {
  kube::object_key repo_key;
  object_actor repo_actor;          // subscribed to
  bool skip_subscribe_echo = false;  // the state sent on subscription is read by the run itself
  std::string evaluated_revision;   // the scan the current latestRef comes from
  std::shared_ptr<ir::tag_db> db;
  oci::registry_actor registry;
};

std::string scan_revision(const json::value& repo_status) {
  const json::value* r = repo_status.at({"lastScanResult", "revision"});
  return r && r->is_string() ? r->as_string() : std::string();
}

class policy_run : public std::enable_shared_from_this<policy_run> {
 public:
  policy_run(run_ptr run, std::shared_ptr<policy_memory> memory, image_kind_options opts)
      : run_(std::move(run)), memory_(std::move(memory)), opts_(std::move(opts)), spec_(ip::parse_spec(run_->object())) {}

  void start() {
    const condition* ready = run_->conditions().get(cond::ready);
    was_ready_ = ready && ready->status == cond::true_;
    old_ready_message_ = ready ? ready->message : std::string();

    const auto& own_ns = run_->key().ns;
    repo_key_ = ip::repository_key(spec_, own_ns);
    if (auto refusal = ip::cross_namespace_refusal(own_ns, repo_key_, eng().opts.no_cross_namespace_refs)) {
      fail(ip::reason_access_denied, "failed to get the referred ImageRepository: " + *refusal);
      return;
    }
    if (memory_->repo_actor && memory_->repo_key == repo_key_) {
      fetch_repository();
      return;
    }
    // A new reference (or none yet): find the repository's actor and subscribe.
    if (memory_->repo_actor) {
      self()->send(memory_->repo_actor, unsubscribe_atom::value, caf::actor_cast<caf::actor>(self()));
      memory_->repo_actor = nullptr;
    }
    memory_->evaluated_revision.clear();
    auto me = shared_from_this();
    self()
        ->request(run_->supervisor(), std::chrono::seconds(30), lookup_atom::value, repo_key_)
        .then(
            [me](object_actor& found) {
              if (!me->run_->alive()) return;
              if (!found) {
                me->not_found();
                return;
              }
              me->memory_->repo_key = me->repo_key_;
              me->memory_->repo_actor = found;
              me->memory_->skip_subscribe_echo = true;
              me->self()->send(found, subscribe_atom::value, caf::actor_cast<caf::actor>(me->self()));
              me->fetch_repository();
            },
            [me](caf::error& err) {
              if (!me->run_->alive()) return;
              me->fail(kFailed, "failed to get the referred ImageRepository: " + me->self()->system().render(err));
            });
  }

 private:
  object_actor::pointer self() const { return run_->self(); }
  const engine& eng() const { return run_->eng(); }
  int64_t gen() const { return run_->generation(); }

  void stall(const std::string& reason, const std::string& message) {
    run_->conditions().mark_stalled(reason, message, gen(), run_->now());
    run_->finish({result_kind::empty, reconcile_error::stalling(reason, message)});
  }

  void fail(const std::string& reason, const std::string& message) {
    run_->conditions().mark_false(cond::ready, reason, message, gen(), run_->now());
    run_->event(true, reason, message);
    run_->finish({result_kind::empty, reconcile_error::generic(reason, message)});
  }

  void not_found() {
    fail(ip::reason_dependency_not_ready,
         "failed to get the referred ImageRepository: referenced ImageRepository does not exist: "
         "imagerepositories.image.toolkit.fluxcd.io \"" +
             repo_key_.name + "\" not found");
  }

  void fetch_repository() {
    auto me = shared_from_this();
    self()
        ->request(memory_->repo_actor, std::chrono::seconds(30), status_atom::value)
        .then(
            [me](json::value& repo) {
              if (!me->run_->alive()) return;
              me->repository_ = std::move(repo);
              me->check_repository();
            },
            [me](caf::error&) {
              if (!me->run_->alive()) return;
              // The actor is gone (deleted, or crashed and respawned): look it up again
              // next time.
              me->memory_->repo_actor = nullptr;
              me->not_found();
            });
  }

  void check_repository() {
    const auto& own_ns = run_->key().ns;
    if (auto refusal = ip::access_refusal(own_ns, repo_key_, repository_, eng().resources->namespace_object(own_ns))) {
      fail(ip::reason_access_denied, "failed to get the referred ImageRepository: access denied: " + *refusal);
      return;
    }
    repo_spec_ = ir::parse_spec(repository_);
    auto ref = ir::parse_image(repo_spec_.image);
    if (!ref) {
      stall(ir::reason_image_url_invalid, ref.error().message);
      return;
    }
    repo_ref_ = *ref;
    if (ir::needs_disabled_gate(repo_spec_, eng().opts)) {
      stall("FeatureGateDisabled", ir::feature_gate_message(" in the ImageRepository"));
      return;
    }
    auto compiled = ip::compile(spec_);
    if (!compiled) {
      stall(ip::reason_invalid_policy, compiled.error().message);
      return;
    }
    compiled_.emplace(std::move(compiled).value());
    const json::value* status = repository_.find("status");
    if (!status || scan_revision(*status).empty()) {
      no_tags();
      return;
    }
    evaluate();
  }

  // The repository has not scanned (or its list is empty): wait for its scan event,
  // with --requeue-dependency as the fallback. `run --once` retries nothing, so there a
  // repository whose reconcile already failed ends the wait, and the fallback is short.
  void no_tags() {
    const auto& e = eng();
    if (e.opts.once && repository_gave_up()) {
      fail(ip::reason_dependency_not_ready, "no tags in database: ImageRepository '" + repo_key_.ns + "/" +
                                                repo_key_.name + "' did not scan");
      return;
    }
    auto after = e.opts.requeue_dependency;
    if (e.opts.once) after = std::min<std::chrono::milliseconds>(after, 1s);
    std::string msg = "retrying in " + timefmt::go_duration(after) + " error: no tags in database";
    run_->conditions().mark_false(cond::ready, ip::reason_dependency_not_ready, msg, gen(), run_->now());
    run_->finish({result_kind::empty, reconcile_error::waiting(ip::reason_dependency_not_ready, msg, after)});
  }

  // Stalled, or failed and waiting for a retry (Flux keeps Reconciling with reason
  // ProgressingWithRetry after a failure).
  bool repository_gave_up() const {
    const json::value* conds = repository_.at({"status", "conditions"});
    if (!conds) return false;
    auto set = condition_set::from_json(*conds);
    if (set.is_stalled()) return true;
    if (const condition* r = set.get(cond::reconciling)) return r->reason == "ProgressingWithRetry";
    return set.is_false(cond::ready);
  }

  struct evaluation {
    bool empty = false;
    std::string revision;
    result<policy::selection> picked = make_error("", "");
  };

  void evaluate() {
    if (!memory_->db) memory_->db = ir::tag_db::open(eng().opts.state_dir);
    auto db = memory_->db;
    auto key = repo_key_;
    auto compiled = *compiled_;
    auto me = shared_from_this();
    // Reading the list and ordering thousands of tags is off the scheduler threads.
    run_blocking<evaluation>(
        self(), eng().pool, run_->remaining(),
        [db, key, compiled]() -> result<evaluation> {
          auto stored = db->tags(key.ns, key.name);
          if (!stored) return stored.error();
          evaluation ev;
          ev.revision = (*stored)->revision;
          if ((*stored)->tags.empty()) {
            ev.empty = true;
            return ev;
          }
          ev.picked = ip::evaluate(compiled, (*stored)->tags);
          return ev;
        },
        [me](result<evaluation> ev) {
          if (!me->run_->alive()) return;
          if (!ev.ok()) {
            me->fail(ip::reason_failure, ev.error().message);
            return;
          }
          if (ev->empty) {
            me->no_tags();
            return;
          }
          if (!ev->picked) {
            const auto& e = ev->picked.error();
            if (e.code == ip::reason_invalid_policy)
              me->stall(ip::reason_invalid_policy, e.message);
            else
              me->fail(ip::reason_failure, e.message);
            return;
          }
          me->revision_ = ev->revision;
          me->picked(ev->picked->tag);
        });
  }

  void picked(const std::string& tag) {
    latest_ = ip::image_ref{repo_spec_.image, tag, ""};
    current_.latest = ip::image_ref::from_json(run_->status().find("latestRef"));
    current_.previous = ip::image_ref::from_json(run_->status().find("observedPreviousRef"));
    if (!ip::needs_digest(spec_.reflect, current_.latest, latest_)) {
      done();
      return;
    }
    auto plan = ir::plan_auth(repo_spec_, repo_ref_, repo_key_, *eng().resources, eng().opts);
    if (!plan) {
      digest_failed("failed to configure authentication options: " + plan.error().message);
      return;
    }
    plan_ = std::move(plan).value();
    if (!memory_->registry) memory_->registry = ir::object_registry(self(), eng(), opts_.registry);
    log_in();
  }

  void digest_failed(const std::string& why) {
    fail(kFailed, "failed fetching digest of " + latest_.str() + ": " + why);
  }

  void log_in() {
    auto me = shared_from_this();
    ir::login(self(), eng(), plan_, run_->remaining(), [me](ir::login_outcome o) {
      if (!me->run_->alive()) return;
      if (!o.ok) {
        me->digest_failed("failed to configure authentication options: " + o.error.message);
        return;
      }
      me->auth_ = std::move(o.auth);
      me->head();
    });
  }

  void head() {
    oci::head_request req;
    req.repo = repo_ref_;
    req.reference = latest_.tag;
    req.auth = auth_;
    req.opts.timeout = run_->remaining();
    req.opts.insecure = repo_spec_.insecure;
    auto described = repo_ref_.name() + ":" + latest_.tag;
    auto me = shared_from_this();
    self()
        ->request(memory_->registry, req.opts.timeout + oci::reply_margin, oci::head_manifest_atom::value,
                  std::move(req))
        .then(
            [me, described](const oci::head_outcome& o) {
              if (!me->run_->alive()) return;
              if (!o.ok()) {
                if (!me->retried_ && ir::retry_with_fresh_login(o.error, me->auth_)) {
                  me->retried_ = true;
                  ir::forget_login(me->self(), me->eng(), me->plan_);
                  me->log_in();
                  return;
                }
                me->digest_failed("failed fetching descriptor for \"" + described + "\": " + o.error.message);
                return;
              }
              me->latest_.digest = o.value->digest;
              me->done();
            },
            [me, described](caf::error& err) {
              me->memory_->registry = nullptr;  // gone or stuck: the next fetch gets a fresh one
              if (!me->run_->alive()) return;
              me->digest_failed("failed fetching descriptor for \"" + described +
                                "\": " + me->self()->system().render(err));
            });
  }

  void done() {
    auto updated = ip::update_refs(current_, latest_);
    auto& st = run_->status();
    st["latestRef"] = updated.latest->to_json();
    if (updated.previous)
      st["observedPreviousRef"] = updated.previous->to_json();
    else
      st.erase("observedPreviousRef");
    memory_->evaluated_revision = revision_;
    auto msg = ip::ready_message(updated);
    run_->conditions().mark_true(cond::ready, "Succeeded", msg, gen(), run_->now());
    if (!was_ready_ || old_ready_message_ != msg) run_->event(false, "Succeeded", msg);
    run_->finish({result_kind::success, {}});
  }

  run_ptr run_;
  std::shared_ptr<policy_memory> memory_;
  image_kind_options opts_;
  ip::spec spec_;
  kube::object_key repo_key_;
  json::value repository_;
  ir::spec repo_spec_;
  oci::repository_ref repo_ref_;
  std::optional<ip::compiled_policy> compiled_;
  std::string revision_;
  ip::image_ref latest_;
  ip::refs current_;
  ir::auth_plan plan_;
  oci::registry_auth auth_;
  bool retried_ = false;
  bool was_ready_ = false;
  std::string old_ready_message_;
};

class imagepolicy_reconciler : public kind_reconciler {
 public:
  explicit imagepolicy_reconciler(image_kind_options opts) : opts_(std::move(opts)) {}

  const summary_policy* policy() const override { return nullptr; }

  std::optional<reconcile_error> validate(const json::value& obj, const engine&) const override {
    return ip::validate(ip::parse_spec(obj));
  }

  std::chrono::milliseconds interval(const json::value& obj) const override {
    auto r = ip::requeue(ip::parse_spec(obj));
    return r ? *r : kResync;
  }

  void reconcile(run_ptr run) override { std::make_shared<policy_run>(std::move(run), memory_, opts_)->start(); }

  // Reconcile when the repository's scan result changes (Flux's predicate on
  // status.lastScanResult.revision), or when it goes away.
  bool on_source_event(const source_event& ev) override {
    auto& m = *memory_;
    if (ev.source != m.repo_key) return false;
    if (ev.deleted) {
      m.repo_actor = nullptr;
      m.evaluated_revision.clear();
      return true;
    }
    if (m.skip_subscribe_echo) {
      m.skip_subscribe_echo = false;
      return false;
    }
    auto rev = scan_revision(ev.status);
    return !rev.empty() && rev != m.evaluated_revision;
  }

  void on_delete(object_actor::pointer self, const engine& /*eng*/, const json::value& /*obj*/) override {
    if (memory_->repo_actor)
      self->send(memory_->repo_actor, unsubscribe_atom::value, caf::actor_cast<caf::actor>(self));
    memory_->repo_actor = nullptr;
  }

 private:
  image_kind_options opts_;
  std::shared_ptr<policy_memory> memory_ = std::make_shared<policy_memory>();
};

}  // namespace

std::shared_ptr<kind_reconciler> make_imagepolicy_reconciler(image_kind_options opts) {
  return std::make_shared<imagepolicy_reconciler>(std::move(opts));
}

}  // namespace fluxaws::actors
