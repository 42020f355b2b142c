#include "runtime/commands.hpp"

#include <chrono>
#include <iostream>
#include <thread>

#include "actors/status_store.hpp"
#include "adapters/common/log.hpp"
#include "runtime/cli.hpp"
#include "runtime/engine_host.hpp"
#include "runtime/signals.hpp"
#include "runtime/status_table.hpp"

namespace fluxaws::runtime {

using namespace std::chrono_literals;

namespace {

void configure_logging(const config& cfg) {
  auto level = log::parse_level(cfg.observe.log_level).value_or(log::level::info);
  log::configure(level, cfg.observe.log_encoding != "console", &std::cerr);
}

bool all_ready(const std::vector<json::value>& objects) {
  for (const auto& obj : objects) {
    const json::value* conds = obj.at({"status", "conditions"});
    bool ready = false;
    if (conds)
      for (const auto& c : conds->as_array())
        if (c.find("type") && c.find("type")->as_string() == "Ready")
          ready = c.find("status") && c.find("status")->as_string() == "True";
    const json::value* suspend = obj.at({"spec", "suspend"});
    if (!ready && !(suspend && suspend->as_bool())) return false;
  }
  return true;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << run_usage();
      return 0;
    }
  auto opts = parse_run_args(args);
  if (!opts) {
    std::cerr << "fluxaws run: " << opts.error().message << "\n";
    return 2;
  }
  configure_logging(opts->cfg);
  install_stop_signals();
  auto host = engine_host::start(*opts);
  if (!host) {
    std::cerr << "fluxaws run: " << host.error().message << "\n";
    return 1;
  }
  auto& h = **host;
  if (!opts->once) {
    auto next_refresh = std::chrono::steady_clock::now();
    bool watching = !opts->cfg.kube.leader_election;
    int code = 0;
    while (!stop_requested()) {
      if (!watching && h.leadership() == 1) {
        log::info("leadership acquired; starting the watch", {});
        h.start_watch();
        watching = true;
      }
      if (h.leadership() == -1) {
        // As controller-runtime does: a replica that lost its Lease exits, and the
        // Deployment restarts it as a candidate.
        log::error("leader election lost", {});
        code = 1;
        break;
      }
      if (std::chrono::steady_clock::now() >= next_refresh) {
        h.refresh();
        next_refresh = std::chrono::steady_clock::now() + 1s;
      }
      std::this_thread::sleep_for(100ms);
    }
    log::info("shutting down", {});
    h.shutdown();
    return code;
  }
  // --once: every object reconciled once (Ready, failed or stalled), then the table.
  auto deadline = std::chrono::steady_clock::now() + opts->once_timeout;
  bool timed_out = true;
  while (!stop_requested() && std::chrono::steady_clock::now() < deadline) {
    h.refresh();
    auto s = h.summary();
    if (s.source_synced && s.pending == 0) {
      timed_out = false;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  h.flush();
  auto objects = h.statuses();
  h.shutdown();
  std::cout << render_table(objects, true);
  if (timed_out) {
    std::cerr << "fluxaws run --once: not every object finished within " << opts->once_timeout.count() / 1000
              << "s\n";
    return 1;
  }
  return all_ready(objects) ? 0 : 1;
}

int get_command(const std::vector<std::string>& args) {
  std::string what = "all", state_dir, output = "table";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](const std::string& flag) -> std::string {
      if (a.size() > flag.size() && a.compare(0, flag.size() + 1, flag + "=") == 0) return a.substr(flag.size() + 1);
      return i + 1 < args.size() ? args[++i] : std::string();
    };
    if (a == "--state-dir" || a.rfind("--state-dir=", 0) == 0)
      state_dir = value("--state-dir");
    else if (a == "-o" || a == "--output" || a.rfind("--output=", 0) == 0)
      output = a == "-o" ? (i + 1 < args.size() ? args[++i] : "") : value("--output");
    else if (a == "--help" || a == "-h") {
      std::cout << "Usage: fluxaws get [all|buckets|ocirepositories|imagerepositories|imagepolicies|kustomizations] "
                   "--state-dir DIR [-o table|json]\n";
      return 0;
    } else if (a.rfind("-", 0) == 0) {
      std::cerr << "fluxaws get: unknown flag " << a << "\n";
      return 2;
    } else
      what = a;
  }
  if (state_dir.empty()) {
    std::cerr << "fluxaws get: --state-dir is required\n";
    return 2;
  }
  auto kind = kind_for_get_argument(what);
  if (!kind) {
    std::cerr << "fluxaws get: unknown kind '" << what
              << "' (all, buckets, ocirepositories, imagerepositories, imagepolicies, kustomizations)\n";
    return 2;
  }
  if (output != "table" && output != "json") {
    std::cerr << "fluxaws get: -o must be table or json\n";
    return 2;
  }
  auto objects = actors::read_statuses(state_dir, *kind);
  if (output == "json")
    std::cout << render_list_json(objects);
  else
    std::cout << render_table(objects, kind->empty());
  return 0;
}

int config_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help") {
    std::cout << "Usage: fluxaws config defaults | fluxaws config validate FILE|-\n";
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "defaults") {
    std::cout << default_config_yaml();
    return 0;
  }
  if (args[0] == "reference") {  // the table in docs/config.md
    std::cout << config_reference_markdown();
    return 0;
  }
  if (args[0] == "validate") {
    if (args.size() < 2) {
      std::cerr << "fluxaws config validate: a file (or - for standard input) is required\n";
      return 2;
    }
    auto cfg = load_config(args[1]);
    if (!cfg) {
      std::cerr << cfg.error().message << "\n";
      return 1;
    }
    if (auto st = validate_config(*cfg); !st) {
      std::cerr << args[1] << ": " << st.error().message << "\n";
      return 1;
    }
    std::cout << (args[1] == "-" ? "<stdin>" : args[1]) << ": valid\n";
    return 0;
  }
  std::cerr << "fluxaws config: unknown subcommand '" << args[0] << "'\n";
  return 2;
}

}  // namespace fluxaws::runtime
