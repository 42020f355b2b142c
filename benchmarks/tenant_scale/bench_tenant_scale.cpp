// bench_tenant_scale — the tenant-scale benchmark (issue "Tenant-scale benchmark"):
// generates a world of T tenants for fluxaws-emulator and the matching Flux objects,
// runs the real fluxaws binary in local mode in its default mode and in the baseline
// mode (a model of Flux's defaults), measures cold start, steady-state CPU per
// reconcile, credential calls against the ideal, memory and latency, compares the
// peers (aws s3 sync, skopeo list-tags), and writes JSON and a table.
// See benchmarks/README.md for the figures and how to run each profile.
#include <curl/curl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/common/time.hpp"
#include "adapters/common/yaml_json.hpp"
#include "benchmarks/tenant_scale/src/bench_options.hpp"
#include "benchmarks/tenant_scale/src/emulator_link.hpp"
#include "benchmarks/tenant_scale/src/engine_modes.hpp"
#include "benchmarks/tenant_scale/src/engine_runs.hpp"
#include "benchmarks/tenant_scale/src/kind_probe.hpp"
#include "benchmarks/tenant_scale/src/object_generator.hpp"
#include "benchmarks/tenant_scale/src/peers.hpp"
#include "benchmarks/tenant_scale/src/report.hpp"
#include "benchmarks/tenant_scale/src/world_generator.hpp"

namespace fs = std::filesystem;
using namespace fluxaws;
using namespace fluxaws::bench;
using namespace std::chrono_literals;

