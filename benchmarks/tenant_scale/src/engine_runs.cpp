#include "benchmarks/tenant_scale/src/engine_runs.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "benchmarks/tenant_scale/src/child_process.hpp"
#include "benchmarks/tenant_scale/src/http_call.hpp"
#include "benchmarks/tenant_scale/src/proc_stats.hpp"

namespace fluxaws::bench {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using steady_clock = std::chrono::steady_clock;

namespace {

struct run_dirs {
  fs::path root, state, log, out;
};

result<run_dirs> prepare(const engine_run_options& o) {
  run_dirs d;
  d.root = o.work / o.label;
  std::error_code ec;
  fs::remove_all(d.root, ec);
  fs::create_directories(d.root, ec);
  if (ec) return make_error("io", "cannot create " + d.root.string() + ": " + ec.message());
  d.state = d.root / "state";
  d.log = d.root / "fluxaws.log";
  d.out = d.root / "fluxaws.out";
  return d;
}

// `fluxaws run` over the run's objects and state directory, output to its files.
result<std::unique_ptr<child_process>> spawn_engine(const engine_run_options& o, const run_dirs& d,
                                                     std::vector<std::string> extra_args = {}) {
  spawn_options so;
  so.binary = o.fluxaws_binary;
  so.args = {"run", "--config", o.config.string(), "--objects", o.objects.string(), "--state-dir", d.state.string()};
  for (auto& a : extra_args) so.args.push_back(std::move(a));
  so.stdout_file = d.out.string();
  so.stderr_file = d.log.string();
  return child_process::spawn(so);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The metrics listener's address, from the engine's "observability" log line.
result<std::string> metrics_address(child_process& c, const fs::path& log, std::chrono::seconds bound) {
  auto deadline = steady_clock::now() + bound;
  const std::string key = "\"metricsAddr\":\"";
  while (steady_clock::now() < deadline) {
    std::string text = read_file(log);
    auto p = text.find(key);
    if (p != std::string::npos) {
      auto end = text.find('"', p + key.size());
      if (end != std::string::npos) return text.substr(p + key.size(), end - p - key.size());
    }
    if (c.wait_for(0ms)) return make_error("fluxaws", "fluxaws exited before serving /metrics; log: " + log.string());
    std::this_thread::sleep_for(20ms);
  }
  return make_error("fluxaws", "fluxaws did not log its metrics address within " + std::to_string(bound.count()) + " s");
}

result<std::vector<sample>> scrape(const std::string& address) {
  auto a = http_call("GET", "http://" + address + "/metrics", 60s);
  if (!a) return a.error();
  if (a->status != 200) return make_error("fluxaws", "/metrics answered " + std::to_string(a->status));
  return parse_exposition(a->body);
}

std::map<std::string, double> engine_counters(const std::vector<sample>& samples) {
  std::map<std::string, double> c;
  c["httpRequests"] = sum_of(samples, "fluxaws_http_requests_total");
  c["httpConnectionsOpened"] = sum_of(samples, "fluxaws_http_connections_opened_total");
  c["httpConnectionsReused"] = sum_of(samples, "fluxaws_http_connections_reused_total");
  for (const auto& [service, n] : sum_by(samples, "fluxaws_aws_calls_total", "service")) c["aws:" + service] = n;
  return c;
}

result<credential_calls> read_calls(const emulator_link& emu) {
  auto c = emu.calls();
  if (!c) return c.error();
  return count_credential_calls(*c);
}

}  // namespace

result<cold_measurement> measure_cold(const engine_run_options& o, const emulator_link& emu) {
  auto d = prepare(o);
  if (!d) return d.error();
  if (auto st = emu.reset_calls(); !st) return st.error();
  auto c = spawn_engine(o, *d, {"--once", "--once-timeout=" + std::to_string(o.bound.count()) + "s"});
  if (!c) return c.error();
  cold_measurement m;
  auto done = (*c)->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(o.bound + 60s));
  exit_info info = done ? *done : (*c)->stop(10s);
  m.finished = done.has_value();
  m.exit_code = info.exit_code;
  m.seconds = info.wall_seconds;
  m.cpu_seconds = info.cpu_seconds;
  m.peak_rss_kib = info.max_rss_kib;
  m.statuses = read_status_store(d->state);
  auto calls = read_calls(emu);
  if (!calls) return calls.error();
  m.calls = *calls;
  return m;
}

result<steady_measurement> measure_steady(const engine_run_options& o, const steady_options& s,
                                          const emulator_link& emu) {
  auto d = prepare(o);
  if (!d) return d.error();
  auto spawned = spawn_engine(o, *d);
  if (!spawned) return spawned.error();
  child_process& c = **spawned;
  steady_measurement m;
  auto addr = metrics_address(c, d->log, 60s);
  if (!addr) return addr.error();

  // 1. Until every object is Ready (bounded), scraping at most once a second.
  auto deadline = steady_clock::now() + o.bound;
  std::vector<sample> samples;
  double scrape_total = 0;
  int scrapes = 0;
  while (true) {
    auto t0 = steady_clock::now();
    auto got = scrape(*addr);
    if (!got) return got.error();
    double took = std::chrono::duration<double>(steady_clock::now() - t0).count();
    scrape_total += took;
    ++scrapes;
    samples = std::move(*got);
    m.ready_objects = static_cast<int>(sum_of(samples, "fluxaws_objects", {{"ready", "True"}}));
    // With short intervals some objects are always mid-reconcile (Ready Unknown, as
    // Flux marks it): those that succeeded before count as Ready here.
    if (m.ready_objects < s.expected_objects)
      m.ready_objects = std::max(m.ready_objects, read_status_store(d->state, 0).ready_or_refreshing);
    if (m.ready_objects >= s.expected_objects) {
      m.all_ready = true;
      m.ready_seconds = c.elapsed_seconds();
      break;
    }
    if (steady_clock::now() >= deadline || c.wait_for(0ms)) break;
    std::this_thread::sleep_for(std::max<std::chrono::duration<double>>(1s, std::chrono::duration<double>(took * 5)));
  }
  if (!m.all_ready) {
    c.stop();
    m.statuses = read_status_store(d->state);
    return m;
  }
  if (auto mem = memory(c.pid())) m.rss_kib_at_ready = mem->rss;
  m.cold_latency = histograms_by(samples, "gotk_reconcile_duration_seconds", "kind");
  m.counters_at_ready = engine_counters(samples);

  // 2. The window: CPU read just before each scrape, so every slice holds one scrape.
  auto calls0 = read_calls(emu);
  if (!calls0) return calls0.error();
  auto cpu0 = cpu_seconds(c.pid());
  auto first = scrape(*addr);
  if (!cpu0 || !first) return make_error("fluxaws", "fluxaws stopped answering at the start of the window");
  auto counts_prev = sum_by(*first, "fluxaws_reconciles_total", "kind");
  std::map<std::string, double> failed0;
  for (const auto& smp : *first)
    if (smp.name == "fluxaws_reconciles_total" && smp.label("result") && *smp.label("result") != "success")
      failed0[smp.label("kind") ? *smp.label("kind") : ""] += smp.value;
  auto hist0 = histograms_by(*first, "gotk_reconcile_duration_seconds", "kind");
  auto counters0 = engine_counters(*first);
  double cpu_prev = *cpu0;
  auto start = steady_clock::now();
  auto prev = start;
  std::vector<cpu_slice> slices;
  std::vector<sample> last = std::move(*first);
  int n = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(s.window) / s.slice);
  for (int i = 1; i <= n; ++i) {
    std::this_thread::sleep_until(start + i * s.slice);
    auto now = steady_clock::now();
    auto cpu = cpu_seconds(c.pid());
    auto t0 = steady_clock::now();
    auto got = scrape(*addr);
    if (!cpu || !got) return make_error("fluxaws", "fluxaws stopped answering during the steady-state window");
    scrape_total += std::chrono::duration<double>(steady_clock::now() - t0).count();
    ++scrapes;
    auto counts = sum_by(*got, "fluxaws_reconciles_total", "kind");
    cpu_slice sl;
    sl.seconds = std::chrono::duration<double>(now - prev).count();
    sl.cpu_seconds = *cpu - cpu_prev;
    for (const auto& [kind, v] : counts) sl.reconciles[kind] = v - counts_prev[kind];
    slices.push_back(std::move(sl));
    counts_prev = std::move(counts);
    cpu_prev = *cpu;
    prev = now;
    last = std::move(*got);
  }
  auto calls1 = read_calls(emu);
  if (!calls1) return calls1.error();
  m.calls = subtract(*calls1, *calls0);
  m.cpu = attribute_cpu(slices);
  for (const auto& [kind, h] : histograms_by(last, "gotk_reconcile_duration_seconds", "kind"))
    m.steady_latency[kind] = subtract(h, hist0[kind]);
  for (const auto& smp : last)
    if (smp.name == "fluxaws_reconciles_total" && smp.label("result") && *smp.label("result") != "success") {
      std::string kind = smp.label("kind") ? *smp.label("kind") : "";
      m.failed_reconciles[kind] += smp.value;
    }
  for (auto& [kind, v] : m.failed_reconciles) v -= failed0[kind];
  for (const auto& [name, v] : engine_counters(last)) m.counters_window[name] = v - counters0[name];
  m.mean_scrape_seconds = scrapes ? scrape_total / scrapes : 0;
  auto info = c.stop();
  m.peak_rss_kib = info.max_rss_kib;
  return m;
}

