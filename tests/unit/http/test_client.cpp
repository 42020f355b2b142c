// The HTTP client actor against the in-process Beast server: concurrency, keep-alive,
// timeouts, the distinct failures, TLS with a test CA, connect-to, proxies, body caps,
// bodies streamed to files, HEAD, redirects, stats and shutdown.
#include <boost/test/unit_test.hpp>

#include <caf/all.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "adapters/common/digest.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/http/client.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"
#include "tls_material.hpp"

using namespace fluxaws;
using namespace fluxaws::http;
using namespace fluxaws::http::testing;
using namespace std::chrono_literals;

namespace {

// Each request is asked with a CAF timeout this much above its own timeout: the client
// must answer first, so a CAF timeout in a test is a bug.
constexpr auto caf_margin = 30s;

client_options test_options() {
  client_options o;
  o.no_proxy = "*";  // whatever the environment says, tests talk to 127.0.0.1 directly
  return o;
}

request make_request(std::string method, std::string url) {
  request r;
  r.method = std::move(method);
  r.url = std::move(url);
  r.timeout = 30s;
  return r;
}

request get(std::string url) { return make_request("GET", std::move(url)); }

// The request header lines the /echo endpoint reported, in order.
std::vector<std::string> echoed_headers(const std::string& body) {
  std::vector<std::string> out;
  auto lines = str::split(body, '\n');
  for (std::size_t i = 1; i < lines.size() && !lines[i].empty(); ++i)
    out.emplace_back(lines[i]);
  return out;
}

std::string echoed_body(const std::string& body) {
  auto sep = body.find("\n\n");
  return sep == std::string::npos ? std::string() : body.substr(sep + 2);
}

bool has_header_named(const std::vector<std::string>& lines, std::string_view name) {
  for (const auto& l : lines)
    if (str::iequals(l.substr(0, l.find(':')), name)) return true;
  return false;
}

std::ptrdiff_t index_of(const std::vector<std::string>& lines, const std::string& line) {
  auto it = std::find(lines.begin(), lines.end(), line);
  return it == lines.end() ? -1 : it - lines.begin();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

caf::actor_system_config& two_workers(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

// A worker actor: issues all its requests at once and forwards each answer, tagged with
// the request's index, to the reporter.
caf::behavior burst_worker(caf::event_based_actor* self, client_actor client,
                           caf::actor reporter, std::vector<std::pair<uint64_t, request>> work) {
  for (auto& item : work) {
    uint64_t idx = item.first;
    auto limit = std::chrono::duration_cast<caf::timespan>(item.second.timeout + caf_margin);
    self->request(client, limit, request_atom::value, std::move(item.second))
      .then([=](response& r) { self->send(reporter, idx, std::move(r)); },
            [=](caf::error& e) {
              response r;
              r.fail = failure::other;
              r.error = "CAF error (the client did not answer): " + self->system().render(e);
              self->send(reporter, idx, std::move(r));
            });
  }
  return {};
}

struct caf_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys;
  std::vector<client_actor> clients;

  caf_fixture() : sys(two_workers(cfg)) {}
  ~caf_fixture() {
    for (auto& c : clients) caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  }

  client_actor client(client_options o = test_options()) {
    clients.push_back(spawn_client(sys, std::move(o)));
    return clients.back();
  }

  response call(const client_actor& c, request r) {
    caf::scoped_actor self{sys};
    response out;
    auto limit = std::chrono::duration_cast<caf::timespan>(r.timeout + caf_margin);
    self->request(c, limit, request_atom::value, std::move(r))
      .receive([&](response& x) { out = std::move(x); },
               [&](caf::error& e) {
                 out.fail = failure::other;
                 out.error = "CAF error (the client did not answer): " + sys.render(e);
               });
    return out;
  }

  client_stats stats(const client_actor& c) {
    caf::scoped_actor self{sys};
    client_stats out;
    self->request(c, caf::timespan{30s}, stats_atom::value)
      .receive([&](client_stats& s) { out = s; },
               [&](caf::error& e) { BOOST_ERROR("stats: " + sys.render(e)); });
    return out;
  }

  // Sends many requests at once from several worker actors; collect() gathers answers
  // in arrival order.
  class burst {
   public:
    burst(caf_fixture& fx, const client_actor& c, std::vector<request> reqs, std::size_t workers)
        : self_(fx.sys) {
      std::vector<std::vector<std::pair<uint64_t, request>>> slices(workers);
      for (std::size_t i = 0; i < reqs.size(); ++i)
        slices[i % workers].emplace_back(i, std::move(reqs[i]));
      auto reporter = caf::actor_cast<caf::actor>(self_);
      for (auto& s : slices)
        if (!s.empty()) fx.sys.spawn(burst_worker, c, reporter, std::move(s));
    }
    // Up to n more answers; stops early only if none arrives for two minutes.
    std::vector<std::pair<uint64_t, response>> collect(std::size_t n) {
      std::vector<std::pair<uint64_t, response>> out;
      bool stalled = false;
      while (out.size() < n && !stalled) {
        self_->receive([&](uint64_t idx, response& r) { out.emplace_back(idx, std::move(r)); },
                       caf::after(std::chrono::seconds(120)) >> [&] { stalled = true; });
      }
      return out;
    }

   private:
    caf::scoped_actor self_;
  };
};

// Waits (bounded) until the server has parked n requests on /hold.
bool wait_held(const test_server& s, std::size_t n) {
  for (int i = 0; i < 6000; ++i) {
    if (s.held() >= n) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client, caf_fixture)

BOOST_AUTO_TEST_CASE(get_returns_status_headers_and_body) {
  test_server server;
  auto c = client();
  auto r = call(c, get(server.base_url() + "/echo?x=1"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("GET /echo?x=1\n") == 0u);
  BOOST_TEST(r.body_size == r.body.size());
  BOOST_TEST(r.header("Server") == "fluxaws-test");
  BOOST_TEST(r.header("content-length") == std::to_string(r.body.size()));
  BOOST_TEST(r.effective_url == server.base_url() + "/echo?x=1");
  BOOST_TEST(!r.reused_connection);
  BOOST_TEST(r.new_connections == 1u);
  for (const auto& [name, value] : r.headers) BOOST_TEST(name == str::to_lower(name));
}

BOOST_AUTO_TEST_CASE(response_header_names_are_lower_cased_and_duplicates_kept) {
  test_server server;
  auto c = client();
  auto r = call(c, get(server.base_url() + "/headers"));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.header("x-mixed-case") == "Some Value");
  std::vector<std::string> dups;
  for (const auto& [name, value] : r.headers) {
    BOOST_TEST(name == str::to_lower(name));
    if (name == "x-dup") dups.push_back(value);
  }
  BOOST_TEST((dups == std::vector<std::string>{"a", "b"}));
}

BOOST_AUTO_TEST_CASE(request_headers_are_sent_as_given_without_curl_defaults) {
  test_server server;
  auto c = client();
  auto req = make_request("POST", server.base_url() + "/echo");
  req.headers = {{"X-Zeta", "last-alphabetically"},
                 {"x-amz-date", "20240101T000000Z"},
                 {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x"},
                 {"X-Empty", ""},
                 {"X-Alpha", "first-alphabetically"}};
  // Big enough for curl to add "Expect: 100-continue" on its own (over 1 MiB in curl
  // 7.88, over 1 KiB in older versions) and then wait for a "100 Continue".
  req.body = std::string((1 << 20) + 4096, 'b');
  auto r = call(c, req);
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.body.find("POST /echo\n") == 0u);
  auto lines = echoed_headers(r.body);
  auto zeta = index_of(lines, "X-Zeta: last-alphabetically");
  auto date = index_of(lines, "x-amz-date: 20240101T000000Z");
  auto auth = index_of(lines, "Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x");
  auto empty = index_of(lines, "X-Empty: ");
  auto alpha = index_of(lines, "X-Alpha: first-alphabetically");
  BOOST_TEST(zeta >= 0);
  BOOST_TEST(zeta < date);
  BOOST_TEST(date < auth);
  BOOST_TEST(auth < empty);
  BOOST_TEST(empty < alpha);
  BOOST_TEST(!has_header_named(lines, "Expect"));
  BOOST_TEST(!has_header_named(lines, "Accept"));
  BOOST_TEST(!has_header_named(lines, "Content-Type"));
  BOOST_TEST(index_of(lines, "Content-Length: " + std::to_string(req.body.size())) >= 0);
  BOOST_TEST(index_of(lines, "User-Agent: fluxaws") >= 0);
  BOOST_TEST((echoed_body(r.body) == req.body));
}

BOOST_AUTO_TEST_CASE(methods_with_and_without_bodies) {
  test_server server;
  auto c = client();
  for (std::string method : {"PUT", "PATCH", "DELETE", "POST"}) {
    BOOST_TEST_CONTEXT(method) {
      auto req = make_request(method, server.base_url() + "/echo");
      req.headers = {{"Content-Type", "application/json"}};
      req.body = "{\"k\":\"" + method + "\"}";
      auto r = call(c, req);
      BOOST_REQUIRE(r.ok());
      BOOST_TEST(r.body.find(method + " /echo\n") == 0u);
      BOOST_TEST(echoed_body(r.body) == req.body);
      BOOST_TEST(index_of(echoed_headers(r.body), "Content-Type: application/json") >= 0);
    }
  }
  // Empty PUT/POST bodies still say "Content-Length: 0" (AWS APIs want it); a bare
  // DELETE sends no Content-Length at all.
  auto put = call(c, make_request("PUT", server.base_url() + "/echo"));
  BOOST_REQUIRE(put.ok());
  BOOST_TEST(index_of(echoed_headers(put.body), "Content-Length: 0") >= 0);
  auto del = call(c, make_request("DELETE", server.base_url() + "/echo"));
  BOOST_REQUIRE(del.ok());
  BOOST_TEST(del.body.find("DELETE /echo\n") == 0u);
  BOOST_TEST(!has_header_named(echoed_headers(del.body), "Content-Length"));
}

BOOST_AUTO_TEST_CASE(head_returns_headers_without_a_body) {
  test_server server;
  auto c = client();
  constexpr std::size_t n = 300000;
  auto req = make_request("HEAD", server.base_url() + "/big?bytes=" + std::to_string(n));
  req.max_body = 1000;  // a HEAD's Content-Length describes no body: no cap applies
  auto r = call(c, req);
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.header("content-length") == std::to_string(n));
  BOOST_TEST(r.header("docker-content-digest") ==
             "sha256:" + digest::sha256_hex(test_server::pattern(n)));
  // The connection is still usable afterwards (curl did not wait for a body).
  auto again = call(c, get(server.base_url() + "/echo"));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again.reused_connection);
}

BOOST_AUTO_TEST_CASE(http_error_statuses_are_answers_not_failures) {
  test_server server;
  auto c = client();
  auto r = call(c, get(server.base_url() + "/status?code=404"));
  BOOST_TEST(r.ok());
  BOOST_TEST(r.status == 404);
  auto r2 = call(c, get(server.base_url() + "/status?code=503"));
  BOOST_TEST(r2.ok());
  BOOST_TEST(r2.status == 503);
}

BOOST_AUTO_TEST_CASE(a_thousand_concurrent_requests_from_several_actors_all_complete) {
  test_server server;
  auto c = client();
  constexpr std::size_t n = 1000;
  std::vector<request> reqs;
  for (std::size_t i = 0; i < n; ++i) reqs.push_back(get(server.base_url() + "/echo?i=" + std::to_string(i)));
  caf_fixture::burst b(*this, c, std::move(reqs), 10);
  auto answers = b.collect(n);
  BOOST_REQUIRE(answers.size() == n);
  std::vector<bool> seen(n, false);
  std::size_t ok = 0;
  for (auto& [idx, r] : answers) {
    BOOST_REQUIRE(idx < n);
    seen[idx] = true;
    if (r.ok() && r.status == 200 && r.body.find("GET /echo?i=" + std::to_string(idx) + "\n") == 0)
      ++ok;
    else
      BOOST_TEST_MESSAGE("request " << idx << ": " << r.describe_failure(server.base_url()));
  }
  BOOST_TEST(ok == n);
  BOOST_TEST(std::count(seen.begin(), seen.end(), true) == static_cast<std::ptrdiff_t>(n));
  auto s = stats(c);
  BOOST_TEST(s.requests_total == n);
  BOOST_TEST(s.in_flight == 0u);
  BOOST_TEST(s.failures_total == 0u);
  BOOST_TEST(s.connections_opened + s.connections_reused == n);
  BOOST_TEST(server.requests() == n);
  // Default caps: at most 64 connections to one host.
  BOOST_TEST(server.connections() <= 64u);
}

BOOST_AUTO_TEST_CASE(connections_are_kept_alive_and_reused) {
  test_server server;
  auto opts = test_options();
  opts.max_host_connections = 4;
  auto c = client(opts);
  // Sequential: one connection serves them all.
  for (int i = 0; i < 20; ++i) {
    auto r = call(c, get(server.base_url() + "/echo"));
    BOOST_REQUIRE(r.ok());
    BOOST_TEST(r.reused_connection == (i > 0));
  }
  BOOST_TEST(server.connections() == 1u);
  // Concurrent: the per-host cap bounds the connections; the rest wait and reuse.
  constexpr std::size_t n = 200;
  std::vector<request> reqs(n, get(server.base_url() + "/echo"));
  caf_fixture::burst b(*this, c, std::move(reqs), 4);
  auto answers = b.collect(n);
  BOOST_REQUIRE(answers.size() == n);
  for (auto& [idx, r] : answers) BOOST_TEST(r.ok());
  BOOST_TEST(server.requests() == n + 20);
  BOOST_TEST(server.connections() <= 4u);
  auto s = stats(c);
  BOOST_TEST(s.connections_opened == server.connections());
  BOOST_TEST(s.connections_reused >= n + 20 - 4);
}

BOOST_AUTO_TEST_CASE(a_slow_answer_times_out_without_delaying_the_others) {
  test_server server;
  auto c = client();
  std::vector<request> reqs;
  auto parked = get(server.base_url() + "/hold");  // answered only when released
  parked.timeout = 120s;
  reqs.push_back(parked);
  auto impatient = get(server.base_url() + "/hold");
  impatient.timeout = 300ms;
  reqs.push_back(impatient);
  auto slow = get(server.base_url() + "/slow?ms=60000");
  slow.timeout = 300ms;
  reqs.push_back(slow);
  constexpr std::size_t fast = 30;
  for (std::size_t i = 0; i < fast; ++i) reqs.push_back(get(server.base_url() + "/echo"));
  caf_fixture::burst b(*this, c, std::move(reqs), 3);

  // Everything but the parked request answers while it is still held by the server.
  auto first = b.collect(fast + 2);
  BOOST_REQUIRE(first.size() == fast + 2);
  BOOST_TEST(server.held() >= 1u);
  std::size_t fast_ok = 0;
  for (auto& [idx, r] : first) {
    BOOST_TEST(idx != 0u);  // the parked one
    if (idx == 1 || idx == 2) {
      BOOST_TEST(r.fail == failure::timeout);
      BOOST_TEST(r.describe_failure(server.base_url()).find("timeout: 127.0.0.1:") == 0u);
    } else if (r.ok() && r.status == 200) {
      ++fast_ok;
    }
  }
  BOOST_TEST(fast_ok == fast);

  server.release_held();
  auto last = b.collect(1);
  BOOST_REQUIRE(last.size() == 1u);
  BOOST_TEST(last[0].first == 0u);
  BOOST_TEST(last[0].second.ok());
  BOOST_TEST(last[0].second.body == "released");
}

BOOST_AUTO_TEST_CASE(a_full_host_queues_its_requests_without_blocking_other_hosts) {
  test_server busy;
  test_server other;
  auto opts = test_options();
  opts.max_host_connections = 1;
  auto c = client(opts);
  std::vector<request> reqs;
  auto parked = get(busy.base_url() + "/hold");  // takes busy's only connection
  parked.timeout = 120s;
  reqs.push_back(parked);
  caf_fixture::burst b1(*this, c, std::move(reqs), 1);
  BOOST_REQUIRE(wait_held(busy, 1));

  // Behind it on the same host: queued, so it times out without reaching the server.
  auto queued = get(busy.base_url() + "/echo");
  queued.timeout = 300ms;
  auto r = call(c, queued);
  BOOST_TEST(r.fail == failure::timeout);
  BOOST_TEST(r.error.find("queued") != std::string::npos);
  BOOST_TEST(busy.requests() == 1u);
  // Another host is served meanwhile.
  for (int i = 0; i < 5; ++i) BOOST_TEST(call(c, get(other.base_url() + "/echo")).ok());
  BOOST_TEST(stats(c).in_flight == 1u);

  // Once the parked request is answered, the host's queue moves again.
  caf_fixture::burst b2(*this, c, std::vector<request>(5, get(busy.base_url() + "/echo")), 1);
  busy.release_held();
  auto first = b1.collect(1);
  BOOST_REQUIRE(first.size() == 1u);
  BOOST_TEST(first[0].second.body == "released");
  auto rest = b2.collect(5);
  BOOST_REQUIRE(rest.size() == 5u);
  for (auto& [idx, x] : rest) BOOST_TEST(x.ok());
  BOOST_TEST(busy.connections() == 1u);
}

BOOST_AUTO_TEST_CASE(connection_refused) {
  refused_port nobody;
  auto c = client();
  auto url = "http://127.0.0.1:" + std::to_string(nobody.port()) + "/x";
  auto r = call(c, get(url));
  BOOST_TEST(r.fail == failure::connection_refused);
  BOOST_TEST(r.status == 0);
  BOOST_TEST(r.describe_failure(url).find("connection refused: 127.0.0.1:" +
                                          std::to_string(nobody.port())) == 0u);
  BOOST_TEST(stats(c).failures_total == 1u);
}

BOOST_AUTO_TEST_CASE(dns_failure) {
  auto c = client();
  // A 64-character label is not a valid DNS name: glibc's resolver refuses it without
  // sending a query, so this fails fast offline and never waits for a DNS server (a
  // plain "x.invalid" is sent to the configured resolver, which may be unreachable).
  std::string host(64, 'a');
  host += ".fluxaws.invalid";
  auto url = "https://" + host + "/x";
  auto req = get(url);
  req.timeout = 20s;
  auto r = call(c, req);
  BOOST_TEST(r.fail == failure::dns);
  BOOST_TEST(r.describe_failure(url).find("DNS lookup failed: " + host) == 0u);
}

BOOST_AUTO_TEST_CASE(invalid_requests_get_a_clear_answer) {
  test_server server;
  auto c = client();
  auto bad_header = get(server.base_url() + "/echo");
  bad_header.headers = {{"X-Token", "secret\r\nInjected: 1"}};
  auto r = call(c, bad_header);
  BOOST_TEST(r.fail == failure::invalid_request);
  BOOST_TEST(r.error.find("X-Token") != std::string::npos);
  BOOST_TEST(r.error.find("secret") == std::string::npos);
  auto trace = make_request("TRACE", server.base_url() + "/echo");
  BOOST_TEST(call(c, trace).fail == failure::invalid_request);
  BOOST_TEST(call(c, get("file:///etc/passwd")).fail == failure::invalid_request);
  BOOST_TEST(server.requests() == 0u);
}

BOOST_AUTO_TEST_CASE(in_memory_body_within_and_over_the_cap) {
  test_server server;
  auto c = client();
  constexpr std::size_t n = 1 << 20;
  auto big = get(server.base_url() + "/big?bytes=" + std::to_string(n));
  big.max_body = n;
  auto r = call(c, big);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((r.body == test_server::pattern(n)));
  // Over the cap, announced by Content-Length ...
  big.max_body = n - 1;
  auto over = call(c, big);
  BOOST_TEST(over.fail == failure::body_too_large);
  BOOST_TEST(over.body.empty());
  BOOST_TEST(over.error.find(std::to_string(n - 1)) != std::string::npos);
  // ... and discovered while streaming a chunked answer.
  auto chunked = get(server.base_url() + "/big?chunked=1&bytes=" + std::to_string(n));
  chunked.max_body = 100000;
  auto over2 = call(c, chunked);
  BOOST_TEST(over2.fail == failure::body_too_large);
  BOOST_TEST(over2.body.empty());
}

BOOST_AUTO_TEST_CASE(body_streamed_to_a_file_with_its_sha256) {
  test_server server;
  temp_dir dir;
  auto c = client();
  constexpr std::size_t n = (5 << 20) + 123;
  for (std::string chunked : {"0", "1"}) {
    BOOST_TEST_CONTEXT("chunked=" << chunked) {
      auto target = dir.file("blob-" + chunked);
      auto req = get(server.base_url() + "/big?chunked=" + chunked + "&bytes=" + std::to_string(n));
      req.body_file = target;
      req.max_body = 64 << 20;
      auto r = call(c, req);
      BOOST_TEST_INFO(r.error);
      BOOST_REQUIRE(r.ok());
      BOOST_TEST(r.body.empty());
      BOOST_TEST(r.body_size == n);
      auto expected = test_server::pattern(n);
      BOOST_TEST(r.body_sha256_hex == digest::sha256_hex(expected));
      BOOST_TEST("sha256:" + r.body_sha256_hex == r.header("docker-content-digest"));
      BOOST_TEST((read_file(target) == expected));
    }
  }
  BOOST_TEST((dir.entries() == std::vector<std::string>{"blob-0", "blob-1"}));
}

BOOST_AUTO_TEST_CASE(streamed_body_over_the_cap_leaves_no_file) {
  test_server server;
  temp_dir dir;
  auto c = client();
  constexpr std::size_t n = 3 << 20;
  for (std::string chunked : {"0", "1"}) {
    BOOST_TEST_CONTEXT("chunked=" << chunked) {
      auto req = get(server.base_url() + "/big?chunked=" + chunked + "&bytes=" + std::to_string(n));
      req.body_file = dir.file("blob");
      req.max_body = 1 << 20;
      auto r = call(c, req);
      BOOST_TEST(r.fail == failure::body_too_large);
      BOOST_TEST(r.body_sha256_hex.empty());
      BOOST_TEST(dir.entries().empty());
    }
  }
  // An unwritable destination is an I/O failure naming the file.
  auto req = get(server.base_url() + "/big?bytes=10");
  req.body_file = dir.file("no-such-dir/blob");
  auto r = call(c, req);
  BOOST_TEST(r.fail == failure::io);
  BOOST_TEST(r.error.find("no-such-dir/blob") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_error_answer_never_lands_in_the_body_file) {
  test_server server;
  temp_dir dir;
  auto c = client();
  auto req = get(server.base_url() + "/no-such-endpoint");
  req.body_file = dir.file("object");
  auto r = call(c, req);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.body == "no such endpoint");
  BOOST_TEST(r.body_sha256_hex.empty());
  BOOST_TEST(dir.entries().empty());
}

BOOST_AUTO_TEST_CASE(redirects_followed_only_when_asked) {
  test_server server;
  auto c = client();
  auto r = call(c, get(server.base_url() + "/redirect"));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 302);
  BOOST_TEST(r.header("location") == "/echo");
  auto req = get(server.base_url() + "/redirect");
  req.follow_redirects = true;
  auto f = call(c, req);
  BOOST_REQUIRE(f.ok());
  BOOST_TEST(f.status == 200);
  BOOST_TEST(f.body.find("GET /echo\n") == 0u);  // the 302's own body is not mixed in
  BOOST_TEST(f.effective_url == server.base_url() + "/echo");
  BOOST_TEST(f.header("location").empty());
}

