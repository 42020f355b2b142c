#include "benchmarks/tenant_scale/src/bench_options.hpp"

#include <cstdlib>

#include "adapters/common/strings.hpp"

namespace fluxaws::bench {

namespace {

result<int> to_int(const std::string& flag, const std::string& v, int min, int max) {
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (v.empty() || !end || *end != '\0' || n < min || n > max)
    return make_error("usage", flag + ": expected an integer in [" + std::to_string(min) + ", " +
                                   std::to_string(max) + "], got '" + v + "'");
  return static_cast<int>(n);
}

std::vector<std::string> list(const std::string& v) {
  std::vector<std::string> out;
  for (auto part : str::split(v, ','))
    if (!str::trim(part).empty()) out.emplace_back(str::trim(part));
  return out;
}

}  // namespace

status apply_profile(bench_options& o, const std::string& profile) {
  o.profile = profile;
  if (profile == "smoke") {
    o.plan.tenants = 4;
    o.window = std::chrono::seconds(10);
    o.plan.peer_bucket_objects = 100;
    o.plan.peer_repository_tags = 100;
    o.peer_runs = 1;
  } else if (profile == "short") {
    o.plan.tenants = 250;
    o.window = std::chrono::seconds(20);
  } else if (profile == "large") {
    o.plan.tenants = 1000;
    o.window = std::chrono::seconds(30);
    o.slice = std::chrono::milliseconds(2000);
  } else if (profile == "memory") {
    o.plan.tenants = 10000;
    o.modes = {"fluxaws"};
    o.steady = false;
    o.peers = false;
    o.plan.peer_bucket_objects = 0;
    o.plan.peer_repository_tags = 0;
    o.run_bound = std::chrono::seconds(1800);
  } else {
    return make_error("usage", "unknown profile '" + profile + "' (smoke, short, large, memory)");
  }
  return {};
}

result<bench_options> parse_options(const std::vector<std::string>& args, bench_options o) {
  // The profile first, wherever it is, so that other flags override it.
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string p;
    if (args[i] == "--profile" && i + 1 < args.size()) p = args[i + 1];
    if (args[i].rfind("--profile=", 0) == 0) p = args[i].substr(10);
    if (!p.empty())
      if (auto st = apply_profile(o, p); !st) return st.error();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      has_value = true;
    }
    auto need = [&]() -> result<std::string> {
      if (has_value) return value;
      if (i + 1 >= args.size()) return make_error("usage", a + " needs a value");
      return args[++i];
    };
    auto integer = [&](int min, int max) -> result<int> {
      auto v = need();
      if (!v) return v.error();
      return to_int(a, *v, min, max);
    };
    if (a == "--help" || a == "-h") {
      o.help = true;
    } else if (a == "--profile") {
      if (!need()) return make_error("usage", "--profile needs a value");
    } else if (a == "--tenants") {
      auto v = integer(1, 100000);
      if (!v) return v.error();
      o.plan.tenants = *v;
    } else if (a == "--window") {
      auto v = integer(2, 3600);
      if (!v) return v.error();
      o.window = std::chrono::seconds(*v);
    } else if (a == "--slice-ms") {
      auto v = integer(200, 60000);
      if (!v) return v.error();
      o.slice = std::chrono::milliseconds(*v);
    } else if (a == "--latency-ms") {
      auto v = integer(0, 10000);
      if (!v) return v.error();
      o.plan.latency.fixed = std::chrono::milliseconds(*v);
    } else if (a == "--jitter-ms") {
      auto v = integer(0, 10000);
      if (!v) return v.error();
      o.plan.latency.jitter = std::chrono::milliseconds(*v);
    } else if (a == "--tenants-per-account") {
      auto v = integer(1, 100000);
      if (!v) return v.error();
      o.plan.tenants_per_account = *v;
    } else if (a == "--image-tags") {
      auto v = integer(1, 10000);
      if (!v) return v.error();
      o.plan.image_tags = *v;
    } else if (a == "--peer-objects") {
      auto v = integer(1, 100000);
      if (!v) return v.error();
      o.plan.peer_bucket_objects = *v;
    } else if (a == "--peer-tags") {
      auto v = integer(1, 100000);
      if (!v) return v.error();
      o.plan.peer_repository_tags = *v;
    } else if (a == "--peer-runs") {
      auto v = integer(1, 20);
      if (!v) return v.error();
      o.peer_runs = *v;
    } else if (a == "--run-timeout") {
      auto v = integer(10, 86400);
      if (!v) return v.error();
      o.run_bound = std::chrono::seconds(*v);
    } else if (a == "--emulator-threads") {
      auto v = integer(1, 64);
      if (!v) return v.error();
      o.emulator_threads = *v;
    } else if (a == "--keep-rate-limits") {
      o.keep_rate_limits = true;
    } else if (a == "--faults") {
      o.plan.faults = true;
    } else if (a == "--no-steady") {
      o.steady = false;
    } else if (a == "--no-peers") {
      o.peers = false;
    } else if (a == "--keep-work") {
      o.keep_work = true;
    } else if (a == "--modes" || a == "--kinds") {
      auto v = need();
      if (!v) return v.error();
      auto items = list(*v);
      const auto& known = a == "--modes" ? std::vector<std::string>{"fluxaws", "baseline"} : all_kinds();
      for (const auto& it : items) {
        bool ok = false;
        for (const auto& k : known) ok = ok || k == it;
        if (!ok) return make_error("usage", a + ": unknown value '" + it + "'");
      }
      if (items.empty()) return make_error("usage", a + " needs at least one value");
      (a == "--modes" ? o.modes : o.kinds) = items;
    } else if (a == "--out" || a == "--work-dir" || a == "--fluxaws" || a == "--emulator" || a == "--emulator-dir" ||
               a == "--aws" || a == "--skopeo") {
      auto v = need();
      if (!v) return v.error();
      std::string& target = a == "--out"            ? o.out_dir
                            : a == "--work-dir"     ? o.work_dir
                            : a == "--fluxaws"      ? o.fluxaws_binary
                            : a == "--emulator"     ? o.emulator_binary
                            : a == "--emulator-dir" ? o.emulator_dir
                            : a == "--aws"          ? o.aws_binary
                                                    : o.skopeo_binary;
      target = *v;
    } else {
      return make_error("usage", "unknown flag '" + args[i] + "' (see --help)");
    }
  }
  if (o.kinds.empty()) o.kinds = all_kinds();
  if (o.plan.sops_secrets > o.plan.bucket_objects) return make_error("usage", "more SOPS Secrets than bucket objects");
  return o;
}

