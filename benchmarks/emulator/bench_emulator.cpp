// bench_emulator: how many requests per second fluxaws-emulator serves on one core, so we
// know it is not the bottleneck of the engine's benchmarks.
//
// The emulator runs with --threads 1 --no-registry, pinned to CPU 0; this load generator
// runs on CPU 1 (when there is one) with N keep-alive connections (Asio coroutines),
// each sending the same small request again and again. Signed requests are signed once
// with the project's SigV4 signer (valid for the 15-minute skew window) and verified by
// the emulator on every request. Scenarios:
//   health         GET /_emulator/health — unsigned, no service: the baseline
//   sts            STS GetCallerIdentity, SigV4-signed, plain HTTP (Host: sts.us-east-1…)
//   kms            KMS Decrypt of a small blob, SigV4-signed (policy check + AES-GCM)
//   sts_tls        as sts over TLS (handshake once per connection)
// Reported per scenario: requests per wall second, per second of the emulator's own CPU
// time (from /proc: what "one core" can do, independent of the load generator), and
// the ratio to the baseline. It asserts correctness only — every answer 200 and the
// emulator's call counters equal to the answers counted — never time.
// Usage: bench_emulator [--quick] [--seconds S] [--connections N]
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/aws/credentials.hpp"
#include "adapters/aws/sigv4.hpp"
#include "adapters/common/json.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

namespace json = fluxaws::json;
namespace sigv4 = fluxaws::aws::sigv4;
using namespace emu;

