#include "benchmarks/tenant_scale/src/report.hpp"

#include <cmath>
#include <cstdio>

namespace fluxaws::bench {

namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Three significant figures, for values of any size.
std::string sig3(double v) {
  if (v == 0 || !std::isfinite(v)) return fixed(v, 0);
  double a = std::fabs(v);
  int digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return fixed(v, digits);
}

const mode_results* mode(const bench_results& r, const std::string& name) {
  for (const auto& m : r.modes)
    if (m.name == name) return &m;
  return nullptr;
}

double rss_per_object_kib(const bench_results& r, const cold_measurement& c) {
  if (r.objects <= 0) return 0;
  return static_cast<double>(c.peak_rss_kib - r.empty_peak_rss_kib) / r.objects;
}

double ms(double seconds) { return seconds * 1000; }
double us(double seconds) { return seconds * 1e6; }

json::value histogram_json(const std::map<std::string, histogram>& by_kind) {
  json::value v = json::value::make_object();
  for (const auto& [kind, h] : by_kind) {
    json::value e = json::value::make_object();
    e["reconciles"] = h.count;
    e["p50Ms"] = ms(quantile(h, 0.5));
    e["p99Ms"] = ms(quantile(h, 0.99));
    e["meanMs"] = h.count > 0 ? ms(h.sum / h.count) : 0.0;
    v[kind.empty() ? "all" : kind] = std::move(e);
  }
  return v;
}

std::string calls_cell(const call_count& c, long ideal) {
  std::string s = std::to_string(c.ok) + "/" + std::to_string(ideal);
  if (c.calls != c.ok) s += " (+" + std::to_string(c.calls - c.ok) + " failed)";
  return s;
}

json::value mode_json(const bench_results& r, const mode_results& m) {
  json::value v = json::value::make_object();
  v["description"] = m.description;
  v["configFile"] = m.config_file;
  if (m.cold) {
    const auto& c = *m.cold;
    json::value cold = json::value::make_object();
    cold["finished"] = c.finished;
    cold["exitCode"] = c.exit_code;
    cold["allReady"] = c.finished && c.exit_code == 0 && c.statuses.ready == r.objects;
    cold["readyObjects"] = c.statuses.ready;
    cold["seconds"] = c.seconds;
    cold["objectsPerSecond"] = c.seconds > 0 ? r.objects / c.seconds : 0.0;
    cold["cpuSeconds"] = c.cpu_seconds;
    cold["peakRssKiB"] = static_cast<int64_t>(c.peak_rss_kib);
    cold["rssPerObjectKiB"] = rss_per_object_kib(r, c);
    cold["credentialCalls"] = to_json(c.calls, r.ideal);
    json::value nr = json::value::make_array();
    for (const auto& s : c.statuses.not_ready) nr.push_back(s);
    cold["notReady"] = std::move(nr);
    json::value by_reason = json::value::make_object();
    for (const auto& [reason, n] : c.statuses.not_ready_by_reason) by_reason[reason] = n;
    cold["notReadyByReason"] = std::move(by_reason);
    v["cold"] = std::move(cold);
  } else if (!m.cold_error.empty()) {
    v["coldError"] = m.cold_error;
  }
  if (m.steady) {
    const auto& s = *m.steady;
    json::value st = json::value::make_object();
    st["allReady"] = s.all_ready;
    st["readyObjects"] = s.ready_objects;
    st["startToAllReadySeconds"] = s.ready_seconds;
    st["rssKiBAtReady"] = static_cast<int64_t>(s.rss_kib_at_ready);
    st["rssPerObjectKiBAtReady"] = r.objects > 0 ? static_cast<double>(s.rss_kib_at_ready) / r.objects : 0.0;
    st["meanScrapeSeconds"] = s.mean_scrape_seconds;
    if (s.all_ready) {
      json::value w = json::value::make_object();
      w["windowSeconds"] = s.cpu.window_seconds;
      w["cpuSeconds"] = s.cpu.cpu_seconds;
      w["reconciles"] = s.cpu.reconciles;
      w["cpuMicrosPerReconcile"] = us(s.cpu.cpu_per_reconcile);
      w["cpuMicrosPerReconcileRaw"] = us(s.cpu.cpu_per_reconcile_raw);
      w["idleCpuPercent"] = s.cpu.idle_cpu_per_second * 100;
      w["fitRSquared"] = s.cpu.r_squared;
      w["fitResidualMillisPerSlice"] = ms(s.cpu.residual_rms);
      json::value kinds = json::value::make_object();
      for (const auto& [kind, kc] : s.cpu.kinds) {
        json::value k = json::value::make_object();
        k["reconciles"] = kc.reconciles;
        k["identified"] = kc.identified;
        k["cpuMicrosPerReconcile"] = us(kc.cpu_seconds_per_reconcile);
        auto f = s.failed_reconciles.find(kind);
        k["failedReconciles"] = f == s.failed_reconciles.end() ? 0.0 : f->second;
        kinds[kind] = std::move(k);
      }
      w["byKind"] = std::move(kinds);
      ideal_calls zero;
      w["credentialCalls"] = to_json(s.calls, zero);
      json::value counters = json::value::make_object();
      for (const auto& [name, n] : s.counters_window) counters[name] = n;
      w["engineCounters"] = std::move(counters);
      st["window"] = std::move(w);
      json::value at_ready = json::value::make_object();
      for (const auto& [name, n] : s.counters_at_ready) at_ready[name] = n;
      st["engineCountersAtReady"] = std::move(at_ready);
      st["coldLatency"] = histogram_json(s.cold_latency);
      st["steadyLatency"] = histogram_json(s.steady_latency);
    } else {
      json::value nr = json::value::make_array();
      for (const auto& x : s.statuses.not_ready) nr.push_back(x);
      st["notReady"] = std::move(nr);
    }
    v["steady"] = std::move(st);
  } else if (!m.steady_error.empty()) {
    v["steadyError"] = m.steady_error;
  }
  return v;
}

double p_all(const std::map<std::string, histogram>& h, double q) {
  auto it = h.find("");
  return it == h.end() ? 0 : quantile(it->second, q);
}

}  // namespace

