// fluxaws-emulator — a local AWS (STS, ECR API + registry, S3, KMS, IMDSv2, Pod
// Identity, IAM policies) on 127.0.0.1 for tests, the demo and the benchmarks.
//
//   fluxaws-emulator --world FILE --listen 127.0.0.1:PORT --state-dir DIR
//                    [--threads N] [--no-registry] [--quiet]
//
// Starts docker-registry as a supervised child (unless --no-registry), seeds it with the
// world's repositories, writes DIR/ca.pem, DIR/env, DIR/fluxaws.yaml and DIR/ready.json
// (last), serves until SIGTERM/SIGINT, then stops the child and exits 0.
// Exit codes: 0 clean stop, 1 runtime failure, 2 bad arguments or world.
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "tests/emulator/asio.hpp"
#include "tests/emulator/emulator.hpp"
#include "tests/emulator/outputs.hpp"
#include "tests/emulator/registry/registry_client.hpp"
#include "tests/emulator/registry/registry_front.hpp"
#include "tests/emulator/registry/registry_process.hpp"
#include "tests/emulator/registry/seeder.hpp"
#include "tests/emulator/server.hpp"
#include "tests/emulator/tls_identity.hpp"
#include "tests/emulator/world.hpp"

namespace fs = std::filesystem;
using namespace emu;

namespace {

struct args {
  std::string world, listen = "127.0.0.1:0", state_dir;
  unsigned threads = 1;
  bool registry = true;
  bool quiet = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "fluxaws-emulator: " << why << "\n"
            << "usage: fluxaws-emulator --world FILE --listen 127.0.0.1:PORT --state-dir DIR [--threads N] "
               "[--no-registry] [--quiet]\n";
  std::exit(2);
}

args parse_args(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--world") a.world = value();
    else if (k == "--listen") a.listen = value();
    else if (k == "--state-dir") a.state_dir = value();
    else if (k == "--threads") {
      auto v = value();
      if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 3) usage("--threads takes a number");
      a.threads = static_cast<unsigned>(std::stoul(v));
      if (a.threads < 1 || a.threads > 64) usage("--threads must be 1..64");
    } else if (k == "--no-registry") a.registry = false;
    else if (k == "--quiet") a.quiet = true;
    else if (k == "-h" || k == "--help") usage("help");
    else usage("unknown argument " + k);
  }
  if (a.world.empty()) usage("--world is required");
  if (a.state_dir.empty()) usage("--state-dir is required");
  return a;
}

// 127.0.0.1:PORT, [::1]:PORT or localhost:PORT only: the emulator never listens beyond
// the machine.
tcp::endpoint loopback_endpoint(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) usage("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon), port = listen.substr(colon + 1);
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5)
    usage("--listen: bad port " + port);
  auto p = std::stoul(port);
  if (p > 65535) usage("--listen: bad port " + port);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) usage("--listen: " + host + " is not an IP address");
  if (!addr.is_loopback()) usage("--listen: refusing the non-loopback address " + host + " (use 127.0.0.1)");
  return {addr, static_cast<unsigned short>(p)};
}

