// The curl engine on its own (no CAF): completions, exactly-once delivery, and shutdown
// with transfers in flight — including from inside a completion on the I/O thread.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>

#include "adapters/http/curl_engine.hpp"
#include "temp_dir.hpp"
#include "test_server.hpp"

using namespace fluxaws::http;
using namespace fluxaws::http::testing;
using namespace std::chrono_literals;

namespace {

// Collects completions from the I/O thread; waits are bounded so a bug fails, not hangs.
struct completions {
  std::mutex mtx;
  std::condition_variable cv;
  std::multimap<uint64_t, response> got;

  curl_engine::completion_fn fn() {
    return [this](uint64_t id, response&& r) {
      std::lock_guard<std::mutex> guard(mtx);
      got.emplace(id, std::move(r));
      cv.notify_all();
    };
  }
  bool wait_for(std::size_t n, std::chrono::seconds limit = 60s) {
    std::unique_lock<std::mutex> lock(mtx);
    return cv.wait_for(lock, limit, [&] { return got.size() >= n; });
  }
  std::size_t count() {
    std::lock_guard<std::mutex> guard(mtx);
    return got.size();
  }
};

client_options test_options() {
  client_options o;
  o.no_proxy = "*";  // whatever the environment says, tests talk to 127.0.0.1 directly
  return o;
}

request get(const std::string& url) {
  request r;
  r.url = url;
  r.timeout = 30s;
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(engine)

BOOST_AUTO_TEST_CASE(every_request_completes_exactly_once) {
  test_server server;
  completions done;
  {
    curl_engine eng(test_options(), done.fn());
    for (uint64_t id = 1; id <= 300; ++id)
      eng.submit(id, get(server.base_url() + "/echo?n=" + std::to_string(id)));
    BOOST_REQUIRE(done.wait_for(300));
  }
  BOOST_TEST(done.got.size() == 300u);
  std::set<uint64_t> ids;
  for (auto& [id, r] : done.got) {
    ids.insert(id);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body.find("GET /echo?n=" + std::to_string(id) + "\n") == 0u);
  }
  BOOST_TEST(ids.size() == 300u);
}

BOOST_AUTO_TEST_CASE(invalid_requests_complete_without_touching_the_network) {
  test_server server;
  completions done;
  curl_engine eng(test_options(), done.fn());
  auto bad_method = get(server.base_url() + "/echo");
  bad_method.method = "TRACE";
  auto get_with_body = get(server.base_url() + "/echo");
  get_with_body.body = "x";
  auto no_timeout = get(server.base_url() + "/echo");
  no_timeout.timeout = 0ms;
  eng.submit(1, bad_method);
  eng.submit(2, get_with_body);
  eng.submit(3, no_timeout);
  eng.submit(4, get("file:///etc/passwd"));
  eng.submit(5, get("not a url"));
  BOOST_REQUIRE(done.wait_for(5));
  for (auto& [id, r] : done.got) {
    BOOST_TEST_CONTEXT("request " << id) {
      BOOST_TEST((r.fail == failure::invalid_request));
      BOOST_TEST(!r.error.empty());
    }
  }
  BOOST_TEST(server.requests() == 0u);
}

BOOST_AUTO_TEST_CASE(shutdown_with_transfers_in_flight_reports_nothing_and_cleans_up) {
  test_server server;
  temp_dir dir;
  completions done;
  {
    curl_engine eng(test_options(), done.fn());
    for (uint64_t id = 1; id <= 5; ++id) {
      auto r = get(server.base_url() + "/hold");
      r.body_file = dir.file("held-" + std::to_string(id));
      eng.submit(id, r);
    }
    for (int i = 0; i < 6000 && server.held() < 5; ++i) std::this_thread::sleep_for(10ms);
    BOOST_REQUIRE(server.held() == 5u);
    BOOST_TEST(dir.entries().size() == 5u);  // the temporaries exist while transfers run
  }  // destructor: stop and join
  BOOST_TEST(done.count() == 0u);
  BOOST_TEST(dir.entries().empty());
  server.release_held();
}

BOOST_AUTO_TEST_CASE(destroying_the_engine_inside_its_own_completion_is_safe) {
  test_server server;
  // Set when the engine's internals (which own the completion function) are destroyed:
  // the detached I/O thread has finished.
  std::promise<void> internals_gone;
  struct on_destroy {
    std::promise<void>* p = nullptr;
    ~on_destroy() { p->set_value(); }
  };
  auto marker = std::make_shared<on_destroy>();
  marker->p = &internals_gone;
  std::unique_ptr<curl_engine> eng;
  std::promise<int> status;
  eng = std::make_unique<curl_engine>(test_options(),
                                      [&eng, &status, marker](uint64_t, response&& r) {
                                        eng.reset();  // on the I/O thread
                                        status.set_value(r.status);
                                      });
  marker.reset();
  eng->submit(1, get(server.base_url() + "/echo"));
  auto st = status.get_future();
  BOOST_REQUIRE((st.wait_for(60s) == std::future_status::ready));
  BOOST_TEST(st.get() == 200);
  auto gone = internals_gone.get_future();
  BOOST_TEST((gone.wait_for(60s) == std::future_status::ready));
}

BOOST_AUTO_TEST_SUITE_END()