namespace {

struct scenario_result {
  std::string name;
  uint64_t ok = 0, failed = 0;
  double wall_s = 0, emulator_cpu_s = 0;
  double rps() const { return wall_s > 0 ? ok / wall_s : 0; }
  double rps_per_cpu() const { return emulator_cpu_s > 0 ? ok / emulator_cpu_s : 0; }
};

double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15; ++i) {
    rest >> field;
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

fluxaws::aws::credentials ci() {
  fluxaws::aws::credentials c;
  c.access_key_id = "AKIACONFORMANCE00001";
  c.secret_access_key = "conformance/Secret+Key/00001";
  c.source = "static";
  return c;
}

// A request signed once, serialized to wire bytes.
std::string signed_request(const std::string& service, const std::string& host, const std::string& target_header,
                           const std::string& content_type, const std::string& body) {
  sigv4::http_request r{"POST", "/", "", {{"Host", host}, {"Content-Type", content_type}}, body};
  if (!target_header.empty()) r.headers.emplace_back("X-Amz-Target", target_header);
  sigv4::signing_params p;
  p.region = "us-east-1";
  p.service = service;
  p.time = std::chrono::system_clock::now();
  sigv4::sign_headers(r, ci(), p);
  std::string wire = "POST / HTTP/1.1\r\n";
  for (const auto& [k, v] : r.headers) wire += k + ": " + v + "\r\n";
  wire += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return wire;
}

std::string plain_get(const std::string& host, const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

struct load {
  unsigned short port;
  std::string wire;
  bool tls = false;
  std::string sni;
  std::string ca_file;
  std::atomic<uint64_t> ok{0}, failed{0};
  std::atomic<bool> counting{false}, stop{false};
};

template <class Stream>
asio::awaitable<void> drive(Stream& stream, load& l) {
  beast::flat_buffer buf;
  boost::system::error_code ec;
  while (!l.stop.load(std::memory_order_relaxed)) {
    co_await asio::async_write(stream, asio::buffer(l.wire), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1 << 20);
    co_await http::async_read(stream, buf, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    if (!l.counting.load(std::memory_order_relaxed)) continue;
    if (parser.get().result_int() == 200) l.ok.fetch_add(1, std::memory_order_relaxed);
    else l.failed.fetch_add(1, std::memory_order_relaxed);
  }
}

asio::awaitable<void> connection(load& l, asio::ssl::context& tls_ctx) {
  auto ex = co_await asio::this_coro::executor;
  tcp::socket sock(ex);
  boost::system::error_code ec;
  co_await sock.async_connect({asio::ip::make_address("127.0.0.1"), l.port}, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    l.failed.fetch_add(1);
    co_return;
  }
  sock.set_option(tcp::no_delay(true));
  if (!l.tls) {
    co_await drive(sock, l);
    co_return;
  }
  asio::ssl::stream<tcp::socket> s(std::move(sock), tls_ctx);
  SSL_set_tlsext_host_name(s.native_handle(), l.sni.c_str());
  s.set_verify_mode(asio::ssl::verify_peer);
  s.set_verify_callback(asio::ssl::rfc2818_verification(l.sni));
  co_await s.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    l.failed.fetch_add(1);
    co_return;
  }
  co_await drive(s, l);
}

scenario_result run(const std::string& name, harness::emulator_process& emu, const std::string& wire, bool tls,
                    const std::string& sni, unsigned connections, double seconds) {
  load l;
  l.port = emu.port();
  l.wire = wire;
  l.tls = tls;
  l.sni = sni;
  asio::io_context io(1);
  asio::ssl::context tls_ctx(asio::ssl::context::tls_client);
  tls_ctx.load_verify_file(emu.ca_file());
  for (unsigned i = 0; i < connections; ++i) asio::co_spawn(io, connection(l, tls_ctx), asio::detached);
  std::thread driver([&io] { io.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // connect, handshake, warm up
  double cpu0 = process_cpu_seconds(emu.pid());
  auto t0 = std::chrono::steady_clock::now();
  l.counting = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  l.counting = false;
  auto t1 = std::chrono::steady_clock::now();
  double cpu1 = process_cpu_seconds(emu.pid());
  l.stop = true;
  driver.join();
  scenario_result r;
  r.name = name;
  r.ok = l.ok.load();
  r.failed = l.failed.load();
  r.wall_s = std::chrono::duration<double>(t1 - t0).count();
  r.emulator_cpu_s = cpu1 - cpu0;
  return r;
}

// One synchronous request (setup and counter checks).
std::string fetch(unsigned short port, const std::string& wire) {
  asio::io_context io;
  tcp::socket sock(io);
  sock.connect({asio::ip::make_address("127.0.0.1"), port});
  asio::write(sock, asio::buffer(wire));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(sock, buf, res);
  return res.body();
}

uint64_t counted(unsigned short port, const std::string& service, const std::string& op) {
  auto calls = json::parse(fetch(port, plain_get("127.0.0.1", "/_emulator/calls")));
  uint64_t n = 0;
  if (calls)
    for (const auto& c : calls->as_array())
      if (c.find("service")->as_string() == service && c.find("operation")->as_string() == op &&
          c.find("status")->as_int() == 200)
        n += static_cast<uint64_t>(c.find("count")->as_int());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3.0;
  unsigned connections = 32;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") seconds = 0.5;
    else if (a == "--seconds" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "--connections" && i + 1 < argc) connections = static_cast<unsigned>(std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: bench_emulator [--quick] [--seconds S] [--connections N]\n");
      return 2;
    }
  }
  unsigned cpus = std::thread::hardware_concurrency();
  harness::emulator_options eo{FLUXAWS_EMULATOR_BIN, std::string(FLUXAWS_EMULATOR_DIR) + "/worlds/conformance.yaml",
                               {"--threads", "1", "--no-registry", "--quiet"}, std::chrono::seconds(120), 0};
  harness::emulator_process emu(eo);
  if (cpus >= 2) pin_to_cpu(1);

  const std::string sts_host = "sts.us-east-1.amazonaws.com", kms_host = "kms.us-east-1.amazonaws.com";
  auto sts_wire = signed_request("sts", sts_host, "", "application/x-www-form-urlencoded",
                                 "Action=GetCallerIdentity&Version=2011-06-15");
  // A blob to decrypt: one Encrypt first.
  auto enc = json::parse(fetch(emu.port(), signed_request("kms", kms_host, "TrentService.Encrypt", "application/x-amz-json-1.1",
                                                          R"({"KeyId":"alias/tenant-a","Plaintext":"c2VjcmV0"})")));
  if (!enc || !enc->find("CiphertextBlob")) {
    std::fprintf(stderr, "bench_emulator: KMS Encrypt failed\n");
    return 1;
  }
  auto kms_wire = signed_request("kms", kms_host, "TrentService.Decrypt", "application/x-amz-json-1.1",
                                 "{\"CiphertextBlob\":\"" + enc->find("CiphertextBlob")->as_string() + "\"}");

  std::vector<scenario_result> results;
  struct expect { const char* service; const char* op; };
  std::vector<std::tuple<std::string, std::string, bool, std::string, expect>> plan = {
      {"health", plain_get("127.0.0.1", "/_emulator/health"), false, "", {"", ""}},
      {"sts", sts_wire, false, "", {"sts", "GetCallerIdentity"}},
      {"kms", kms_wire, false, "", {"kms", "Decrypt"}},
      {"sts_tls", sts_wire, true, sts_host, {"sts", "GetCallerIdentity"}},
  };
  bool correct = true;
  for (auto& [name, wire, tls, sni, ex] : plan) {
    uint64_t before = ex.service[0] ? counted(emu.port(), ex.service, ex.op) : 0;
    auto r = run(name, emu, wire, tls, sni, connections, seconds);
    if (r.failed != 0 || r.ok == 0) correct = false;
    if (ex.service[0]) {
      // Every answer counted by the emulator: at least those we counted (warm-up and
      // tail requests are counted there too).
      uint64_t after = counted(emu.port(), ex.service, ex.op);
      if (after - before < r.ok) correct = false;
    }
    results.push_back(r);
  }
  int status = emu.stop();

  double base = results[0].rps_per_cpu();
  std::printf("{\"benchmark\":\"emulator\",\"connections\":%u,\"seconds\":%.2f,\"emulator_threads\":1,\"cpus\":%u,"
              "\"scenarios\":[",
              connections, seconds, cpus);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    std::printf("%s{\"name\":\"%s\",\"ok\":%llu,\"failed\":%llu,\"rps\":%.0f,\"rps_per_emulator_cpu_second\":%.0f,"
                "\"emulator_cpu_utilisation\":%.2f,\"ratio_to_health\":%.2f}",
                i ? "," : "", r.name.c_str(), static_cast<unsigned long long>(r.ok),
                static_cast<unsigned long long>(r.failed), r.rps(), r.rps_per_cpu(),
                r.wall_s > 0 ? r.emulator_cpu_s / r.wall_s : 0, base > 0 ? r.rps_per_cpu() / base : 0);
  }
  std::printf("]}\n");
  for (const auto& r : results)
    std::printf("%-8s %8.0f req/s wall, %8.0f req/s per emulator CPU second (%llu ok, %llu failed)\n", r.name.c_str(),
                r.rps(), r.rps_per_cpu(), static_cast<unsigned long long>(r.ok), static_cast<unsigned long long>(r.failed));
  if (!correct || status != 0) {
    std::fprintf(stderr, "bench_emulator: answers were not all 200, counters disagreed, or the emulator did not stop cleanly\n");
    return 1;
  }
  return 0;
}
