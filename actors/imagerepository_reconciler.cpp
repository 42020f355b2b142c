#include "actors/imagerepository_reconciler.hpp"

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <memory>
#include <optional>

#include "actors/blocking.hpp"
#include "actors/imagerepository_auth.hpp"
#include "actors/imagerepository_scan.hpp"
#include "actors/imagerepository_spec.hpp"
#include "actors/imagerepository_tag_db.hpp"
#include "actors/object_actor.hpp"
#include "adapters/common/time.hpp"
#include "adapters/kube/object.hpp"

namespace fluxaws::actors {

using namespace std::chrono_literals;
namespace ir = imagerepository;

namespace {

// What survives between reconciles of one ImageRepository.
struct repo_memory {
  std::shared_ptr<ir::tag_db> db;
  std::optional<std::size_t> stored_tags;  // in the database; unknown after a start
  std::string handled_request;             // the last requestedAt value scanned for
  std::optional<std::chrono::milliseconds> next_scan;
  oci::registry_actor registry;
};

std::vector<std::string> string_list(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& x : v->as_array())
      if (x.is_string()) out.push_back(x.as_string());
  return out;
}

json::value json_list(const std::vector<std::string>& items) {
  json::value arr = json::value::make_array();
  for (const auto& s : items) arr.push_back(s);
  return arr;
}

// One reconcile. Kept alive by the callbacks it hands out.
class repository_run : public std::enable_shared_from_this<repository_run> {
 public:
  repository_run(run_ptr run, std::shared_ptr<repo_memory> memory, const image_kind_options& opts)
      : run_(std::move(run)), memory_(std::move(memory)), opts_(opts), spec_(ir::parse_spec(run_->object())) {}

