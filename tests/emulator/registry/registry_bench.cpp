// registry_bench — measures the registry part on this machine: seeding a
// conformance-sized world (wall time, our CPU, docker-registry's CPU) and requests
// per second through the front (tags/list pages and manifests), in-process.
//
//   emulator_registry_bench [--concurrency N] [--tags N] [--requests N]
// Prints one line per measurement; exits non-zero when something fails.
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#include <thread>

#include "adapters/common/encoding.hpp"
#include "tests/emulator/registry/registry_front.hpp"
#include "tests/emulator/registry/registry_process.hpp"
#include "tests/emulator/registry/seeder.hpp"

using namespace emu::registry;
namespace fs = std::filesystem;
using steady = std::chrono::steady_clock;

namespace {

double cpu_seconds_self() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double cpu_seconds_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::size_t concurrency = 32, requests = 4000;
  int range_tags = 1500;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--concurrency")) concurrency = std::stoul(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--tags")) range_tags = std::stoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--requests")) requests = std::stoul(argv[i + 1]);
  }
  std::string tmpl = (fs::temp_directory_path() / "emureg-bench-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) return 2;
  const fs::path state = tmpl;
  // The conformance world's ECR part (tests/emulator/worlds/conformance.yaml).
  for (const char* v : {"v1", "v2"}) {
    fs::create_directories(state / v / "nested");
    std::ofstream(state / v / "deploy.yaml") << "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " << v << "\n";
    std::ofstream(state / v / "nested" / "cm.yaml") << "apiVersion: v1\nkind: ConfigMap\n";
  }
  repository_seed app{"111122223333", "us-east-1", "tenant-a/app", {}, {}, {}, {}};
  for (const char* t : {"1.0.0", "1.2.3", "2.0.0-rc.1", "latest"}) app.images.push_back({{t}});
  app.ranges.push_back({"build-%04d", 1, range_tags});
  repository_seed manifests{"111122223333", "us-east-1", "tenant-a/manifests", {}, {}, {}, {}};
  manifests.artifacts.push_back({{"v1.0.0"}, (state / "v1").string(), {}});
  manifests.artifacts.push_back({{"v1.1.0"}, (state / "v2").string(), {}});
  repository_seed b{"111122223333", "us-east-1", "tenant-b/app", {}, {}, {}, {}};
  for (const char* t : {"0.1.0", "0.2.0", "0.3.0", "latest"}) b.images.push_back({{t}});
  const std::vector<repository_seed> seeds = {app, manifests, b};

  int rc = 0;
  {
    auto t0 = steady::now();
    registry_process::options popts;
    popts.state_dir = state;
    auto proc = registry_process::start(popts);
    if (!proc) {
      std::cerr << proc.error().message << "\n";
      return 1;
    }
    std::printf("docker-registry ready in %.3f s\n", since(t0));
    const double reg_cpu0 = cpu_seconds_of((*proc)->pid()), self_cpu0 = cpu_seconds_self();
    seed_options sopts;
    sopts.concurrency = concurrency;
    auto t1 = steady::now();
    auto report = seed_blocking((*proc)->port(), seeds, sopts);
    const double wall = since(t1);
    if (!report) {
      std::cerr << report.error().message << "\n";
      return 1;
    }
    std::printf("seeded %zu manifests, %zu tags, %zu blobs with %zu requests (concurrency %zu) in %.3f s wall (blob phase %.3f s); "
                "CPU: ours %.3f s, docker-registry %.3f s\n",
                report->manifests, report->tags, report->blobs, report->requests, concurrency, wall,
                static_cast<double>(report->blobs_elapsed.count()) / 1000.0,
                cpu_seconds_self() - self_cpu0, cpu_seconds_of((*proc)->pid()) - reg_cpu0);

    // Requests through the front, in-process, one io_context thread.
    boost::asio::io_context ioc(1);
    registry_client::options copts;
    copts.port = (*proc)->port();
    registry_client client(ioc.get_executor(), copts);
    registry_front::options fopts;
    fopts.authorize = [](std::string_view, const std::string&, std::string_view) {
      auth_decision d;
      d.allowed = true;
      d.principal_arn = "arn:aws:iam::111122223333:user/ci";
      return d;
    };
    registry_front front(client, fopts);
    front.add_repositories(seeds);
    const std::string host = "111122223333.dkr.ecr.us-east-1.amazonaws.com";
    const std::string auth = "Basic " + fluxaws::enc::base64("AWS:bench");
    // The first manifest round misses the front's cache (docker-registry answers), the
    // second hits it.
    for (const std::string& what : {std::string("manifest"), std::string("manifest (warm)"), std::string("tags")}) {
      std::vector<emu::http_request> reqs;
      for (std::size_t i = 0; i < requests; ++i) {
        char tag[32];
        std::snprintf(tag, sizeof tag, "build-%04d", static_cast<int>(i % static_cast<std::size_t>(range_tags)) + 1);
        std::string target = what != "tags" ? "/v2/tenant-a/app/manifests/" + std::string(tag) : "/v2/tenant-b/app/tags/list";
        emu::http_request req{boost::beast::http::verb::get, target, 11};
        req.set(boost::beast::http::field::host, host);
        req.set(boost::beast::http::field::authorization, auth);
        reqs.push_back(std::move(req));
      }
      front_context ctx{host, true, "111122223333", "us-east-1"};
      std::size_t next = 0, ok = 0;
      auto worker = [&]() -> boost::asio::awaitable<void> {
        while (next < reqs.size()) {
          auto& req = reqs[next++];
          auto res = co_await front.handle(req, ctx);
          if (res.result_int() == 200) ++ok;
        }
      };
      const double reg0 = cpu_seconds_of((*proc)->pid()), self0 = cpu_seconds_self();
      auto t2 = steady::now();
      for (std::size_t w = 0; w < 64; ++w) boost::asio::co_spawn(ioc, worker(), boost::asio::detached);
      ioc.restart();
      ioc.run();
      const double secs = since(t2);
      std::printf("front %-15s: %zu requests (64 in flight) in %.3f s = %.0f req/s; CPU: ours %.3f s, docker-registry %.3f s\n",
                  what.c_str(), reqs.size(), secs, static_cast<double>(reqs.size()) / secs, cpu_seconds_self() - self0,
                  cpu_seconds_of((*proc)->pid()) - reg0);
      if (ok != reqs.size()) {
        std::fprintf(stderr, "%zu of %zu requests failed\n", reqs.size() - ok, reqs.size());
        rc = 1;
      }
    }
    client.close_idle();
    (*proc)->stop();
  }
  std::error_code ec;
  fs::remove_all(state, ec);
  return rc;
}
