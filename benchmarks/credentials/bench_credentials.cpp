// bench_credentials: what the credential plane costs.
//   hit       credential requests per second through the identity registry and the token
//             caches when the credentials are cached (C concurrent client actors over N
//             identities), and process CPU per request.
//   miss      the cost of a miss, one at a time over fresh identities: resolution, a
//             locally signed ServiceAccount token (RS256), AssumeRoleWithWebIdentity —
//             against an in-process fake STS (the plane's own cost), and, with the
//             emulator, end to end over TLS with the emulator verifying the token.
//   sign      one RS256 ServiceAccount token alone (the bulk of a miss's CPU).
//   burst     M identities missing at once against an STS answering after L ms: time until
//             all are answered, ours against Flux's behaviour (every lookup behind one
//             lock, a miss holding it for its fetch; no background refresh) as the baseline.
// Correctness is checked (every answer ok, exactly one STS call per identity; exit 1
// otherwise); time is reported, never asserted. Numbers from a shared machine are rough.
//
// Usage: bench_credentials [--quick] [--identities N] [--clients C] [--seconds S]
//                          [--burst M] [--latency MS] [--no-emulator]
// Output: one JSON document on stdout, then one summary line.
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "actors/identity_registry.hpp"
#include "adapters/common/jwt.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/local_sa_token_issuer.hpp"
#include "adapters/kube/sa_token_claims.hpp"
#include "plane_fixture.hpp"
#ifdef FLUXAWS_BENCH_WITH_EMULATOR
#include "emulated_world.hpp"
#endif

using namespace fluxaws;
using namespace fluxaws::actors;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double secs(clock_type::duration d) { return std::chrono::duration<double>(d).count(); }

struct options {
  bool quick = false;
  int identities = 1000;
  int clients = 64;
  double seconds = 3;
  int burst = 200;
  int latency_ms = 20;
  bool emulator = true;
};

bool failed = false;

void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "bench_credentials: %s\n", what.c_str());
    failed = true;
  }
}

std::string ns_of(int i) { return "tenant-" + std::to_string(i); }

void add_tenants(test::plane_fixture& f, int from, int to) {
  for (int i = from; i < to; ++i) f.add_tenant(ns_of(i), ns_of(i));
}

using count_atom = caf::atom_constant<caf::atom("count")>;

// One client: sequential requests over the identities until the deadline.
void client(caf::event_based_actor* self, identity_registry_actor reg,
            std::shared_ptr<const std::vector<credential_request>> reqs, std::size_t start, clock_type::time_point until, caf::actor report, std::chrono::milliseconds timeout,
            std::shared_ptr<std::size_t> done, std::shared_ptr<std::size_t> bad) {
  auto i = start % reqs->size();
  self->request(reg, timeout, credentials_atom::value, (*reqs)[i])
      .then(
          [=](credential_reply& r) {
            ++*done;
            if (!r.ok) ++*bad;
            if (clock_type::now() < until)
              client(self, reg, reqs, start + 1, until, report, timeout, done, bad);
            else
              self->send(report, count_atom::value, *done, *bad);
          },
          [=](caf::error&) {
            ++*bad;
            self->send(report, count_atom::value, *done, *bad);
          });
}

struct hit_result {
  double per_second = 0;
  double cpu_us = 0;
  std::size_t requests = 0;
};

hit_result bench_hits(const options& o) {
  test::plane_fixture f;
  add_tenants(f, 0, o.identities);
  f.opts.token_cache_max_size = static_cast<std::size_t>(o.identities) * 2;
  f.start();
  std::vector<credential_request> reqs;
  for (int i = 0; i < o.identities; ++i) reqs.push_back(test::bucket_request(ns_of(i), "bucket", "flux"));
  auto warm = test::request_all(f.sys, f.registry, reqs, f.timeout());
  for (const auto& r : warm) check(r.ok, "warm-up failed: " + r.error.message);
  check(f.aws->count("sts:AssumeRoleWithWebIdentity") == o.identities, "warm-up: not one STS call per identity");
  caf::scoped_actor waiter{f.sys};
  auto report = caf::actor_cast<caf::actor>(waiter);
  auto cpu0 = cpu_seconds();
  auto t0 = clock_type::now();
  auto until = t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.seconds));
  auto shared = std::make_shared<const std::vector<credential_request>>(reqs);
  for (int c = 0; c < o.clients; ++c)
    f.sys.spawn(client, f.registry, shared, static_cast<std::size_t>(c) * 7919u, until, report, f.timeout(),
                std::make_shared<std::size_t>(0), std::make_shared<std::size_t>(0));
  std::size_t total = 0, bad = 0;
  for (int c = 0; c < o.clients; ++c)
    waiter->receive([&](count_atom, std::size_t n, std::size_t b) {
      total += n;
      bad += b;
    });
  auto wall = secs(clock_type::now() - t0);
  auto cpu = cpu_seconds() - cpu0;
  check(bad == 0, "hits: " + std::to_string(bad) + " failed requests");
  check(f.aws->count("sts:AssumeRoleWithWebIdentity") == o.identities, "hits caused STS calls");
  return {static_cast<double>(total) / wall, cpu / static_cast<double>(total) * 1e6, total};
}