struct tls_fixture : caf_fixture {
  tls_material tls{{"sts.us-east-1.amazonaws.com"}};
  test_server server{test_server::tls_config{tls.cert_file(), tls.key_file()}};
  std::string port = std::to_string(server.port());
};

BOOST_FIXTURE_TEST_CASE(tls_with_an_untrusted_certificate_fails, tls_fixture) {
  auto c = client();  // system trust store only: the test CA is unknown
  auto url = server.base_url() + "/echo";
  auto r = call(c, get(url));
  BOOST_TEST(r.fail == failure::tls);
  BOOST_TEST(r.describe_failure(url).find("TLS failure: 127.0.0.1:" + port) == 0u);
}

BOOST_FIXTURE_TEST_CASE(tls_verifies_with_the_configured_ca_file, tls_fixture) {
  auto opts = test_options();
  opts.ca_file = tls.ca_file();
  auto c = client(opts);
  auto r = call(c, get(server.base_url() + "/echo"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 200);
  auto again = call(c, get(server.base_url() + "/echo"));
  BOOST_REQUIRE(again.ok());
  BOOST_TEST(again.reused_connection);
  BOOST_TEST(server.connections() == 1u);
}

BOOST_FIXTURE_TEST_CASE(http2_option_falls_back_to_http11_when_not_offered, tls_fixture) {
  auto opts = test_options();
  opts.ca_file = tls.ca_file();
  opts.http2 = true;
  auto c = client(opts);
  auto r = call(c, get(server.base_url() + "/echo"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.status == 200);
}

BOOST_FIXTURE_TEST_CASE(connect_to_keeps_the_real_host_name_for_tls_and_host, tls_fixture) {
  auto opts = test_options();
  opts.ca_file = tls.ca_file();
  opts.connect_to = {"sts.us-east-1.amazonaws.com:443:127.0.0.1:" + port,
                     "sts.us-east-1.amazonaws.com:" + port + ":127.0.0.1:" + port};
  auto c = client(opts);
  // Default port 443, sent to the local server.
  auto r = call(c, get("https://sts.us-east-1.amazonaws.com/echo"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(index_of(echoed_headers(r.body), "Host: sts.us-east-1.amazonaws.com") >= 0);
  // Explicit port.
  auto r2 = call(c, get("https://sts.us-east-1.amazonaws.com:" + port + "/echo"));
  BOOST_TEST_INFO(r2.error);
  BOOST_REQUIRE(r2.ok());
  BOOST_TEST(index_of(echoed_headers(r2.body), "Host: sts.us-east-1.amazonaws.com:" + port) >= 0);
}

BOOST_FIXTURE_TEST_CASE(connect_to_a_host_the_certificate_does_not_name_fails_tls, tls_fixture) {
  auto opts = test_options();
  opts.ca_file = tls.ca_file();
  opts.connect_to = {"kms.us-east-1.amazonaws.com:443:127.0.0.1:" + port};
  auto c = client(opts);
  auto r = call(c, get("https://kms.us-east-1.amazonaws.com/"));
  BOOST_TEST(r.fail == failure::tls);
  BOOST_TEST(r.describe_failure("https://kms.us-east-1.amazonaws.com/")
               .find("TLS failure: kms.us-east-1.amazonaws.com") == 0u);
}

BOOST_AUTO_TEST_CASE(explicit_proxy_and_no_proxy) {
  test_server proxy;
  test_server origin;
  auto opts = test_options();
  opts.proxy = proxy.base_url();
  opts.no_proxy = "127.0.0.1";
  auto c = client(opts);
  // A name nobody resolves: only the proxy sees it, in absolute form.
  auto r = call(c, get("http://origin.fluxaws.test:8080/path?q=1"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.body == "proxied http://origin.fluxaws.test:8080/path?q=1");
  BOOST_TEST((proxy.proxied_targets() ==
              std::vector<std::string>{"http://origin.fluxaws.test:8080/path?q=1"}));
  // no_proxy: straight to the origin.
  auto direct = call(c, get(origin.base_url() + "/echo"));
  BOOST_REQUIRE(direct.ok());
  BOOST_TEST(direct.body.find("GET /echo\n") == 0u);
  BOOST_TEST(proxy.proxied_targets().size() == 1u);
  BOOST_TEST(origin.requests() == 1u);
}

BOOST_AUTO_TEST_CASE(proxy_from_the_environment_when_none_is_configured) {
  test_server proxy;
  // libcurl reads the variables per transfer; set them before the client exists.
  struct saved_env {
    std::vector<std::pair<std::string, std::optional<std::string>>> vars;
    explicit saved_env(std::initializer_list<const char*> names) {
      for (auto n : names) {
        auto* v = std::getenv(n);
        vars.emplace_back(n, v ? std::optional<std::string>(v) : std::nullopt);
        ::unsetenv(n);
      }
    }
    ~saved_env() {
      for (auto& [n, v] : vars) {
        if (v) ::setenv(n.c_str(), v->c_str(), 1);
        else ::unsetenv(n.c_str());
      }
    }
  } env({"http_proxy", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"});
  // The excluded name cannot resolve, and fails fast offline (see dns_failure).
  const std::string excluded_host = std::string(64, 'e') + ".fluxaws.invalid";
  ::setenv("http_proxy", proxy.base_url().c_str(), 1);
  ::setenv("no_proxy", excluded_host.c_str(), 1);
  client_options opts;  // no proxy, no no_proxy: the environment decides
  auto c = client(opts);
  auto r = call(c, get("http://origin.fluxaws.test/from-env"));
  BOOST_TEST_INFO(r.error);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r.body == "proxied http://origin.fluxaws.test/from-env");
  auto excluded = call(c, get("http://" + excluded_host + "/x"));
  BOOST_TEST(excluded.fail == failure::dns);  // not proxied: resolved (and failed) locally
  BOOST_TEST(proxy.proxied_targets().size() == 1u);
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  clients.clear();
}

BOOST_AUTO_TEST_CASE(pending_requests_are_cancelled_when_the_client_exits) {
  test_server server;
  temp_dir dir;
  auto c = client();
  auto plain = get(server.base_url() + "/hold");
  plain.timeout = 120s;
  auto to_file = plain;
  to_file.body_file = dir.file("blob");
  caf_fixture::burst b(*this, c, {plain, to_file}, 2);
  BOOST_REQUIRE(wait_held(server, 2));
  caf::anon_send_exit(c, caf::exit_reason::user_shutdown);
  // Answered now, not after 120 s (a CAF timeout here would mean nobody answered).
  auto answers = b.collect(2);
  BOOST_REQUIRE(answers.size() == 2u);
  for (auto& [idx, r] : answers) {
    BOOST_TEST_INFO(r.error);
    BOOST_TEST(r.fail == failure::cancelled);
  }
  BOOST_TEST(dir.entries().empty());
  server.release_held();
}

// A quick local throughput measurement, not a check: run it explicitly with
//   unit_http --run_test=client/measure_throughput
BOOST_AUTO_TEST_CASE(measure_throughput, *boost::unit_test::disabled()) {
  test_server server;
  auto opts = test_options();
  opts.max_host_connections = 100;
  auto c = client(opts);
  for (std::size_t n : {1000u, 10000u, 20000u}) {
    std::vector<request> reqs(n, get(server.base_url() + "/echo"));
    auto start = std::chrono::steady_clock::now();
    caf_fixture::burst b(*this, c, std::move(reqs), 10);
    auto answers = b.collect(n);
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t ok = 0;
    for (auto& a : answers) ok += a.second.ok() ? 1 : 0;
    std::cout << n << " concurrent requests: " << ok << " ok in " << secs << " s = "
              << static_cast<long>(n / secs) << " req/s; server connections "
              << server.connections() << "\n";
  }
}

BOOST_AUTO_TEST_SUITE_END()