std::vector<target_check> check_targets(const bench_results& r) {
  std::vector<target_check> out;
  const mode_results* f = mode(r, "fluxaws");
  const mode_results* b = mode(r, "baseline");
  bool cold_ok = f && f->cold && f->cold->finished;
  {
    target_check t{"cold start", "all Ready in < 5 s (8,000 objects, 1,000 identities, 5 ms, 2 cores)", "", false,
                   r.objects >= 8000 && r.identities >= 1000, cold_ok};
    if (cold_ok) {
      t.value = sig3(f->cold->seconds) + " s for " + std::to_string(r.objects) + " objects";
      t.met = f->cold->seconds < 5;
    }
    out.push_back(t);
  }
  {
    bool have = cold_ok && b && b->cold && b->cold->finished && f->cold->seconds > 0;
    target_check t{"vs baseline", ">= 20x faster cold start than the baseline mode", "", false, r.objects >= 8000,
                   have};
    if (have) {
      double ratio = b->cold->seconds / f->cold->seconds;
      t.value = sig3(ratio) + "x";
      t.met = ratio >= 20;
    }
    out.push_back(t);
  }
  {
    bool have = cold_ok && f->steady && f->steady->all_ready;
    target_check t{"credential calls", "equal to the ideal, cold and steady", "", false, r.ideal.sts > 0, cold_ok};
    if (cold_ok) {
      auto v = check_calls(f->cold->calls, r.ideal, r.plan.faults, "cold");
      if (have) {
        auto w = check_calls(f->steady->calls, ideal_calls{}, r.plan.faults, "steady");
        v.insert(v.end(), w.begin(), w.end());
      }
      t.met = v.empty();
      t.value = v.empty() ? "as ideal" : v.front();
      if (r.ideal.sts == 0) t.value += " (no aws-identity objects: the credential plane is not exercised)";
    }
    out.push_back(t);
  }
  {
    bool have = f && f->steady && f->steady->all_ready && f->steady->cpu.reconciles > 0;
    target_check t{"CPU per reconcile", "< 30 us engine CPU per unchanged reconcile", "", false, true, have};
    if (have) {
      double v = us(f->steady->cpu.cpu_per_reconcile);
      t.value = sig3(v) + " us";
      t.met = v < 30;
    }
    out.push_back(t);
  }
  {
    target_check t{"memory", "< 8 KiB RSS per object at 80,000 objects", "", false, r.objects >= 80000, cold_ok};
    if (cold_ok) {
      double v = rss_per_object_kib(r, *f->cold);
      t.value = sig3(v) + " KiB at " + std::to_string(r.objects) + " objects";
      t.met = v < 8;
    }
    out.push_back(t);
  }
  for (const auto& p : r.peers) {
    if (p.peer != "aws s3 sync") continue;
    target_check t{"vs aws s3 sync", "Bucket reconcile >= 3x faster on a 1,000-object bucket", "", false,
                   p.items == 1000, p.ok};
    if (p.ok) {
      t.value = sig3(p.ratio()) + "x";
      t.met = p.ratio() >= 3;
    }
    out.push_back(t);
  }
  return out;
}

