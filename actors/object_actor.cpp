#include "actors/object_actor.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <atomic>
#include <chrono>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/log.hpp"
#include "adapters/common/metrics.hpp"
#include "adapters/common/time.hpp"
#include "adapters/kube/schema_validation.hpp"
#include "actors/flux_schemas.hpp"

namespace fluxaws::actors {

using namespace std::chrono_literals;

namespace {

// Distinct reconcile IDs for logs (Flux uses a UUID per reconcile).
std::string new_reconcile_id() {
  auto b = digest::random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  auto h = enc::hex(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

// ---- state ---------------------------------------------------------------------

struct object_state {
  static inline const char* name = "fluxaws.object";

  object_actor::pointer self = nullptr;
  engine_ptr eng;
  supervisor_actor parent;
  std::shared_ptr<kind_reconciler> rec;

  kube::object_key key;
  json::value object;
  condition_set conditions;
  json::value status_fields = json::value::make_object();
  int64_t observed_generation = -1;  // -1: never observed (absent in status)
  std::string last_handled_reconcile_at;

  uint64_t tick_seq = 0;  // only the latest scheduled tick counts
  uint64_t run_seq = 0;
  run_ptr current;
  bool rerun = false;
  bool waiting_for_gate = false;
  bool holding_gate = false;
  int failures = 0;
  std::optional<reconcile_error> invalid;
  std::chrono::steady_clock::time_point run_started;

  std::vector<caf::actor> subscribers;
  json::value last_published_status;
  bool last_published_settled = false;
  bool last_notified_ready = false;
  bool last_notified_settled = false;
  bool settled = false;
  json::value last_notified_status;

  int64_t generation() const { return kube::generation_of(object); }
  bool suspended() const {
    const json::value* s = object.at({"spec", "suspend"});
    return s && s->as_bool();
  }
  std::string requested_at() const { return std::string(kube::annotation(object, kRequestedAtAnnotation)); }
  std::string now() const { return eng->now ? eng->now() : timefmt::rfc3339(std::chrono::system_clock::now()); }

  json::value full_status() const {
    json::value st = json::value::make_object();
    if (observed_generation >= 0) st["observedGeneration"] = observed_generation;
    if (!conditions.items().empty()) st["conditions"] = conditions.to_json();
    if (!last_handled_reconcile_at.empty()) st["lastHandledReconcileAt"] = last_handled_reconcile_at;
    for (const auto& [k, v] : status_fields.as_object()) st[k] = v;
    return st;
  }

  json::value full_object() const {
    json::value out = object;
    out["status"] = full_status();
    return out;
  }

  void publish(bool force = false) {
    json::value st = full_status();
    bool now_settled = settled && !current && !waiting_for_gate;
    if (!force && st == last_published_status && now_settled == last_published_settled) return;
    last_published_status = st;
    last_published_settled = now_settled;
    json::value obj = object;
    obj["status"] = std::move(st);
    self->send(parent, status_atom::value, status_report{key, std::move(obj), false, now_settled});
  }

  void notify_subscribers() {
    bool ready = conditions.is_ready();
    bool now_settled = settled && !current && !waiting_for_gate;
    json::value st = full_status();
    // Dependents care about artifacts, readiness and whether a run ended, not about
    // the timestamps of conditions.
    json::value essence = status_fields;
    if (ready == last_notified_ready && now_settled == last_notified_settled && essence == last_notified_status)
      return;
    last_notified_ready = ready;
    last_notified_settled = now_settled;
    last_notified_status = std::move(essence);
    for (const auto& s : subscribers)
      self->send(caf::actor_cast<object_actor>(s), source_atom::value,
                 source_event{key, st, ready, false, now_settled});
  }

  void validate() {
    invalid.reset();
    if (const json::value* schema = flux_schema(key.kind)) {
      auto issues = kube::validate(*schema, object);
      if (!issues.empty()) {
        std::string msg = "invalid " + key.kind + " '" + key.ns + "/" + key.name + "': ";
        for (std::size_t i = 0; i < issues.size(); ++i) msg += (i ? "; " : "") + issues[i].to_string();
        invalid = reconcile_error::stalling("InvalidSpec", msg);
        return;
      }
      kube::apply_defaults(*schema, object);
    }
    if (auto err = rec->validate(object, *eng)) invalid = *err;
  }

  void schedule(std::chrono::milliseconds after) {
    ++tick_seq;
    if (after <= 0ms) {
      self->send(self, tick_atom::value, tick_seq);
    } else {
      self->delayed_send(self, after, tick_atom::value, tick_seq);
    }
  }

  void cancel_schedule() { ++tick_seq; }

  void reconcile_now() {
    if (current || waiting_for_gate) {
      rerun = true;
      return;
    }
    cancel_schedule();
    if (suspended()) {  // Flux: "reconciliation is suspended for this object"
      settled = true;
      publish();
      return;
    }
    if (invalid) {
      stall_invalid();
      return;
    }
    auto gate = eng->gates.find(key.kind);
    if (gate == eng->gates.end()) {
      start_run();
      return;
    }
    waiting_for_gate = true;
    self->request(gate->second, std::chrono::seconds(6 * 3600), acquire_atom::value)
        .then(
            [this](bool) {
              waiting_for_gate = false;
              holding_gate = true;
              start_run();
            },
            [this](caf::error&) {
              waiting_for_gate = false;
              failures++;
              schedule(backoff_delay(failures, eng->opts.min_retry, eng->opts.max_retry));
            });
  }

  void release_gate() {
    if (!holding_gate) return;
    holding_gate = false;
    auto gate = eng->gates.find(key.kind);
    if (gate != eng->gates.end()) self->send(gate->second, release_atom::value);
  }

  void stall_invalid() {
    auto t = now();
    auto gen = generation();
    conditions.mark_stalled(invalid->reason, invalid->message, gen, t);
    conditions.mark_false(cond::ready, invalid->reason, invalid->message, gen, t);
    observed_generation = gen;
    settled = true;
    log::error("Reconciler error", {{"controller", lower(key.kind)},
                                    {"name", key.name},
                                    {"namespace", key.ns},
                                    {"reason", invalid->reason},
                                    {"error", invalid->message}});
    publish();
    notify_subscribers();
  }

  void start_run() {
    auto timeout = rec->timeout(object);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    current = std::make_shared<reconcile_run>(self, this, ++run_seq, deadline);
    rerun = false;
    settled = false;
    run_started = std::chrono::steady_clock::now();
    self->delayed_send(self, timeout + eng->opts.deadline_grace, deadline_atom::value, current->id());

    auto gen = generation();
    auto t = now();
    conditions.progressive(false, "Progressing", "reconciliation in progress", gen, t);
    if (gen != observed_generation) {
      conditions.progressive(false, "Progressing",
                             "processing object: new generation " +
                                 std::to_string(observed_generation < 0 ? 0 : observed_generation) + " -> " +
                                 std::to_string(gen),
                             gen, t);
      publish();
    } else if (requested_at() != last_handled_reconcile_at) {
      publish();
    }
    auto run = current;
    rec->reconcile(run);
  }

  void finish(reconcile_run& run, reconcile_outcome outcome) {
    if (!current || current.get() != &run) return;
    run_ptr keep = std::move(current);  // `run` may be owned by `current` alone
    release_gate();
    auto t = now();
    auto ra = requested_at();
    if (!ra.empty()) last_handled_reconcile_at = ra;
    finalize_input in{outcome, rec->policy(), run.generation(), t};
    auto res = finalize(conditions, in);
    if (res.record_observed_generation) observed_generation = run.generation();
    // A failure no condition reflects (a deadline, or a kind that did not mark one)
    // still surfaces in Ready, with the error's own reason and message.
    const auto& err = outcome.error;
    if ((err.kind == reconcile_error::type::generic && !err.ignore) || err.kind == reconcile_error::type::stalling) {
      const condition* ready = conditions.get(cond::ready);
      if (!ready || ready->status != cond::false_ || ready->reason != err.reason)
        conditions.mark_false(cond::ready, err.reason, err.message, run.generation(), t);
    }
    settled = res.next.what != next_step::kind::after && !rerun;

    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_started).count();
    auto& m = metrics::registry::global();
    m.histogram_observe("gotk_reconcile_duration_seconds", {{"kind", key.kind}, {"name", key.name}, {"namespace", key.ns}},
                        secs);
    std::string result = res.next.success ? "success" : outcome.error.kind == reconcile_error::type::stalling
                                                            ? "stalled"
                                                        : outcome.error.kind == reconcile_error::type::waiting
                                                            ? "waiting"
                                                            : "failure";
    m.counter_add("fluxaws_reconciles_total", {{"kind", key.kind}, {"result", result}});

    if (outcome.error.failed() && outcome.error.kind != reconcile_error::type::waiting) {
      log::error("Reconciler error", {{"controller", lower(key.kind)},
                                      {"name", key.name},
                                      {"namespace", key.ns},
                                      {"reconcileID", run.reconcile_id()},
                                      {"reason", outcome.error.reason},
                                      {"error", outcome.error.message}});
    }

    switch (res.next.what) {
      case next_step::kind::interval:
        if (res.next.success) failures = 0;
        if (!eng->opts.once) {
          double r = eng->random01 ? eng->random01() : 0.5;
          schedule(jittered(rec->interval(object), eng->opts.jitter_percent, r));
        }
        break;
      case next_step::kind::backoff:
        ++failures;
        if (!eng->opts.once) schedule(backoff_delay(failures, eng->opts.min_retry, eng->opts.max_retry));
        break;
      case next_step::kind::after: schedule(res.next.after > 0ms ? res.next.after : 1ms); break;
      case next_step::kind::never: break;
    }
    publish();
    notify_subscribers();
    if (rerun) {
      rerun = false;
      reconcile_now();
    }
  }
};

// ---- reconcile_run ------------------------------------------------------------------

reconcile_run::reconcile_run(object_actor::pointer self, object_state* state, uint64_t id,
                             std::chrono::steady_clock::time_point deadline)
    : self_(self), state_(state), id_(id), reconcile_id_(new_reconcile_id()), deadline_(deadline) {}

const engine& reconcile_run::eng() const { return *state_->eng; }
supervisor_actor reconcile_run::supervisor() const { return state_->parent; }
const json::value& reconcile_run::object() const { return state_->object; }
const kube::object_key& reconcile_run::key() const { return state_->key; }
int64_t reconcile_run::generation() const { return state_->generation(); }
condition_set& reconcile_run::conditions() { return state_->conditions; }
json::value& reconcile_run::status() { return state_->status_fields; }
std::string reconcile_run::now() const { return state_->now(); }
bool reconcile_run::alive() const { return !finished_ && state_->current.get() == this; }

std::chrono::milliseconds reconcile_run::remaining() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - std::chrono::steady_clock::now());
  return left < 1ms ? 1ms : left;
}

void reconcile_run::publish() {
  if (alive()) state_->publish();
}

void reconcile_run::finish(reconcile_outcome outcome) {
  if (finished_) return;
  finished_ = true;
  state_->finish(*this, std::move(outcome));
}

void reconcile_run::event(bool warning, const std::string& reason, const std::string& message) const {
  std::initializer_list<log::field> fields = {{"controller", lower(state_->key.kind)},
                                              {"name", state_->key.name},
                                              {"namespace", state_->key.ns},
                                              {"reconcileID", reconcile_id_},
                                              {"reason", reason},
                                              {"type", warning ? "Warning" : "Normal"}};
  log::write(warning ? log::level::error : log::level::info, message, fields);
}

void reconcile_run::log_info(const std::string& message) const {
  log::info(message, {{"controller", lower(state_->key.kind)},
                      {"name", state_->key.name},
                      {"namespace", state_->key.ns},
                      {"reconcileID", reconcile_id_}});
}

// ---- kind_reconciler defaults ----------------------------------------------------------

std::chrono::milliseconds duration_field(const json::value& obj, std::initializer_list<std::string_view> path,
                                         std::chrono::milliseconds fallback) {
  const json::value* v = obj.at(path);
  if (!v || !v->is_string()) return fallback;
  auto d = timefmt::parse_go_duration(v->as_string());
  if (!d || *d <= std::chrono::nanoseconds{0}) return fallback;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::chrono::milliseconds kind_reconciler::interval(const json::value& obj) const {
  return duration_field(obj, {"spec", "interval"}, std::chrono::minutes(1));
}

std::chrono::milliseconds kind_reconciler::timeout(const json::value& obj) const {
  return duration_field(obj, {"spec", "timeout"}, std::chrono::seconds(60));
}

// ---- behavior ------------------------------------------------------------------------------

namespace {

object_actor::behavior_type object_behavior(object_actor::stateful_pointer<object_state> self, engine_ptr eng,
                                            std::shared_ptr<kind_reconciler> rec, json::value object,
                                            supervisor_actor parent) {
  auto& st = self->state;
  st.self = self;
  st.eng = std::move(eng);
  st.rec = std::move(rec);
  st.parent = std::move(parent);
  st.key = kube::key_of(object);
  st.object = std::move(object);
  // Resume from a status the object already carries (cluster mode restarts).
  if (const json::value* status = st.object.find("status")) {
    st.conditions = condition_set::from_json(status->find("conditions") ? *status->find("conditions") : json::value());
    if (const json::value* og = status->find("observedGeneration")) st.observed_generation = og->as_int();
    if (const json::value* lh = status->find("lastHandledReconcileAt")) st.last_handled_reconcile_at = lh->as_string();
    for (const auto& [k, v] : status->as_object())
      if (k != "conditions" && k != "observedGeneration" && k != "lastHandledReconcileAt") st.status_fields[k] = v;
    st.object.erase("status");
  }
  st.validate();
  st.rec->on_start(self, *st.eng, st.object);
  st.reconcile_now();

  return {
      [self](update_atom, json::value& obj) {
        auto& s = self->state;
        obj.erase("status");
        auto old_gen = s.generation();
        auto old_requested = s.requested_at();
        bool was_suspended = s.suspended();
        s.object = std::move(obj);
        s.validate();
        bool requested = !s.requested_at().empty() && s.requested_at() != old_requested &&
                         s.requested_at() != s.last_handled_reconcile_at;
        if (s.suspended()) {
          s.cancel_schedule();
          s.settled = !s.current;
          s.publish();
          return;
        }
        if (s.generation() != old_gen || requested || was_suspended) s.reconcile_now();
      },
      [self](delete_atom) {
        auto& s = self->state;
        s.cancel_schedule();
        if (s.current) s.current.reset();
        s.release_gate();
        s.rec->on_delete(self, *s.eng, s.object);
        auto& m = metrics::registry::global();
        m.remove_series_matching({{"kind", s.key.kind}, {"name", s.key.name}, {"namespace", s.key.ns}});
        for (const auto& sub : s.subscribers)
          self->send(caf::actor_cast<object_actor>(sub), source_atom::value,
                     source_event{s.key, json::value(), false, true});
        self->send(s.parent, status_atom::value, status_report{s.key, s.object, true});
        self->quit();
      },
      [self](tick_atom, uint64_t id) {
        if (id == self->state.tick_seq) self->state.reconcile_now();
      },
      [self](deadline_atom, uint64_t id) {
        auto& s = self->state;
        if (!s.current || s.current->id() != id) return;
        auto timeout = s.rec->timeout(s.object);
        s.current->finish({result_kind::empty,
                           reconcile_error::generic("ReconciliationFailed",
                                                    "reconciliation did not finish within the timeout of " +
                                                        timefmt::go_duration(timeout))});
      },
      [self](status_atom) -> json::value { return self->state.full_object(); },
      [self](subscribe_atom, caf::actor& who) {
        auto& s = self->state;
        for (const auto& x : s.subscribers)
          if (x == who) return;
        s.subscribers.push_back(who);
        // A late subscriber gets the current state at once.
        self->send(caf::actor_cast<object_actor>(who), source_atom::value,
                   source_event{s.key, s.full_status(), s.conditions.is_ready(), false,
                                s.settled && !s.current && !s.waiting_for_gate});
      },
      [self](unsubscribe_atom, caf::actor& who) {
        auto& subs = self->state.subscribers;
        subs.erase(std::remove(subs.begin(), subs.end(), who), subs.end());
      },
      [self](source_atom, source_event& ev) {
        auto& s = self->state;
        if (s.rec->on_source_event(ev)) s.reconcile_now();
      },
  };
}

}  // namespace

object_actor spawn_object_actor(caf::actor_system& sys, engine_ptr eng, std::shared_ptr<kind_reconciler> rec,
                                json::value object, supervisor_actor parent) {
  return sys.spawn(object_behavior, std::move(eng), std::move(rec), std::move(object), std::move(parent));
}

}  // namespace fluxaws::actors