struct miss_result {
  double mean_ms = 0;
  double median_ms = 0;
  double cpu_ms = 0;
  int misses = 0;
};

miss_result measure_misses(caf::actor_system& sys, caf::scoped_actor& self, const identity_registry_actor& reg,
                           const std::vector<credential_request>& reqs, std::chrono::milliseconds timeout) {
  std::vector<double> ms;
  auto cpu0 = cpu_seconds();
  for (const auto& req : reqs) {
    auto t = clock_type::now();
    bool ok = false;
    std::string why;
    self->request(reg, timeout, credentials_atom::value, req)
        .receive([&](credential_reply& r) { ok = r.ok; why = r.error.message; },
                 [&](caf::error& e) { why = sys.render(e); });
    ms.push_back(secs(clock_type::now() - t) * 1000);
    check(ok, "miss failed: " + why);
  }
  auto cpu = cpu_seconds() - cpu0;
  miss_result out;
  out.misses = static_cast<int>(reqs.size());
  for (double v : ms) out.mean_ms += v;
  out.mean_ms /= static_cast<double>(ms.size());
  std::sort(ms.begin(), ms.end());
  out.median_ms = ms[ms.size() / 2];
  out.cpu_ms = cpu / static_cast<double>(reqs.size()) * 1000;
  return out;
}

miss_result bench_misses_fake(const options& o) {
  test::plane_fixture f;
  int n = o.quick ? 50 : 300;
  add_tenants(f, 0, n);
  f.start();
  std::vector<credential_request> reqs;
  for (int i = 0; i < n; ++i) reqs.push_back(test::bucket_request(ns_of(i), "bucket", "flux"));
  auto r = measure_misses(f.sys, f.self, f.registry, reqs, f.timeout());
  check(f.aws->count("sts:AssumeRoleWithWebIdentity") == n, "misses: not one STS call each");
  return r;
}

#ifdef FLUXAWS_BENCH_WITH_EMULATOR
miss_result bench_misses_emulator(const options& o) {
  auto& world = itest::emulated_world::get();
  test::test_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  http::global_init();
  auto http = http::spawn_client(sys, world.client_options());
  auto issuer = kube::spawn_local_sa_token_issuer(sys, itest::issuer, itest::signing_key_file());
  if (!issuer) {
    check(false, issuer.error().message);
    return {};
  }
  auto index = std::make_shared<resource_index>();
  int n = o.quick ? 50 : 300;
  for (int i = 0; i < n; ++i) index->put(test::service_account(itest::tenant(i), "flux", itest::tenant_role(i)));
  identity_options opts;
  opts.object_level_identity = true;
  opts.default_region = "us-east-1";
  opts.env = {{"AWS_EC2_METADATA_DISABLED", "true"}};
  opts.fetch_deadline = 60s;
  auto reg = spawn_identity_registry(sys, opts, index, http, *issuer);
  world.reset_calls();
  // One connection warmed first, as a running controller has.
  std::vector<credential_request> reqs;
  for (int i = 0; i < n; ++i) reqs.push_back(test::bucket_request(itest::tenant(i), "bucket", "flux"));
  auto r = measure_misses(sys, self, reg, reqs, reply_deadline(opts));
  check(world.count("sts", "AssumeRoleWithWebIdentity", "", 200) == n, "emulator misses: not one STS call each");
  self->send_exit(reg, caf::exit_reason::user_shutdown);
  self->send_exit(*issuer, caf::exit_reason::user_shutdown);
  self->send_exit(http, caf::exit_reason::user_shutdown);
  return r;
}
#endif

double bench_sign(const options& o) {
  auto key = jwt::rsa_signing_key::from_pem(test::test_key_pem());
  int n = o.quick ? 100 : 1000;
  kube::sa_token_claims_input in;
  in.issuer = "https://oidc.bench.local";
  in.ns = "tenant-0";
  in.name = "flux";
  in.uid = kube::name_uuid("tenant-0/flux");
  in.audiences = {"sts.amazonaws.com"};
  in.issued_at = std::chrono::system_clock::now();
  in.jti = kube::random_uuid();
  auto cpu0 = cpu_seconds();
  for (int i = 0; i < n; ++i) {
    auto t = jwt::sign_rs256(kube::service_account_token_claims(in), **key);
    check(t.ok(), "signing failed");
  }
  return (cpu_seconds() - cpu0) / n * 1e6;
}