json::value report_json(const bench_results& r) {
  json::value v = json::value::make_object();
  v["benchmark"] = "tenant_scale";
  v["profile"] = r.profile;
  v["startedAt"] = r.started_at;
  v["totalSeconds"] = r.total_seconds;
  v["ok"] = r.broken.empty();
  json::value broken = json::value::make_array();
  for (const auto& s : r.broken) broken.push_back(s);
  v["broken"] = std::move(broken);
  json::value warnings = json::value::make_array();
  for (const auto& s : r.warnings) warnings.push_back(s);
  v["warnings"] = std::move(warnings);

  json::value machine = json::value::make_object();
  machine["cpus"] = r.machine.cpus;
  machine["cpuModel"] = r.machine.cpu_model;
  machine["loadAverage"] = json::value(json::array{r.machine.load1, r.machine.load5, r.machine.load15});
  machine["memoryKiB"] = static_cast<int64_t>(r.machine.memory_total_kib);
  machine["kernel"] = r.machine.kernel;
  v["machine"] = std::move(machine);

  json::value w = json::value::make_object();
  w["tenants"] = r.plan.tenants;
  w["accounts"] = account_count(r.plan);
  w["tenantsPerAccount"] = r.plan.tenants_per_account;
  w["identities"] = r.identities;
  w["objects"] = r.objects;
  json::value by_kind = json::value::make_object();
  for (const auto& [k, n] : r.objects_by_kind) by_kind[k] = n;
  w["objectsByKind"] = std::move(by_kind);
  json::value forms = json::value::make_object();
  for (const auto& [k, f] : r.forms) forms[k] = form_name(f);
  w["authForms"] = std::move(forms);
  json::value excluded = json::value::make_object();
  for (const auto& [k, why] : r.excluded) excluded[k] = why;
  w["excludedKinds"] = std::move(excluded);
  json::value notes = json::value::make_array();
  for (const auto& n : r.notes) notes.push_back(n);
  w["notes"] = std::move(notes);
  w["latencyMs"] = static_cast<double>(r.plan.latency.fixed.count()) / 1000;
  w["latencyJitterMs"] = static_cast<double>(r.plan.latency.jitter.count()) / 1000;
  w["faults"] = r.plan.faults;
  json::value intervals = json::value::make_object();
  intervals["Bucket"] = static_cast<int64_t>(r.plan.bucket_interval.count());
  intervals["OCIRepository"] = static_cast<int64_t>(r.plan.oci_interval.count());
  intervals["ImageRepository"] = static_cast<int64_t>(r.plan.image_repository_interval.count());
  intervals["Kustomization"] = static_cast<int64_t>(r.plan.kustomization_interval.count());
  w["intervalSeconds"] = std::move(intervals);
  w["emulatorStartSeconds"] = r.emulator_start_seconds;
  w["emulatorCpuSeconds"] = r.emulator_cpu_seconds;
  w["emptyEnginePeakRssKiB"] = static_cast<int64_t>(r.empty_peak_rss_kib);
  json::value ideal = json::value::make_object();
  ideal["sts"] = static_cast<int64_t>(r.ideal.sts);
  ideal["ecrGetAuthorizationToken"] = static_cast<int64_t>(r.ideal.ecr_token);
  ideal["kmsDecrypt"] = static_cast<int64_t>(r.ideal.kms_decrypt);
  w["idealCredentialCallsCold"] = std::move(ideal);
  v["world"] = std::move(w);

  json::value modes = json::value::make_object();
  for (const auto& m : r.modes) modes[m.name] = mode_json(r, m);
  v["modes"] = std::move(modes);

  const mode_results* f = mode(r, "fluxaws");
  const mode_results* b = mode(r, "baseline");
  json::value ratios = json::value::make_object();
  if (f && b && f->cold && b->cold && f->cold->seconds > 0) {
    ratios["coldStartBaselineOverFluxaws"] = b->cold->seconds / f->cold->seconds;
    if (f->cold->cpu_seconds > 0) ratios["coldCpuBaselineOverFluxaws"] = b->cold->cpu_seconds / f->cold->cpu_seconds;
  }
  if (f && b && f->steady && b->steady && f->steady->all_ready && b->steady->all_ready) {
    if (f->steady->cpu.cpu_per_reconcile > 0)
      ratios["steadyCpuPerReconcileBaselineOverFluxaws"] = b->steady->cpu.cpu_per_reconcile / f->steady->cpu.cpu_per_reconcile;
    double fp99 = p_all(f->steady->cold_latency, 0.99);
    if (fp99 > 0) ratios["coldP99BaselineOverFluxaws"] = p_all(b->steady->cold_latency, 0.99) / fp99;
  }
  v["ratios"] = std::move(ratios);

  json::value peers = json::value::make_array();
  for (const auto& p : r.peers) peers.push_back(to_json(p));
  v["peers"] = std::move(peers);

  json::value targets = json::value::make_array();
  for (const auto& t : check_targets(r)) {
    json::value e = json::value::make_object();
    e["name"] = t.name;
    e["target"] = t.target;
    e["value"] = t.value;
    e["measured"] = t.measured;
    e["met"] = t.met;
    e["appliesToThisProfile"] = t.applies;
    targets.push_back(std::move(e));
  }
  v["targets"] = std::move(targets);
  return v;
}