std::string usage() {
  return "Usage: bench_tenant_scale [--profile smoke|short|large|memory] [flags]\n"
         "\n"
         "Generates T tenants (role, bucket, ECR repositories, KMS key; per tenant 2 OCIRepositories,\n"
         "2 ImageRepositories with ImagePolicies, 1 Bucket, 1 Kustomization with 2 SOPS Secrets),\n"
         "runs fluxaws in local mode against fluxaws-emulator (5 ms +/- 1 ms per call), in its default\n"
         "mode and in the baseline mode (a model of Flux's defaults), and compares aws s3 sync and\n"
         "skopeo list-tags on the same data. Writes OUT/latest.json, OUT/latest.txt and the two\n"
         "engine configurations; exits 1 only on a broken run (objects not Ready, credential calls\n"
         "beyond the ideal, a tool that cannot run), never on a timing.\n"
         "\n"
         "profiles: smoke (4 tenants), short (250 tenants = 2,000 objects; CI), large (1,000 tenants =\n"
         "          8,000 objects), memory (10,000 tenants = 80,000 objects; fluxaws mode, cold start only)\n"
         "flags:    --tenants N  --window S  --slice-ms MS  --latency-ms MS  --jitter-ms MS  --faults\n"
         "          --modes fluxaws,baseline  --kinds Bucket,OCIRepository,...  --no-steady  --no-peers\n"
         "          --tenants-per-account N (default 50)  --keep-rate-limits  --peer-objects N  --peer-tags N  --peer-runs N\n"
         "          --image-tags N  --run-timeout S\n"
         "          --emulator-threads N  --out DIR  --work-dir DIR  --keep-work\n"
         "          --fluxaws PATH  --emulator PATH  --emulator-dir DIR  --aws PATH  --skopeo PATH\n";
}

}  // namespace fluxaws::bench
