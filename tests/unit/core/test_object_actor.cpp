// The generic object actor and the supervisor, driven with a fake kind whose
// reconciler does what its spec says: succeed, fail, stall, wait, hang or crash.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "actors/blocking_pool.hpp"
#include "actors/gate.hpp"
#include "actors/object_actor.hpp"
#include "actors/supervisor.hpp"
#include "adapters/common/yaml_json.hpp"

using namespace fluxaws;
using namespace fluxaws::actors;
using namespace std::chrono_literals;

namespace {

struct shared_log {
  std::mutex mu;
  std::map<std::string, int> runs;         // name -> reconciles started
  std::map<std::string, int> concurrent;   // kind-wide current and max
  int now_running = 0;
  int max_running = 0;
  std::map<std::string, json::value> latest;  // name -> last reported object
  std::map<std::string, bool> deleted;
  std::map<std::string, bool> settled;
};

class widget_reconciler : public kind_reconciler {
 public:
  explicit widget_reconciler(std::shared_ptr<shared_log> log) : log_(std::move(log)) {}
  const summary_policy* policy() const override { return &policy_; }

  void reconcile(run_ptr run) override {
    auto name = run->key().name;
    auto outcome = run->object().at({"spec", "outcome"}) ? run->object().at({"spec", "outcome"})->as_string()
                                                           : std::string("success");
    {
      std::lock_guard<std::mutex> lock(log_->mu);
      ++log_->runs[name];
      log_->max_running = std::max(log_->max_running, ++log_->now_running);
    }
    if (outcome == "crash") throw std::runtime_error("widget crashed");
    if (outcome == "hang") return;  // the deadline has to end it
    finish_after(run, outcome);
  }

 private:
  void finish_after(run_ptr run, const std::string& outcome) {
    // Use a request to the blocking pool as an asynchronous step, as real kinds do.
    auto log = log_;
    blocking_job job = [] { std::this_thread::sleep_for(15ms); };
    run->self()
        ->request(run->eng().pool, 5s, run_atom::value, std::move(job))
        .then([run, outcome, log](bool) {
          {
            std::lock_guard<std::mutex> lock(log->mu);
            --log->now_running;
          }
          if (!run->alive()) return;
          auto t = run->now();
          auto gen = run->generation();
          if (outcome == "success") {
            run->status()["widgets"] = 1;
            run->conditions().mark_true("Done", "Succeeded", "widget built", gen, t);
            run->finish({result_kind::success, {}});
          } else if (outcome == "fail") {
            run->conditions().mark_true("Broken", "WidgetFailed", "widget broke", gen, t);
            run->finish({result_kind::empty, reconcile_error::generic("WidgetFailed", "widget broke")});
          } else if (outcome == "stall") {
            run->conditions().mark_true("Broken", "InvalidWidget", "bad widget", gen, t);
            run->finish({result_kind::empty, reconcile_error::stalling("InvalidWidget", "bad widget")});
          } else if (outcome == "wait") {
            run->conditions().mark_false("Ready", "DependencyNotReady", "waiting", gen, t);
            run->finish({result_kind::empty, reconcile_error::waiting("DependencyNotReady", "waiting", 50ms)});
          }
        });
  }

  std::shared_ptr<shared_log> log_;
  summary_policy policy_{{"Done", "Broken", "Ready", "Reconciling", "Stalled"},
                         {"Broken", "Done", "Stalled", "Reconciling"},
                         {"Broken", "Stalled", "Reconciling"}};
};

struct collecting_sink_state {
  std::shared_ptr<shared_log> log;
};

status_sink_actor::behavior_type collecting_sink(status_sink_actor::stateful_pointer<collecting_sink_state> self,
                                                 std::shared_ptr<shared_log> log) {
  self->state.log = std::move(log);
  return {
      [self](status_atom, status_report& r) {
        std::lock_guard<std::mutex> lock(self->state.log->mu);
        if (r.deleted) {
          self->state.log->deleted[r.key.name] = true;
        } else {
          self->state.log->latest[r.key.name] = r.object;
          self->state.log->settled[r.key.name] = r.settled;
        }
      },
      [](flush_atom) { return true; },
  };
}

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::shared_ptr<shared_log> log = std::make_shared<shared_log>();
  supervisor_actor sup;
  status_sink_actor sink;
  std::shared_ptr<engine> eng = std::make_shared<engine>();