std::string report_table(const bench_results& r) {
  std::string out;
  auto line = [&](const std::string& s) { out += s + "\n"; };
  auto row = [&](const std::string& label, const std::string& a, const std::string& b, const std::string& c = "") {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-38s %14s %14s %10s", label.c_str(), a.c_str(), b.c_str(), c.c_str());
    std::string s = buf;
    while (!s.empty() && s.back() == ' ') s.pop_back();
    line(s);
  };
  std::string kinds;
  for (const auto& [k, n] : r.objects_by_kind)
    if (n > 0) kinds += (kinds.empty() ? "" : ", ") + k + " " + std::to_string(n);
  line("tenant-scale benchmark, profile " + r.profile + ": " + std::to_string(r.plan.tenants) + " tenants, " +
       std::to_string(r.identities) + " identities in " + std::to_string(account_count(r.plan)) + " accounts, " +
       std::to_string(r.objects) + " objects (" + kinds + ")");
  line("machine: " + std::to_string(r.machine.cpus) + " CPUs, " + r.machine.cpu_model + ", load " +
       fixed(r.machine.load1, 2) + " " + fixed(r.machine.load5, 2) + " " + fixed(r.machine.load15, 2) +
       "; emulator latency " + fixed(r.plan.latency.fixed.count() / 1000.0, 1) + " ms +/- " +
       fixed(r.plan.latency.jitter.count() / 1000.0, 1) + " ms, faults " + (r.plan.faults ? "on" : "off"));
  std::string forms;
  for (const auto& [k, f] : r.forms) forms += (forms.empty() ? "" : ", ") + k + " " + form_name(f);
  line("auth: " + (forms.empty() ? std::string("none") : forms));
  for (const auto& [k, why] : r.excluded) line("excluded: " + k + " (" + why + ")");
  for (const auto& n : r.notes) line("note: " + n);
  line("");

  const mode_results* f = mode(r, "fluxaws");
  const mode_results* b = mode(r, "baseline");
  auto both = [&](const std::string& label, auto get, int digits_hint = -1, bool ratio = false) {
    std::string a = "-", c = "-", q;
    double fa = 0, ba = 0;
    bool hf = f && get(*f, fa), hb = b && get(*b, ba);
    if (hf) a = digits_hint >= 0 ? fixed(fa, digits_hint) : sig3(fa);
    if (hb) c = digits_hint >= 0 ? fixed(ba, digits_hint) : sig3(ba);
    if (ratio && hf && hb && fa > 0) q = sig3(ba / fa) + "x";
    row(label, a, c, q);
  };
  row("", "fluxaws", "baseline", "ratio");
  both("cold start: start to all Ready (s)", [](const mode_results& m, double& v) {
    if (!m.cold || !m.cold->finished) return false;
    v = m.cold->seconds;
    return true;
  }, -1, true);
  both("  objects per second", [&](const mode_results& m, double& v) {
    if (!m.cold || !m.cold->finished || m.cold->seconds <= 0) return false;
    v = r.objects / m.cold->seconds;
    return true;
  });
  both("  Ready objects", [](const mode_results& m, double& v) {
    if (!m.cold) return false;
    v = m.cold->statuses.ready;
    return true;
  }, 0);
  both("  CPU (s)", [](const mode_results& m, double& v) {
    if (!m.cold) return false;
    v = m.cold->cpu_seconds;
    return true;
  }, -1, true);
  both("  peak RSS (MiB)", [](const mode_results& m, double& v) {
    if (!m.cold) return false;
    v = m.cold->peak_rss_kib / 1024.0;
    return true;
  });
  both("  RSS per object (KiB, peak - empty)", [&](const mode_results& m, double& v) {
    if (!m.cold) return false;
    v = rss_per_object_kib(r, *m.cold);
    return true;
  });
  auto latency = [&](const std::string& label, bool cold, double q) {
    both(label, [&](const mode_results& m, double& v) {
      if (!m.steady || !m.steady->all_ready) return false;
      v = ms(p_all(cold ? m.steady->cold_latency : m.steady->steady_latency, q));
      return true;
    }, -1, true);
  };
  latency("  reconcile start to Ready p50 (ms)", true, 0.5);
  latency("  reconcile start to Ready p99 (ms)", true, 0.99);
  both("steady: CPU per unchanged reconcile (us)", [](const mode_results& m, double& v) {
    if (!m.steady || !m.steady->all_ready || m.steady->cpu.reconciles <= 0) return false;
    v = us(m.steady->cpu.cpu_per_reconcile);
    return true;
  }, -1, true);
  for (const auto& kind : all_kinds()) {
    both("  " + kind + " (us, fitted)", [&](const mode_results& m, double& v) {
      if (!m.steady || !m.steady->all_ready) return false;
      auto it = m.steady->cpu.kinds.find(kind);
      if (it == m.steady->cpu.kinds.end() || !it->second.identified) return false;
      v = us(it->second.cpu_seconds_per_reconcile);
      return true;
    });
  }
  both("  reconciles in the window", [](const mode_results& m, double& v) {
    if (!m.steady || !m.steady->all_ready) return false;
    v = m.steady->cpu.reconciles;
    return true;
  }, 0);
  both("  idle CPU (% of a core, fitted)", [](const mode_results& m, double& v) {
    if (!m.steady || !m.steady->all_ready) return false;
    v = m.steady->cpu.idle_cpu_per_second * 100;
    return true;
  });
  latency("  reconcile p50 (ms)", false, 0.5);
  latency("  reconcile p99 (ms)", false, 0.99);
  auto per_reconcile = [&](const std::string& label, const std::string& counter) {
    both(label, [&](const mode_results& m, double& v) {
      if (!m.steady || !m.steady->all_ready || m.steady->cpu.reconciles <= 0) return false;
      auto it = m.steady->counters_window.find(counter);
      if (it == m.steady->counters_window.end()) return false;
      v = it->second / m.steady->cpu.reconciles;
      return true;
    });
  };
  per_reconcile("  HTTP requests per reconcile", "httpRequests");
  per_reconcile("  new connections per reconcile", "httpConnectionsOpened");

  auto calls = [&](const std::string& label, auto pick, long ideal_cold) {
    std::string a = "-", c = "-";
    if (f && f->cold) a = calls_cell(pick(f->cold->calls), ideal_cold);
    if (b && b->cold) c = calls_cell(pick(b->cold->calls), ideal_cold);
    row(label, a, c);
    a = "-";
    c = "-";
    if (f && f->steady && f->steady->all_ready) a = calls_cell(pick(f->steady->calls), 0);
    if (b && b->steady && b->steady->all_ready) c = calls_cell(pick(b->steady->calls), 0);
    row("    steady window", a, c);
  };
  line("credential calls (succeeded/ideal)");
  calls("  STS, cold", [](const credential_calls& c) { return c.sts; }, r.ideal.sts);
  calls("  ECR GetAuthorizationToken, cold", [](const credential_calls& c) { return c.ecr_token; }, r.ideal.ecr_token);
  calls("  KMS Decrypt, cold", [](const credential_calls& c) { return c.kms_decrypt; }, r.ideal.kms_decrypt);
  for (const auto& m : r.modes) {
    if (!m.cold_error.empty()) line(m.name + " cold run: " + m.cold_error);
    if (!m.steady_error.empty()) line(m.name + " steady run: " + m.steady_error);
  }

  if (!r.peers.empty()) {
    line("");
    line("peers (best of runs; process start to result)");
    for (const auto& p : r.peers) {
      if (!p.ok) {
        line("  " + p.peer + " vs " + p.fluxaws + ": not measured (" + p.problem + ")");
        continue;
      }
      line("  " + p.peer + " (" + std::to_string(p.items) + "): " + sig3(p.peer_seconds) + " s  vs  " + p.fluxaws +
           ": " + sig3(p.fluxaws_start_to_ready_seconds) + " s (reconcile alone " +
           sig3(ms(p.fluxaws_reconcile_seconds)) + " ms)  ->  " + sig3(p.ratio()) + "x");
    }
  }
  line("");
  line("targets (direction, not gates; * = stated for another scale than this profile)");
  for (const auto& t : check_targets(r)) {
    std::string mark = !t.measured ? "n/a " : t.met ? "met " : "MISS";
    line("  [" + mark + "]" + (t.applies ? " " : "*") + " " + t.name + ": " + t.target + " -> " +
         (t.value.empty() ? "-" : t.value));
  }
  line("");
  for (const auto& w : r.warnings) line("warning: " + w);
  if (r.broken.empty())
    line("result: OK (" + sig3(r.total_seconds) + " s)");
  else
    for (const auto& s : r.broken) line("BROKEN: " + s);
  return out;
}

}  // namespace fluxaws::bench