std::vector<registry::repository_seed> seeds_of(const world& w) {
  std::vector<registry::repository_seed> out;
  for (const auto& r : w.repositories) {
    registry::repository_seed s;
    s.account = r.account;
    s.region = r.region;
    s.name = r.name;
    for (const auto& i : r.images) s.images.push_back({i.tags});
    for (const auto& t : r.ranges) s.ranges.push_back({t.format, t.from, t.to});
    for (const auto& a : r.artifacts) s.artifacts.push_back({a.tags, a.dir, a.annotations});
    for (const auto& l : r.layouts) s.layouts.push_back({l.dir});
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  args a = parse_args(argc, argv);
  auto endpoint = loopback_endpoint(a.listen);
  auto log = [&](const std::string& line) {
    if (!a.quiet) std::cerr << "fluxaws-emulator: " << line << std::endl;
  };

  auto loaded = load_world(a.world);
  if (!loaded) {
    std::cerr << "fluxaws-emulator: " << loaded.error().message << "\n";
    return 2;
  }
  std::error_code fec;
  fs::create_directories(a.state_dir, fec);
  if (fec) {
    std::cerr << "fluxaws-emulator: cannot create the state directory " << a.state_dir << ": " << fec.message() << "\n";
    return 2;
  }
  const std::string state_dir = fs::weakly_canonical(fs::absolute(a.state_dir)).string();
  fs::remove(state_dir + "/ready.json", fec);  // a stale one would say "ready" too early

  auto made = emulator::create(std::move(loaded.value()));
  if (!made) {
    std::cerr << "fluxaws-emulator: " << made.error().message << "\n";
    return 2;
  }
  auto& emu = *made.value();
  const world& w = emu.the_world();

  // TLS: a fresh CA and a server certificate for every name of the world's regions.
  auto identity = make_tls_identity(aws_server_names(w.regions), {"127.0.0.1", "::1"});
  if (!identity) {
    std::cerr << "fluxaws-emulator: " << identity.error().message << "\n";
    return 1;
  }
  if (auto st = write_file_atomic(state_dir + "/ca.pem", identity->ca_cert_pem); !st) {
    std::cerr << "fluxaws-emulator: " << st.error().message << "\n";
    return 1;
  }
  asio::ssl::context tls(asio::ssl::context::tls_server);
  tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  std::string chain = identity->server_cert_pem + identity->ca_cert_pem;
  tls.use_certificate_chain(asio::buffer(chain));
  tls.use_private_key(asio::buffer(identity->server_key_pem), asio::ssl::context::pem);

  // SIGTERM/SIGINT: blocked in every thread; the io_context's signal_set takes them.
  asio::io_context io(static_cast<int>(a.threads));
  asio::signal_set signals(io, SIGTERM, SIGINT);

  // The registry child (dies with this thread: PR_SET_PDEATHSIG) and its seeding.
  std::unique_ptr<registry::registry_process> registry_child;
  if (a.registry) {
    registry::registry_process::options ro;
    ro.state_dir = state_dir;
    auto started = registry::registry_process::start(ro);
    if (!started) {
      std::cerr << "fluxaws-emulator: docker-registry: " << started.error().message << "\n";
      return 1;
    }
    registry_child = std::move(started.value());
    auto seeds = seeds_of(w);
    if (!seeds.empty()) {
      registry::seed_options so;
      so.base_dir = w.dir;
      so.state_file = fs::path(state_dir) / "registry" / "seeded.json";
      auto report = registry::seed_blocking(registry_child->port(), seeds, so);
      if (!report) {
        std::cerr << "fluxaws-emulator: seeding the registry: " << report.error().message << "\n";
        registry_child->stop();
        return 2;
      }
      log("seeded " + std::to_string(report->repositories) + " repositories (" + std::to_string(report->tags) +
          " tags, " + std::to_string(report->skipped) + " already present) in " +
          std::to_string(report->elapsed.count()) + " ms");
    }
  }

  std::unique_ptr<registry::registry_client> upstream;
  std::unique_ptr<registry::registry_front> front;
  if (registry_child) {
    registry::registry_client::options co;
    co.port = registry_child->port();
    upstream = std::make_unique<registry::registry_client>(io.get_executor(), co);
    registry::registry_front::options fo;
    fo.authorize = [&emu](std::string_view header, const std::string& arn, std::string_view action) {
      auto r = emu.ecr().authorize_registry(header, arn, action);
      registry::auth_decision d;
      d.allowed = r.allowed;
      d.status = r.status;
      d.principal_arn = r.principal_arn;
      d.code = r.code;
      d.message = r.message;
      return d;
    };
    fo.count = [&emu](std::string_view op, std::string_view who, int status) {
      emu.calls().add("registry", op, who, status);
    };
    front = std::make_unique<registry::registry_front>(*upstream, fo);
    front->add_repositories(seeds_of(w));
    emu.attach_registry(front.get());
  }

  std::unique_ptr<server> srv;
  try {
    srv = std::make_unique<server>(io, tls, endpoint, [&emu](const http_request& req, const request_context& rc) {
      return emu.dispatch(req, rc);
    });
  } catch (const std::exception& e) {
    std::cerr << "fluxaws-emulator: cannot listen on " << a.listen << ": " << e.what() << "\n";
    if (registry_child) registry_child->stop();
    return 1;
  }
  srv->start();

  ready_info ri;
  ri.state_dir = state_dir;
  ri.listen_host = endpoint.address().is_v6() ? "[" + endpoint.address().to_string() + "]" : endpoint.address().to_string();
  ri.port = srv->port();
  ri.registry_port = registry_child ? registry_child->port() : 0;
  ri.pid = static_cast<long>(::getpid());
  if (auto st = write_ready_files(w, ri); !st) {
    std::cerr << "fluxaws-emulator: " << st.error().message << "\n";
    if (registry_child) registry_child->stop();
    return 1;
  }
  log("ready on " + ri.listen_host + ":" + std::to_string(ri.port) +
      (registry_child ? " (registry 127.0.0.1:" + std::to_string(ri.registry_port) + ")" : std::string(" (no registry)")) +
      ", state " + state_dir);

  int stop_signal = 0;
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    stop_signal = sig;
    srv->stop();
    io.stop();
  });
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < a.threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();

  log("stopping (signal " + std::to_string(stop_signal) + ")");
  if (upstream) upstream->close_idle();
  if (registry_child) registry_child->stop();
  std::error_code rec;
  fs::remove(state_dir + "/ready.json", rec);
  // Connection coroutines still suspended in the io_context reference the objects
  // above; end the process here rather than unwind them in an order Asio cannot promise.
  std::fflush(nullptr);
  std::_Exit(0);
}