  explicit fixture(std::size_t gate_slots = 0) {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    eng->opts.min_retry = 20ms;
    eng->opts.max_retry = 80ms;
    eng->opts.deadline_grace = 10ms;
    eng->pool = spawn_blocking_pool(*sys, 4);
    if (gate_slots) eng->gates.emplace("Widget", spawn_gate(*sys, gate_slots));
    supervisor_config sc;
    sc.eng = eng;
    sink = sys->spawn(collecting_sink, log);
    sc.sink = sink;
    auto l = log;
    sc.kinds.emplace("Widget", [l] { return std::make_shared<widget_reconciler>(l); });
    sup = spawn_supervisor(*sys, std::move(sc));
  }
  ~fixture() {
    caf::anon_send(sup, shutdown_atom::value);
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(eng->pool, caf::exit_reason::user_shutdown);
    for (auto& [k, g] : eng->gates) caf::anon_send_exit(g, caf::exit_reason::user_shutdown);
  }

  void apply(const std::string& yaml_text, kube::object_change::type t = kube::object_change::type::added) {
    auto obj = *yamljson::parse_yaml(yaml_text);
    caf::anon_send(sup, change_atom::value, kube::object_change{t, kube::key_of(obj), obj});
  }

  static std::string widget(const std::string& name, const std::string& outcome, const std::string& extra = "") {
    return "apiVersion: test/v1\nkind: Widget\nmetadata:\n  name: " + name +
           "\n  namespace: ns\n" + extra + "spec:\n  interval: 10m\n  timeout: 100ms\n  outcome: " + outcome + "\n";
  }

  // Waits (bounded) until pred holds on the shared log.
  template <class Pred>
  bool eventually(Pred pred, std::chrono::milliseconds limit = 10s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      {
        std::lock_guard<std::mutex> lock(log->mu);
        if (pred(*log)) return true;
      }
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }

  std::string condition(const std::string& name, const std::string& type, const std::string& field = "status") {
    std::lock_guard<std::mutex> lock(log->mu);
    auto it = log->latest.find(name);
    if (it == log->latest.end()) return "";
    const json::value* conds = it->second.at({"status", "conditions"});
    if (!conds) return "";
    for (const auto& c : conds->as_array())
      if (c.find("type")->as_string() == type) return c.find(field)->as_string();
    return "";
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(object_actor_behaviour)

BOOST_AUTO_TEST_CASE(success_sets_ready_and_observed_generation) {
  fixture f;
  f.apply(fixture::widget("ok", "success"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["ok"]; }));
  BOOST_TEST(f.condition("ok", "Ready") == "True");
  BOOST_TEST(f.condition("ok", "Ready", "reason") == "Succeeded");
  std::lock_guard<std::mutex> lock(f.log->mu);
  const auto& obj = f.log->latest["ok"];
  BOOST_TEST(obj.at({"status", "observedGeneration"})->as_int() == 1);
  BOOST_TEST(obj.at({"metadata", "generation"})->as_int() == 1);
  BOOST_TEST(obj.at({"status", "widgets"})->as_int() == 1);
  BOOST_TEST(f.log->runs["ok"] == 1);
}

BOOST_AUTO_TEST_CASE(failure_retries_with_backoff_and_reports_the_reason) {
  fixture f;
  f.apply(fixture::widget("bad", "fail"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.runs["bad"] >= 3; }));
  // Between attempts: Ready=False with the failure, Reconciling says it will retry.
  bool seen = false;
  for (int i = 0; i < 2000 && !seen; ++i) {
    seen = f.condition("bad", "Ready") == "False" && f.condition("bad", "Ready", "reason") == "WidgetFailed" &&
           f.condition("bad", "Reconciling", "reason") == "ProgressingWithRetry";
    std::this_thread::sleep_for(1ms);
  }
  BOOST_TEST(seen);
}

BOOST_AUTO_TEST_CASE(stalling_does_not_retry) {
  fixture f;
  f.apply(fixture::widget("stuck", "stall"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["stuck"]; }));
  std::this_thread::sleep_for(200ms);  // longer than several backoff periods
  std::lock_guard<std::mutex> lock(f.log->mu);
  BOOST_TEST(f.log->runs["stuck"] == 1);
}

BOOST_AUTO_TEST_CASE(stalled_object_status) {
  fixture f;
  f.apply(fixture::widget("stuck2", "stall"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["stuck2"]; }));
  BOOST_TEST(f.condition("stuck2", "Stalled") == "True");
  BOOST_TEST(f.condition("stuck2", "Ready", "reason") == "InvalidWidget");
}