namespace {

const auto program_start = std::chrono::steady_clock::now();

double since_start() { return std::chrono::duration<double>(std::chrono::steady_clock::now() - program_start).count(); }

void progress(const std::string& what) {
  std::fprintf(stderr, "[%7.1fs] %s\n", since_start(), what.c_str());
  std::fflush(stderr);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

// Work folder: removed at exit unless --keep-work (it holds ECR tokens in Secrets).
struct work_folder {
  fs::path path;
  bool keep = false;
  ~work_folder() {
    if (keep || path.empty()) return;
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void check_cold(bench_results& r, const mode_results& m) {
  const auto& c = *m.cold;
  if (!c.finished) {
    r.broken.push_back(m.name + " cold start did not finish within the bound");
    return;
  }
  if (c.exit_code != 0 || c.statuses.ready != r.objects) {
    std::string s = m.name + " cold start: " + std::to_string(c.statuses.ready) + " of " + std::to_string(r.objects) +
                    " objects Ready (exit " + std::to_string(c.exit_code) + ")";
    if (!c.statuses.not_ready.empty()) s += "; first: " + c.statuses.not_ready.front();
    r.broken.push_back(s);
  }
  if (m.name == "fluxaws")
    for (const auto& v : check_calls(c.calls, r.ideal, r.plan.faults, "fluxaws cold start"))
      r.broken.push_back(v);
}

void check_steady(bench_results& r, const mode_results& m) {
  const auto& s = *m.steady;
  if (!s.all_ready) {
    std::string msg = m.name + " steady run: " + std::to_string(s.ready_objects) + " of " + std::to_string(r.objects) +
                      " objects Ready within the bound";
    if (!s.statuses.not_ready.empty()) msg += "; first: " + s.statuses.not_ready.front();
    r.broken.push_back(msg);
    return;
  }
  if (m.name != "fluxaws") return;
  for (const auto& v : check_calls(s.calls, ideal_calls{}, r.plan.faults, "fluxaws steady window"))
    r.broken.push_back(v);
  if (!r.plan.faults)
    for (const auto& [kind, n] : s.failed_reconciles)
      if (n > 0)
        r.broken.push_back("fluxaws steady window: " + std::to_string(static_cast<long>(n)) + " " + kind +
                           " reconciles failed without injected faults");
}

int run(const bench_options& o) {
  bench_results r;
  r.profile = o.profile;
  r.plan = o.plan;
  r.started_at = timefmt::rfc3339(std::chrono::system_clock::now());
  r.machine = read_machine();

  std::error_code ec;
  fs::path out_dir = fs::absolute(o.out_dir);
  fs::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << "bench_tenant_scale: cannot create " << out_dir << ": " << ec.message() << "\n";
    return 1;
  }
  work_folder work;
  work.keep = o.keep_work;
  if (!o.work_dir.empty()) {
    work.path = fs::absolute(o.work_dir);
    fs::create_directories(work.path, ec);
  } else {
    std::string tmpl = (fs::temp_directory_path() / "fluxaws-bench-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) {
      std::cerr << "bench_tenant_scale: cannot create a work folder under " << fs::temp_directory_path() << "\n";
      return 1;
    }
    work.path = tmpl;
  }

  auto finish = [&]() {
    r.total_seconds = since_start();
    std::string table = report_table(r);
    std::string json_text = json::dump(report_json(r), 2) + "\n";
    bool ok_json = write_text(out_dir / "latest.json", json_text);
    bool ok_txt = write_text(out_dir / "latest.txt", table);
    std::cout << table << std::flush;
    if (!ok_json || !ok_txt) {
      std::cerr << "bench_tenant_scale: cannot write the results into " << out_dir << "\n";
      return 1;
    }
    std::cerr << "results: " << (out_dir / "latest.json").string() << "\n";
    if (o.keep_work) std::cerr << "work folder kept: " << work.path.string() << "\n";
    return r.broken.empty() ? 0 : 1;
  };
  auto fail = [&](const std::string& why) {
    r.broken.push_back(why);
    return finish();
  };

  // 1. The world and the emulator. An emulator that refuses one OIDC provider per account
  // for the same issuer gets a single-account world instead (noted in the report).
  plan_options plan = o.plan;
  oidc_key_pair oidc{o.emulator_dir + "/worlds/conformance-oidc.pub", o.emulator_dir + "/worlds/conformance-oidc.key"};
  result<std::unique_ptr<emulator_link>> emu = make_error("emulator", "not started");
  for (int attempt = 0; attempt < 2; ++attempt) {
    progress("generating the world: " + std::to_string(plan.tenants) + " tenants in " +
             std::to_string(account_count(plan)) + " accounts");
    fs::remove_all(work.path / "world", ec);
    auto world = write_world(plan, work.path / "world", oidc);
    if (!world) return fail("world: " + world.error().message);
    progress("starting fluxaws-emulator");
    emulator_settings es;
    es.binary = o.emulator_binary;
    es.world = world->world.string();
    es.threads = o.emulator_threads;
    emu = emulator_link::start(es);
    if (emu || account_count(plan) == 1 || emu.error().message.find("duplicate issuer") == std::string::npos) break;
    r.notes.push_back("the emulator accepts one OIDC provider per issuer URL, not one per account: every tenant is "
                      "in one account");
    plan.tenants_per_account = plan.tenants;
  }
  if (!emu) return fail(emu.error().message);
  r.plan = plan;
  r.emulator_start_seconds = (*emu)->start_seconds();
  progress("emulator ready on port " + std::to_string((*emu)->port()) + " after " +
           seconds_text(r.emulator_start_seconds));
  // AWS's per-account bursts: ECR tokens 200 (fluxaws keeps to 100), STS ~200.
  bool lift_limits = !o.keep_rate_limits && std::min(plan.tenants, plan.tenants_per_account) > 100;
  if (lift_limits)
    r.notes.push_back("more than 100 tenants per account: fluxaws's STS, ECR and registry rate limits (which model "
                      "AWS's per-account quotas) are off in both modes");

  // 2. The two engine configurations, kept with the results.
  auto emu_cfg = yamljson::parse_yaml(read_text((*emu)->fluxaws_config_file()));
  if (!emu_cfg) return fail("the emulator's fluxaws.yaml: " + emu_cfg.error().message);
  std::map<std::string, fs::path> configs;
  for (const auto& name : mode_names()) {
    auto m = make_mode(name, *emu_cfg, lift_limits);
    if (!m) return fail(m.error().message);
    fs::path p = out_dir / ("config-" + name + ".yaml");
    if (!write_text(p, mode_yaml(*m))) return fail("cannot write " + p.string());
    configs[name] = p;
    bool wanted = false;
    for (const auto& w : o.modes) wanted = wanted || w == name;
    if (wanted) r.modes.push_back(mode_results{name, m->description, p.string(), {}, "", {}, ""});
  }

  // 3. The ECR token of the static stand-in identity (and skopeo's credentials).
  peer_tools tools;
  tools.aws = o.aws_binary;
  tools.skopeo = o.skopeo_binary;
  tools.fluxaws = o.fluxaws_binary;
  tools.runs = o.peer_runs;
  std::string password;
  if (auto pw = ecr_password(tools, **emu, work.path)) {
    password = *pw;
  } else {
    r.warnings.push_back("no ECR token for the static stand-in and skopeo: " + pw.error().message);
  }

  // 4. Which kinds, in which form, the engine reconciles today.
  progress("probing the kinds the engine reconciles");
  probe_options po;
  po.fluxaws_binary = o.fluxaws_binary;
  po.config = configs["fluxaws"];
  po.work = work.path;
  po.wanted = o.kinds;
  auto choice = probe_kinds(po, plan, password, **emu);
  if (!choice) return fail("probe: " + choice.error().message);
  r.forms = choice->forms.forms;
  r.excluded = choice->excluded;
  r.notes.insert(r.notes.end(), choice->notes.begin(), choice->notes.end());
  for (const auto& [kind, why] : r.excluded) progress("excluded " + kind + ": " + why);
  object_forms forms = choice->forms;
  forms.ecr_password = password;
  r.objects_by_kind = objects_per_tenant(plan, forms);
  for (auto& [kind, n] : r.objects_by_kind) {
    n *= plan.tenants;
    r.objects += n;
  }
  r.ideal = ideal_cold(plan, forms);
  r.identities = r.ideal.sts > 0 ? plan.tenants : 0;
  if (r.objects == 0) return fail("the engine reconciles none of the benchmark's kinds yet");
  fs::path objects = work.path / "objects";
  if (auto st = write_objects(plan, forms, objects); !st) return fail(st.error().message);
  fs::path empty = work.path / "empty-objects";
  fs::create_directories(empty, ec);

  // 5. The fixed memory of an engine with no objects.
  {
    engine_run_options eo;
    eo.fluxaws_binary = o.fluxaws_binary;
    eo.config = configs["fluxaws"];
    eo.objects = empty;
    eo.work = work.path;
    eo.label = "empty";
    if (auto rss = measure_empty_peak_rss(eo)) r.empty_peak_rss_kib = *rss;
    else r.warnings.push_back("empty engine: " + rss.error().message);
  }

  // 6. Each mode: cold start, then the steady state.
  for (auto& m : r.modes) {
    engine_run_options eo;
    eo.fluxaws_binary = o.fluxaws_binary;
    eo.config = configs[m.name];
    eo.objects = objects;
    eo.work = work.path;
    eo.bound = o.run_bound;
    eo.label = m.name + "-cold";
    progress(m.name + ": cold start of " + std::to_string(r.objects) + " objects");
    auto cold = measure_cold(eo, **emu);
    if (!cold) {
      m.cold_error = cold.error().message;
      r.broken.push_back(m.name + " cold start: " + m.cold_error);
      continue;
    }
    m.cold = *cold;
    progress(m.name + ": cold start took " + seconds_text(cold->seconds) + ", " + std::to_string(cold->statuses.ready) +
             " Ready");
    auto broken_before = r.broken.size();
    check_cold(r, m);
    if (!o.steady) continue;
    if (r.broken.size() != broken_before) {
      m.steady_error = "not run: the cold start was broken";
      continue;
    }
    eo.label = m.name + "-steady";
    steady_options so;
    so.expected_objects = r.objects;
    so.window = o.window;
    so.slice = o.slice;
    progress(m.name + ": steady state (" + std::to_string(o.window.count()) + " s window)");
    auto steady = measure_steady(eo, so, **emu);
    if (!steady) {
      m.steady_error = steady.error().message;
      r.broken.push_back(m.name + " steady run: " + m.steady_error);
      continue;
    }
    m.steady = *steady;
    check_steady(r, m);
  }

  // 7. Peers.
  if (o.peers) {
    progress("peers: aws s3 sync vs a Bucket reconcile");
    r.peers.push_back(compare_s3_sync(tools, plan, **emu, configs["fluxaws"], work.path));
    progress("peers: skopeo list-tags vs an ImageRepository scan");
    if (password.empty()) {
      peer_comparison p;
      p.peer = "skopeo list-tags";
      p.fluxaws = "ImageRepository scan";
      p.items = plan.peer_repository_tags;
      p.problem = "no ECR token";
      r.peers.push_back(p);
    } else {
      r.peers.push_back(compare_skopeo(tools, plan, **emu, password, configs["fluxaws"], work.path));
    }
    for (const auto& p : r.peers) {
      if (p.fluxaws_failed)
        r.broken.push_back("peer comparison " + p.peer + ": " + p.problem);
      else if (!p.ok)
        r.warnings.push_back("peer " + p.peer + " not measured: " + p.problem);
    }
  }
  if (auto cpu = (*emu)->cpu_seconds()) r.emulator_cpu_seconds = *cpu;
  progress("stopping the emulator");
  emu->reset();
  return finish();
}

}  // namespace

int main(int argc, char** argv) {
  bench_options defaults;
  defaults.fluxaws_binary = FLUXAWS_BIN;
  defaults.emulator_binary = FLUXAWS_EMULATOR_BIN;
  defaults.emulator_dir = FLUXAWS_EMULATOR_DIR;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto o = parse_options(args, defaults);
  if (!o) {
    std::cerr << "bench_tenant_scale: " << o.error().message << "\n" << usage();
    return 2;
  }
  if (o->help) {
    std::cout << usage();
    return 0;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = run(*o);
  curl_global_cleanup();
  return rc;
}