double bench_burst(const options& o, bool flux_baseline, int& sts_calls) {
  test::plane_fixture f;
  add_tenants(f, 0, o.burst);
  f.aws->latency = std::chrono::milliseconds(o.latency_ms);
  f.opts.token_cache_max_size = static_cast<std::size_t>(o.burst) * 2;
  f.opts.serialize_misses = flux_baseline;
  f.opts.background_refresh = !flux_baseline;
  f.opts.fetch_deadline = std::chrono::seconds(120 + o.burst * o.latency_ms / 1000 * 2);
  f.start();
  std::vector<credential_request> reqs;
  for (int k = 0; k < 5; ++k)  // five objects per identity, all at once
    for (int i = 0; i < o.burst; ++i)
      reqs.push_back(test::bucket_request(ns_of(i), "bucket-" + std::to_string(k), "flux"));
  auto t0 = clock_type::now();
  auto replies = test::request_all(f.sys, f.registry, reqs, f.timeout());
  auto wall = secs(clock_type::now() - t0);
  for (const auto& r : replies) check(r.ok, "burst failed: " + r.error.message);
  sts_calls = f.aws->count("sts:AssumeRoleWithWebIdentity");
  check(sts_calls == o.burst, "burst: " + std::to_string(sts_calls) + " STS calls for " + std::to_string(o.burst) +
                                  " identities");
  return wall;
}

}  // namespace

int main(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto num = [&](const char* what) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", what);
        std::exit(2);
      }
      return std::atof(argv[++i]);
    };
    if (a == "--quick") o.quick = true;
    else if (a == "--identities") o.identities = static_cast<int>(num("--identities"));
    else if (a == "--clients") o.clients = static_cast<int>(num("--clients"));
    else if (a == "--seconds") o.seconds = num("--seconds");
    else if (a == "--burst") o.burst = static_cast<int>(num("--burst"));
    else if (a == "--latency") o.latency_ms = static_cast<int>(num("--latency"));
    else if (a == "--no-emulator") o.emulator = false;
    else {
      std::fprintf(stderr,
                   "usage: bench_credentials [--quick] [--identities N] [--clients C] [--seconds S] [--burst M] "
                   "[--latency MS] [--no-emulator]\n");
      return 2;
    }
  }
  if (o.quick) {
    o.identities = std::min(o.identities, 200);
    o.clients = std::min(o.clients, 16);
    o.seconds = std::min(o.seconds, 0.5);
    o.burst = std::min(o.burst, 50);
  }
  if (o.identities < 1 || o.clients < 1 || o.burst < 1 || o.seconds <= 0) return 2;

  auto hits = bench_hits(o);
  auto sign_us = bench_sign(o);
  auto miss = bench_misses_fake(o);
  miss_result emu_miss;
  bool have_emu = false;
#ifdef FLUXAWS_BENCH_WITH_EMULATOR
  if (o.emulator) {
    emu_miss = bench_misses_emulator(o);
    have_emu = true;
  }
#endif
  int ours_calls = 0, flux_calls = 0;
  auto ours = bench_burst(o, false, ours_calls);
  auto flux = bench_burst(o, true, flux_calls);

  std::printf("{\n");
  std::printf("  \"hit\": {\"requests\": %zu, \"identities\": %d, \"clients\": %d, \"per_second\": %.0f, "
              "\"cpu_us_per_request\": %.2f},\n",
              hits.requests, o.identities, o.clients, hits.per_second, hits.cpu_us);
  std::printf("  \"sign_rs256_cpu_us\": %.1f,\n", sign_us);
  std::printf("  \"miss_fake_sts\": {\"misses\": %d, \"mean_ms\": %.3f, \"median_ms\": %.3f, \"cpu_ms_per_miss\": %.3f},\n",
              miss.misses, miss.mean_ms, miss.median_ms, miss.cpu_ms);
  if (have_emu)
    std::printf("  \"miss_emulator\": {\"misses\": %d, \"mean_ms\": %.3f, \"median_ms\": %.3f, "
                "\"cpu_ms_per_miss\": %.3f},\n",
                emu_miss.misses, emu_miss.mean_ms, emu_miss.median_ms, emu_miss.cpu_ms);
  std::printf("  \"burst\": {\"identities\": %d, \"requests\": %d, \"sts_latency_ms\": %d, \"ours_s\": %.3f, "
              "\"flux_baseline_s\": %.3f, \"speedup\": %.1f, \"sts_calls\": [%d, %d]}\n",
              o.burst, o.burst * 5, o.latency_ms, ours, flux, flux / ours, ours_calls, flux_calls);
  std::printf("}\n");
  std::printf("credentials: %.0f hits/s (%.1f us CPU each); miss %.2f ms median (%.2f ms CPU, %.0f us of it RS256)%s; "
              "burst of %d identities at %d ms STS: %.2f s vs %.2f s Flux-style (x%.1f)\n",
              hits.per_second, hits.cpu_us, miss.median_ms, miss.cpu_ms, sign_us,
              have_emu ? (", emulator " + std::to_string(emu_miss.median_ms).substr(0, 5) + " ms").c_str() : "",
              o.burst, o.latency_ms, ours, flux, flux / ours);
  return failed ? 1 : 0;
}