BOOST_AUTO_TEST_CASE(a_hanging_reconcile_is_ended_by_its_timeout) {
  fixture f;
  f.apply(fixture::widget("slow", "hang"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.runs["slow"] >= 2; }));
  BOOST_TEST(f.condition("slow", "Ready") == "False");
  BOOST_TEST(f.condition("slow", "Ready", "message").find("timeout") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(suspend_spec_change_and_requested_at) {
  fixture f;
  f.apply(fixture::widget("w", "success"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["w"] && l.runs["w"] == 1; }));
  // Same spec again: no reconcile.
  f.apply(fixture::widget("w", "success"), kube::object_change::type::modified);
  // requestedAt forces one and is echoed.
  f.apply(fixture::widget("w", "success", "  annotations: {reconcile.fluxcd.io/requestedAt: \"now-1\"}\n"),
          kube::object_change::type::modified);
  BOOST_TEST(f.eventually([](shared_log& l) {
    const json::value* v = l.latest["w"].at({"status", "lastHandledReconcileAt"});
    return v && v->as_string() == "now-1";
  }));
  // A spec change bumps the generation and reconciles.
  f.apply(fixture::widget("w", "success", "  annotations: {reconcile.fluxcd.io/requestedAt: \"now-1\"}\n") +
              "  extra: 1\n",
          kube::object_change::type::modified);
  BOOST_TEST(f.eventually([](shared_log& l) {
    const json::value* v = l.latest["w"].at({"status", "observedGeneration"});
    return v && v->as_int() == 2;
  }));
  {
    std::lock_guard<std::mutex> lock(f.log->mu);
    BOOST_TEST(f.log->runs["w"] == 3);
  }
  // Suspended: further spec changes do not reconcile.
  f.apply(fixture::widget("w", "success") + "  suspend: true\n", kube::object_change::type::modified);
  f.apply(fixture::widget("w", "success") + "  suspend: true\n  extra: 2\n", kube::object_change::type::modified);
  std::this_thread::sleep_for(150ms);
  std::lock_guard<std::mutex> lock(f.log->mu);
  BOOST_TEST(f.log->runs["w"] == 3);
}

BOOST_AUTO_TEST_CASE(waiting_requeues_without_counting_as_settled) {
  fixture f;
  f.apply(fixture::widget("dep", "wait"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.runs["dep"] >= 3; }));
  std::lock_guard<std::mutex> lock(f.log->mu);
  BOOST_TEST(!f.log->settled["dep"]);
}

BOOST_AUTO_TEST_CASE(delete_stops_the_actor_and_reports) {
  fixture f;
  f.apply(fixture::widget("gone", "success"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["gone"]; }));
  f.apply(fixture::widget("gone", "success"), kube::object_change::type::deleted);
  BOOST_TEST(f.eventually([](shared_log& l) { return l.deleted["gone"]; }));
}

BOOST_AUTO_TEST_CASE(a_crashing_actor_is_restarted_and_others_are_unaffected) {
  fixture f;
  f.apply(fixture::widget("boom", "crash"));
  f.apply(fixture::widget("fine", "success"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.runs["boom"] >= 2; }));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["fine"]; }));
  BOOST_TEST(f.condition("fine", "Ready") == "True");
}

BOOST_AUTO_TEST_CASE(the_kind_gate_caps_concurrency) {
  fixture f(1);
  for (int i = 0; i < 6; ++i) f.apply(fixture::widget("g" + std::to_string(i), "success"));
  BOOST_TEST(f.eventually([](shared_log& l) {
    int n = 0;
    for (int i = 0; i < 6; ++i) n += l.settled["g" + std::to_string(i)] ? 1 : 0;
    return n == 6;
  }));
  std::lock_guard<std::mutex> lock(f.log->mu);
  BOOST_TEST(f.log->max_running == 1);
}

BOOST_AUTO_TEST_CASE(summary_counts_readiness) {
  fixture f;
  f.apply(fixture::widget("s1", "success"));
  f.apply(fixture::widget("s2", "stall"));
  BOOST_TEST(f.eventually([](shared_log& l) { return l.settled["s1"] && l.settled["s2"]; }));
  caf::scoped_actor self{*f.sys};
  engine_summary sum;
  for (int i = 0; i < 100; ++i) {
    self->request(f.sup, 5s, summary_atom::value).receive([&](engine_summary& s) { sum = s; }, [](caf::error&) {});
    if (sum.ready == 1 && sum.stalled == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  BOOST_TEST(sum.objects == 2u);
  BOOST_TEST(sum.ready == 1u);
  BOOST_TEST(sum.stalled == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
