// bench_sigv4: how many SigV4 operations per second one thread does, for the request
// the engine signs most (a KMS Decrypt, shaped as the AWS JS SDK v3 sends it).
//   sign_cached     sign_headers with the signing-key cache (the default)
//   sign_uncached   sign_headers deriving the key each time (4 more HMACs)
//   verify          parse_authorization + verify_headers, the emulator's per-request work
//   presign_s3      sign_query of an S3 GetObject (UNSIGNED-PAYLOAD)
// Each is run in rounds of a fixed wall time; the median round is reported, as ops per
// wall second and per second of this thread's CPU time (the latter is what to compare
// on a shared, loaded machine: preemption does not count). Timing only: nothing is
// asserted. Usage: bench_sigv4 [seconds_per_round=0.3] [rounds=5]
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "adapters/aws/sigv4.hpp"
#include "adapters/common/time.hpp"

namespace sigv4 = fluxaws::aws::sigv4;
using clock_type = std::chrono::steady_clock;

namespace {

fluxaws::aws::credentials bench_creds() {
  fluxaws::aws::credentials c;
  c.access_key_id = "AKIDEXAMPLE";
  c.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  c.session_token = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN+/=";
  c.source = "static";
  return c;
}

sigv4::http_request kms_decrypt() {
  sigv4::http_request r;
  r.method = "POST";
  r.path = "/";
  r.body =
      R"({"CiphertextBlob":"AQICAHhJ3Yb3dLs2f7o8mXQ1CkUo5nYpWvZl0U9ZbQ3hQWm3vAGEzcmV0LXZhbHVlLWZvci1zb3BzLWRhdGEta2V5AAAAfjB8BgkqhkiG9w0BBwagbzBtAgEAMGgGCSqGSIb3DQEHATAeBglghkgBZQMEAS4wEQQM","EncryptionContext":{"purpose":"sops"},"KeyId":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})";
  r.headers = {{"content-type", "application/x-amz-json-1.1"},
               {"x-amz-target", "TrentService.Decrypt"},
               {"content-length", std::to_string(r.body.size())},
               {"x-amz-user-agent", "fluxaws/0.1"},
               {"user-agent", "fluxaws/0.1 (linux)"},
               {"host", "kms.us-east-1.amazonaws.com"},
               {"amz-sdk-invocation-id", "00000000-0000-4000-8000-000000000000"},
               {"amz-sdk-request", "attempt=1; max=3"}};
  return r;
}

sigv4::signing_params kms_params(bool cached) {
  sigv4::signing_params p;
  p.region = "us-east-1";
  p.service = "kms";
  p.time = *fluxaws::timefmt::parse_amz_date("20150830T123600Z");
  p.sign_body_header = true;
  p.cache_signing_key = cached;
  return p;
}

struct result {
  std::string name;
  double ops_per_sec = 0;      // per wall-clock second
  double ops_per_cpu_sec = 0;  // per second of thread CPU time
  double cpu_ns_per_op = 0;
  std::size_t ops = 0;
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

volatile std::size_t g_sink = 0;  // keeps the work observable

result measure(const std::string& name, double seconds, int rounds, const std::function<std::size_t()>& op) {
  for (int i = 0; i < 200; ++i) g_sink = g_sink + op();  // warm up: caches, allocator
  std::vector<double> rates, cpu_rates;
  std::size_t total = 0;
  for (int r = 0; r < rounds; ++r) {
    const double cpu_start = thread_cpu_seconds();
    const auto start = clock_type::now();
    const auto budget = std::chrono::duration<double>(seconds);
    std::size_t n = 0;
    clock_type::time_point now;
    do {
      for (int i = 0; i < 64; ++i) g_sink = g_sink + op();
      n += 64;
      now = clock_type::now();
    } while (now - start < budget);
    rates.push_back(static_cast<double>(n) / std::chrono::duration<double>(now - start).count());
    cpu_rates.push_back(static_cast<double>(n) / std::max(1e-9, thread_cpu_seconds() - cpu_start));
    total += n;
  }
  result res;
  res.name = name;
  res.ops_per_sec = median(rates);
  res.ops_per_cpu_sec = median(cpu_rates);
  res.cpu_ns_per_op = 1e9 / res.ops_per_cpu_sec;
  res.ops = total;
  return res;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 0.3;
  const int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  if (!(seconds > 0)) {
    std::fprintf(stderr, "usage: bench_sigv4 [seconds_per_round>0] [rounds>=1]\n");
    return 2;
  }
  const auto creds = bench_creds();
  const auto base = kms_decrypt();

  std::vector<result> results;
  for (bool cached : {true, false}) {
    const auto params = kms_params(cached);
    results.push_back(measure(cached ? "sign_cached" : "sign_uncached", seconds, rounds, [&] {
      sigv4::http_request req = base;
      return sigv4::sign_headers(req, creds, params).signature.size();
    }));
  }

  sigv4::http_request signed_req = base;
  sigv4::sign_headers(signed_req, creds, kms_params(true));
  std::string authorization;
  for (const auto& h : signed_req.headers)
    if (h.first == "Authorization") authorization = h.second;
  results.push_back(measure("verify", seconds, rounds, [&] {
    auto auth = sigv4::parse_authorization(authorization);
    if (!auth) std::abort();
    auto st = sigv4::verify_headers(signed_req, *auth, creds.secret_access_key, {});
    if (!st.ok()) std::abort();  // the benchmark measures the success path
    return auth->signature.size();
  }));

  sigv4::http_request s3get;
  s3get.method = "GET";
  s3get.path = "/bucket/dir/object.tar.gz";
  s3get.headers = {{"host", "s3.us-east-1.amazonaws.com"}};
  sigv4::signing_params s3p;
  s3p.region = "us-east-1";
  s3p.service = "s3";
  s3p.time = *fluxaws::timefmt::parse_amz_date("20150830T123600Z");
  s3p.normalize_path = false;
  s3p.payload_hash = std::string(sigv4::kUnsignedPayload);
  results.push_back(measure("presign_s3", seconds, rounds, [&] {
    sigv4::http_request req = s3get;
    return sigv4::sign_query(req, creds, s3p).signature.size();
  }));

  const double speedup = results[0].ops_per_cpu_sec / results[1].ops_per_cpu_sec;
  std::printf("{\"benchmark\":\"sigv4\",\"request\":\"KMS Decrypt, 8 headers, %zu-byte body\","
              "\"seconds_per_round\":%.3f,\"rounds\":%d,\"results\":[",
              base.body.size(), seconds, rounds);
  for (std::size_t i = 0; i < results.size(); ++i)
    std::printf("%s{\"name\":\"%s\",\"ops_per_cpu_sec\":%.0f,\"cpu_ns_per_op\":%.0f,\"ops_per_wall_sec\":%.0f,"
                "\"ops\":%zu}",
                i ? "," : "", results[i].name.c_str(), results[i].ops_per_cpu_sec, results[i].cpu_ns_per_op,
                results[i].ops_per_sec, results[i].ops);
  std::printf("],\"key_cache_speedup\":%.2f}\n", speedup);
  std::printf("sigv4 (per CPU second of one thread): %.0f signatures/s with the key cache, %.0f without (x%.2f); "
              "%.0f verifications/s; %.0f S3 presigns/s\n",
              results[0].ops_per_cpu_sec, results[1].ops_per_cpu_sec, speedup, results[2].ops_per_cpu_sec,
              results[3].ops_per_cpu_sec);
  return 0;
}