result<long> measure_empty_peak_rss(const engine_run_options& o) {
  auto d = prepare(o);
  if (!d) return d.error();
  auto spawned = spawn_engine(o, *d);
  if (!spawned) return spawned.error();
  child_process& c = **spawned;
  auto addr = metrics_address(c, d->log, 60s);
  if (!addr) return addr.error();
  std::this_thread::sleep_for(1s);
  auto info = c.stop();
  return info.max_rss_kib;
}

result<single_measurement> measure_single(const engine_run_options& o, const std::string& kind_dir,
                                          const std::string& ns, const std::string& name) {
  auto d = prepare(o);
  if (!d) return d.error();
  auto spawned = spawn_engine(o, *d);
  if (!spawned) return spawned.error();
  child_process& c = **spawned;
  single_measurement m;
  fs::path status_file = d->state / "status" / kind_dir / ns / (name + ".json");
  auto deadline = steady_clock::now() + o.bound;
  while (steady_clock::now() < deadline) {
    std::error_code ec;
    if (fs::exists(status_file, ec)) {
      auto obj = json::parse(read_file(status_file));
      if (obj && is_ready(*obj)) {
        m.ready = true;
        m.start_to_ready_seconds = c.elapsed_seconds();
        break;
      }
      if (obj && ready_reason(*obj).rfind("Progressing", 0) != 0 && obj->at({"status", "observedGeneration"})) {
        m.problem = kind_dir + " " + ns + "/" + name + " is not Ready: " + ready_reason(*obj);
        break;
      }
    }
    if (c.wait_for(0ms)) {
      m.problem = "fluxaws exited before the object became Ready; log: " + d->log.string();
      break;
    }
    std::this_thread::sleep_for(2ms);
  }
  if (!m.ready && m.problem.empty()) m.problem = "not Ready within " + std::to_string(o.bound.count()) + " s";
  if (m.ready) {
    if (auto addr = metrics_address(c, d->log, 30s)) {
      if (auto samples = scrape(*addr))
        m.reconcile_seconds = sum_of(*samples, "gotk_reconcile_duration_seconds_sum", {{"name", name}});
    }
  }
  c.stop();
  return m;
}

}  // namespace fluxaws::bench