  void start() {
    const condition* ready = run_->conditions().get(cond::ready);
    was_ready_ = ready && ready->status == cond::true_;
    old_ready_message_ = ready ? ready->message : std::string();

    auto& e = eng();
    if (ir::needs_disabled_gate(spec_, e.opts)) {
      stall("FeatureGateDisabled", ir::feature_gate_message(""));
      return;
    }
    auto ref = ir::parse_image(spec_.image);
    if (!ref) {  // validate() stalls this first; kept for a spec that changed under us
      stall(ir::reason_image_url_invalid, ref.error().message);
      return;
    }
    repo_ = *ref;
    canonical_ = ir::canonical_name(repo_);
    auto plan = ir::plan_auth(spec_, repo_, run_->key(), *e.resources, e.opts);
    if (!plan) {
      fail(ir::reason_authentication_failed, "failed to configure authentication options: " + plan.error().message);
      return;
    }
    plan_ = std::move(plan).value();
    if (!memory_->db) memory_->db = ir::tag_db::open(e.opts.state_dir);
    if (memory_->stored_tags) {
      decide();
      return;
    }
    // After a start: how many tags does the database hold for us?
    auto db = memory_->db;
    auto key = run_->key();
    auto me = shared_from_this();
    run_blocking<std::size_t>(
        self(), e.pool, run_->remaining(),
        [db, key]() -> result<std::size_t> {
          auto t = db->tags(key.ns, key.name);
          if (!t) return t.error();
          return (*t)->tags.size();
        },
        [me](result<std::size_t> n) {
          if (!me->run_->alive()) return;
          if (!n.ok()) {
            me->fail("Failure", "failed to determine if it's scan time: " + n.error().message);
            return;
          }
          me->memory_->stored_tags = *n;
          me->decide();
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

  std::chrono::system_clock::time_point now_point() const {
    auto t = timefmt::parse_rfc3339(run_->now());
    return t ? *t : std::chrono::system_clock::now();
  }

  void decide() {
    const auto& st = run_->status();
    ir::scan_inputs in;
    in.interval = spec_.interval;
    if (const json::value* t = st.at({"lastScanResult", "scanTime"}); t && t->is_string())
      in.last_scan = timefmt::parse_rfc3339(t->as_string());
    if (st.find("lastScanResult") && !in.last_scan) in.last_scan = std::chrono::system_clock::time_point{};
    requested_ = std::string(kube::annotation(run_->object(), kRequestedAtAnnotation));
    in.reconcile_requested = !requested_.empty() && requested_ != memory_->handled_request;
    in.canonical_name = canonical_;
    if (const json::value* c = st.find("canonicalImageName"); c && c->is_string())
      in.observed_canonical_name = c->as_string();
    in.exclusion_list = spec_.exclusion_list;
    in.observed_exclusion_list = string_list(st.find("observedExclusionList"));
    in.database_tags = memory_->stored_tags.value_or(0);
    in.now = now_point();
    decision_ = ir::decide_scan(in);
    if (!decision_.scan) {
      done(false);
      return;
    }
    bool drift = decision_.reason == ir::scan_empty_database;
    run_->conditions().progressive(drift, "Progressing", "scanning: " + decision_.reason, gen(), run_->now());
    run_->publish();

    auto ex = ir::exclusions::compile(spec_.exclusion_list);
    if (!ex) {
      scan_failed(ex.error().message);
      return;
    }
    exclusions_ = std::move(ex).value();
    if (!memory_->registry) memory_->registry = ir::object_registry(self(), eng(), opts_.registry);
    log_in();
  }

  void scan_failed(const std::string& why) { fail(ir::reason_read_operation_failed, "scan failed: " + why); }

  void log_in() {
    auto me = shared_from_this();
    ir::login(self(), eng(), plan_, run_->remaining(), [me](ir::login_outcome o) {
      if (!me->run_->alive()) return;
      if (!o.ok) {
        const auto reason = o.error.code.empty() ? std::string(ir::reason_authentication_failed) : o.error.code;
        if (o.stalling) {
          me->stall(reason, o.error.message);
          return;
        }
        me->fail(reason, "failed to configure authentication options: " + o.error.message);
        return;
      }
      me->auth_ = std::move(o.auth);
      me->list_tags();
    });
  }

  void list_tags() {
    oci::list_tags_request req;
    req.repo = repo_;
    req.auth = auth_;
    req.opts.timeout = run_->remaining();
    req.opts.insecure = spec_.insecure;
    auto me = shared_from_this();
    self()
        ->request(memory_->registry, req.opts.timeout + oci::reply_margin, oci::list_tags_atom::value, std::move(req))
        .then(
            [me](const oci::tags_outcome& o) {
              if (!me->run_->alive()) return;
              if (!o.ok()) {
                if (!me->retried_ && ir::retry_with_fresh_login(o.error, me->auth_)) {
                  me->retried_ = true;
                  ir::forget_login(me->self(), me->eng(), me->plan_);
                  me->log_in();
                  return;
                }
                me->scan_failed(o.error.message);
                return;
              }
              me->store(o.value->tags);
            },
            [me](caf::error& err) {
              me->memory_->registry = nullptr;  // gone or stuck: the next scan gets a fresh one
              if (!me->run_->alive()) return;
              me->scan_failed("listing tags of '" + me->repo_.name() + "': " + me->self()->system().render(err));
            });
  }

  struct stored {
    std::string revision;
    std::size_t count = 0;
    std::vector<std::string> latest;
  };

  void store(std::vector<std::string> listed) {
    auto db = memory_->db;
    auto key = run_->key();
    auto ex = exclusions_;
    auto me = shared_from_this();
    // Filtering and sorting thousands of tags is CPU work: it runs with the write.
    run_blocking<stored>(
        self(), eng().pool, run_->remaining(),
        [db, key, ex, listed = std::move(listed)]() mutable -> result<stored> {
          auto kept = ir::stored_tag_list(std::move(listed), ex);
          stored s;
          s.count = kept.size();
          s.latest = ir::latest_tags(kept);
          auto rev = db->set_tags(key.ns, key.name, std::move(kept));
          if (!rev) return rev.error();
          s.revision = *rev;
          return s;
        },
        [me](result<stored> s) {
          if (!me->run_->alive()) return;
          if (!s.ok()) {
            me->scan_failed(s.error().message);
            return;
          }
          me->memory_->stored_tags = s->count;
          auto& st = me->run_->status();
          const json::value* old = st.at({"lastScanResult", "revision"});
          me->tags_changed_ = !old || old->as_string() != s->revision;
          st["lastScanResult"] = ir::scan_result_json(s->revision, s->count, me->run_->now(), s->latest);
          me->done(true);
        });
  }

  void done(bool scanned) {
    auto& st = run_->status();
    if (scanned) memory_->handled_request = requested_;
    st["canonicalImageName"] = canonical_;
    st["observedExclusionList"] = json_list(spec_.exclusion_list);
    int64_t count = 0;
    std::string rev;
    if (const json::value* r = st.find("lastScanResult")) {
      if (const json::value* c = r->find("tagCount")) count = c->as_int();
      if (const json::value* v = r->find("revision")) rev = v->as_string();
    }
    std::string ready_msg = "successful scan: found " + std::to_string(count) + " tags with checksum " + rev;
    memory_->next_scan = decision_.next;
    auto t = run_->now();
    run_->conditions().mark_true(cond::ready, "Succeeded", ready_msg, gen(), t);

    // Flux's notify(): an event when Ready's message changes or Ready comes back;
    // otherwise a trace line about the next scan.
    std::string next = "next scan in " + timefmt::go_duration(decision_.next);
    if (!scanned) {
      run_->log_info("no change in repository configuration since last scan, " + next);
    } else if (!was_ready_ || old_ready_message_ != ready_msg) {
      run_->event(false, "Succeeded", ready_msg);
    } else {
      run_->log_info((tags_changed_ ? "successful scan, " : "tags did not change, ") + next);
    }
    run_->finish({result_kind::success, {}});
  }

  run_ptr run_;
  std::shared_ptr<repo_memory> memory_;
  image_kind_options opts_;
  ir::spec spec_;
  oci::repository_ref repo_;
  std::string canonical_;
  ir::auth_plan plan_;
  oci::registry_auth auth_;
  ir::exclusions exclusions_;
  ir::scan_decision decision_;
  std::string requested_;
  bool retried_ = false;
  bool tags_changed_ = false;
  bool was_ready_ = false;
  std::string old_ready_message_;
};

class imagerepository_reconciler : public kind_reconciler {
 public:
  explicit imagerepository_reconciler(image_kind_options opts) : opts_(std::move(opts)) {}

  // Ready is set by the kind (Flux's result finalizer), not summarized.
  const summary_policy* policy() const override { return nullptr; }

  std::optional<reconcile_error> validate(const json::value& obj, const engine&) const override {
    return ir::validate(ir::parse_spec(obj));
  }

  std::chrono::milliseconds interval(const json::value& obj) const override {
    if (memory_->next_scan && *memory_->next_scan > 0ms) return *memory_->next_scan;
    return ir::parse_spec(obj).interval;
  }

  std::chrono::milliseconds timeout(const json::value& obj) const override {
    return ir::timeout_of(ir::parse_spec(obj));
  }

  void reconcile(run_ptr run) override {
    std::make_shared<repository_run>(std::move(run), memory_, opts_)->start();
  }

  void on_delete(object_actor::pointer /*self*/, const engine& eng, const json::value& obj) override {
    auto key = kube::key_of(obj);
    auto db = memory_->db ? memory_->db : ir::tag_db::open(eng.opts.state_dir);
    blocking_job job = [db, key] { (void)db->remove(key.ns, key.name); };
    caf::anon_send(eng.pool, run_atom::value, std::move(job));
  }

 private:
  image_kind_options opts_;
  std::shared_ptr<repo_memory> memory_ = std::make_shared<repo_memory>();
};

}  // namespace

std::shared_ptr<kind_reconciler> make_imagerepository_reconciler(image_kind_options opts) {
  return std::make_shared<imagerepository_reconciler>(std::move(opts));
}

}  // namespace fluxaws::actors
