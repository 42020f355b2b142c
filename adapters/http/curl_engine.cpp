#include "adapters/http/curl_engine.hpp"

#include <curl/curl.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "adapters/http/body_sink.hpp"
#include "adapters/http/curl_errors.hpp"
#include "adapters/http/request_setup.hpp"
#include "adapters/http/response_headers.hpp"

namespace fluxaws::http {

void curl_global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { ::curl_global_init(CURL_GLOBAL_DEFAULT); });
}

namespace {

using clock = std::chrono::steady_clock;

// curl reports its own timeouts with a precise message; the engine's deadline is a
// backstop (e.g. for transfers still queued behind a connection cap) a little later.
constexpr std::chrono::milliseconds deadline_grace{200};
// Longest sleep in curl_multi_poll when nothing is due (wakeups cut it short anyway).
constexpr int max_poll_ms = 1000;
// Idle easy handles kept for reuse; more are cleaned up.
constexpr std::size_t max_idle_handles = 256;
// Larger receive buffer for bodies streamed to files: fewer, bigger write() calls.
constexpr long file_buffer_size = 64 * 1024;
// Bytes of an error answer kept (in memory) when the body was meant for a file.
constexpr std::size_t error_body_limit = 64 * 1024;
// HTTP/2 streams per connection (curl's default, set explicitly so that the per-host
// admission below matches what curl will actually run).
constexpr long h2_streams_per_connection = 100;

struct submission {
  uint64_t id;
  request req;
};

struct transfer;

// Requests to one origin: how many run in curl, and the ones waiting their turn.
struct host_queue {
  std::size_t running = 0;
  std::list<transfer*> waiting;
};

struct transfer {
  uint64_t id = 0;
  request req;
  clock::time_point deadline_at;
  std::multimap<clock::time_point, transfer*>::iterator deadline;
  std::string host_key;  // empty: not subject to the per-host queue
  bool queued = false;   // waiting in hosts[host_key].waiting at queue_pos
  std::list<transfer*>::iterator queue_pos;
  // Set when the transfer runs in curl (a queued transfer holds no handle, no file).
  CURL* easy = nullptr;
  curl_slist* header_lines = nullptr;
  header_collector headers;
  std::optional<body_sink> sink;
  char errbuf[CURL_ERROR_SIZE] = {};
  int failed_option = 0;  // the CURLoption configure() could not set, for the error
  bool finished = false;  // curl reported the transfer done (its handle may be reused)

  transfer() = default;
  transfer(const transfer&) = delete;
  transfer& operator=(const transfer&) = delete;
  ~transfer() { curl_slist_free_all(header_lines); }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto n = size * count;
  static_cast<transfer*>(user)->headers.add_line(std::string_view(data, n));
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto n = size * count;
  auto* t = static_cast<transfer*>(user);
  // Returning less than n makes curl abort the transfer with CURLE_WRITE_ERROR; the
  // sink remembers why (over the cap, or a file write error).
  if (t->sink->write(data, n) != body_sink::state::ok) return 0;
  return n;
}

response failed(failure f, std::string message) {
  response r;
  r.fail = f;
  r.error = std::move(message);
  return r;
}

// libcurl keeps one parsed CA store per multi handle and reuses it for every new
// connection, but only when verification uses a CA file and no CA directory. Debian's
// libcurl has a default directory (/etc/ssl/certs) besides its default bundle, so
// without this every connection would parse the whole bundle again (slow under
// OpenSSL 3). The directory is dropped only when the bundle file (ours, or curl's
// default) exists, so nothing verifies less.
bool ca_store_cacheable(const std::string& ca_file) {
  std::string bundle = ca_file;
  if (bundle.empty()) {
    CURL* probe = curl_easy_init();
    if (probe == nullptr) return false;
    char* def = nullptr;
    if (curl_easy_getinfo(probe, CURLINFO_CAINFO, &def) == CURLE_OK && def != nullptr) bundle = def;
    curl_easy_cleanup(probe);
  }
  std::error_code ec;
  return !bundle.empty() && std::filesystem::is_regular_file(bundle, ec);
}

}  // namespace

struct curl_engine::impl {
  client_options opts;
  completion_fn on_done;
  CURLM* multi = nullptr;
  // True when the CA bundle file alone verifies (see ca_store_cacheable()).
  bool no_ca_path = false;
  curl_slist* connect_to = nullptr;

  std::mutex mtx;
  std::vector<submission> queue;  // guarded by mtx
  std::atomic<bool> stopping{false};

  // Everything below belongs to the I/O thread.
  // Every accepted request, queued or running, until it completes.
  std::unordered_map<uint64_t, std::unique_ptr<transfer>> transfers;
  std::multimap<clock::time_point, transfer*> deadlines;
  // Requests beyond a host's connection capacity wait here rather than in curl's own
  // pending list, where each would hold an easy handle (~16 KiB buffer) and possibly
  // an open file: memory stays proportional to connections, not to requests queued.
  std::unordered_map<std::string, host_queue> hosts;
  std::size_t per_host_limit = 0;  // 0: no limit
  std::vector<CURL*> idle_handles;

  impl(client_options o, completion_fn f) : opts(std::move(o)), on_done(std::move(f)) {
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
    no_ca_path = ca_store_cacheable(opts.ca_file);
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, opts.max_host_connections);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, opts.max_total_connections);
    // The idle-connection cache must hold as many connections as may be open at once,
    // or curl closes kept-alive connections that the next burst would have reused.
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, opts.max_total_connections);
    curl_multi_setopt(multi, CURLMOPT_PIPELINING,
                      opts.http2 ? long{CURLPIPE_MULTIPLEX} : long{CURLPIPE_NOTHING});
    if (opts.http2)
      curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, h2_streams_per_connection);
    if (opts.max_host_connections > 0)
      per_host_limit = static_cast<std::size_t>(opts.max_host_connections) *
                       static_cast<std::size_t>(opts.http2 ? h2_streams_per_connection : 1);
    for (const auto& rule : opts.connect_to) {
      auto* next = curl_slist_append(connect_to, rule.c_str());
      if (next == nullptr) {
        curl_slist_free_all(connect_to);
        curl_multi_cleanup(multi);
        throw std::runtime_error("out of memory building connect-to rules");
      }
      connect_to = next;
    }
  }

  ~impl() {
    for (auto& [id, t] : transfers) {
      if (t->easy == nullptr) continue;
      curl_multi_remove_handle(multi, t->easy);
      curl_easy_cleanup(t->easy);
    }
    transfers.clear();  // body sinks remove their partial files
    for (auto* e : idle_handles) curl_easy_cleanup(e);
    curl_multi_cleanup(multi);
    curl_slist_free_all(connect_to);
  }

  void complete(uint64_t id, response&& r) {
    if (!stopping.load(std::memory_order_acquire)) on_done(id, std::move(r));
  }

  CURL* acquire_handle() {
    if (!idle_handles.empty()) {
      auto* e = idle_handles.back();
      idle_handles.pop_back();
      return e;
    }
    return curl_easy_init();
  }

  // Only a handle whose transfer curl finished goes back to the pool: one removed
  // mid-transfer (timed out, cancelled) keeps transfer state that curl_easy_reset does
  // not clear — libcurl 7.88 then refuses CURLOPT_BUFFERSIZE on it ("bad argument"),
  // which failed downloads under overload.
  void release_handle(CURL* e, bool finished) {
    curl_multi_remove_handle(multi, e);
    if (finished && idle_handles.size() < max_idle_handles) {
      curl_easy_reset(e);
      idle_handles.push_back(e);
    } else {
      curl_easy_cleanup(e);
    }
  }

  CURLcode configure(transfer& t) {
    CURL* e = t.easy;
    const request& rq = t.req;
    CURLcode rc = CURLE_OK;
    auto set = [&](CURLoption option, auto value) {
      if (rc != CURLE_OK) return;
      rc = curl_easy_setopt(e, option, value);
      if (rc != CURLE_OK) t.failed_option = static_cast<int>(option);
    };
    set(CURLOPT_URL, rq.url.c_str());
    set(CURLOPT_PRIVATE, static_cast<void*>(&t));
    set(CURLOPT_ERRORBUFFER, t.errbuf);
    set(CURLOPT_NOSIGNAL, 1L);
    // Never let a URL (or a redirect) reach file://, ftp:// and the like.
    set(CURLOPT_PROTOCOLS_STR, "http,https");
    // Do not wait for a stuck resolver thread when a transfer is torn down.
    set(CURLOPT_QUICK_EXIT, 1L);
    // The timeout counts from submission: a request that waited in its host's queue
    // gets what is left.
    auto left = std::max(std::chrono::milliseconds(1),
                         std::chrono::duration_cast<std::chrono::milliseconds>(
                           t.deadline_at - clock::now()));
    set(CURLOPT_TIMEOUT_MS, static_cast<long>(left.count()));
    set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(opts.connect_timeout, left).count()));
    set(CURLOPT_TCP_KEEPALIVE, 1L);
    if (opts.http2) {
      set(CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_2TLS});
      set(CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on a connection being set up
    } else {
      set(CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_1_1});
    }
    set(CURLOPT_SSL_VERIFYPEER, opts.verify_tls ? 1L : 0L);
    set(CURLOPT_SSL_VERIFYHOST, opts.verify_tls ? 2L : 0L);
    if (!opts.ca_file.empty()) set(CURLOPT_CAINFO, opts.ca_file.c_str());
    if (no_ca_path) set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
    // Without an explicit proxy libcurl reads http_proxy / HTTPS_PROXY / NO_PROXY.
    if (!opts.proxy.empty()) set(CURLOPT_PROXY, opts.proxy.c_str());
    if (!opts.no_proxy.empty()) set(CURLOPT_NOPROXY, opts.no_proxy.c_str());
    if (connect_to != nullptr) set(CURLOPT_CONNECT_TO, connect_to);
    if (!opts.user_agent.empty()) set(CURLOPT_USERAGENT, opts.user_agent.c_str());
    set(CURLOPT_HTTPHEADER, t.header_lines);
    set(CURLOPT_HEADERFUNCTION, &on_header);
    set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
    set(CURLOPT_WRITEFUNCTION, &on_body);
    set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
    if (!rq.body_file.empty()) set(CURLOPT_BUFFERSIZE, file_buffer_size);
    if (rq.follow_redirects) {
      set(CURLOPT_FOLLOWLOCATION, 1L);
      set(CURLOPT_MAXREDIRS, 10L);
      set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    }

    if (rq.method == "GET") {
      set(CURLOPT_HTTPGET, 1L);
    } else if (rq.method == "HEAD") {
      set(CURLOPT_NOBODY, 1L);
    } else {
      if (rq.method == "POST") {
        set(CURLOPT_POST, 1L);
      } else {
        set(CURLOPT_CUSTOMREQUEST, rq.method.c_str());
      }
      // A DELETE without a body sends no Content-Length; every other method sends its
      // body (possibly empty: "Content-Length: 0", which AWS APIs expect).
      if (rq.method != "DELETE" || !rq.body.empty()) {
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(rq.body.size()));
        set(CURLOPT_POSTFIELDS, rq.body.data());
      }
    }
    // A Content-Length over the cap fails before any body byte arrives. Not for HEAD:
    // its Content-Length describes a body that never comes.
    constexpr auto max_off = static_cast<std::size_t>(std::numeric_limits<curl_off_t>::max());
    if (rq.method != "HEAD" && rq.max_body <= max_off)
      set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(rq.max_body));
    return rc;
  }

  // Accepts a submission: checks it, then runs it or queues it behind its host.
  void start(submission&& s) {
    const request& rq = s.req;
    if (!is_supported_method(rq.method))
      return complete(s.id, failed(failure::invalid_request,
                                   "unsupported HTTP method \"" + rq.method + "\""));
    if (!rq.body.empty() && !method_allows_body(rq.method))
      return complete(s.id,
                      failed(failure::invalid_request, rq.method + " requests carry no body"));
    if (rq.timeout.count() <= 0)
      return complete(s.id,
                      failed(failure::invalid_request, "the request timeout must be positive"));
    auto lines = curl_header_lines(rq.headers);
    if (!lines.ok()) return complete(s.id, failed(failure::invalid_request, lines.error().message));

    auto t = std::make_unique<transfer>();
    t->id = s.id;
    t->req = std::move(s.req);
    for (const auto& line : *lines) {
      auto* next = curl_slist_append(t->header_lines, line.c_str());
      if (next == nullptr) return complete(t->id, failed(failure::other, "out of memory"));
      t->header_lines = next;
    }
    t->deadline_at = clock::now() + t->req.timeout;
    t->deadline = deadlines.emplace(t->deadline_at + deadline_grace, t.get());
    if (per_host_limit > 0) t->host_key = origin_key(t->req.url);
    transfer* tp = t.get();
    transfers.emplace(tp->id, std::move(t));

    if (!tp->host_key.empty()) {
      auto& host = hosts[tp->host_key];
      if (host.running >= per_host_limit) {
        tp->queued = true;
        tp->queue_pos = host.waiting.insert(host.waiting.end(), tp);
        return;
      }
      ++host.running;
    }
    if (auto err = launch(tp)) end(tp, std::move(*err));
  }

  // Hands a transfer to curl (its host slot, if any, already counted). On failure the
  // transfer is untouched but for what it holds, and the reason is returned.
  std::optional<response> launch(transfer* t) {
    const request& rq = t->req;
    if (rq.body_file.empty()) {
      t->sink.emplace(body_sink::to_memory(rq.max_body));
    } else {
      auto sink = body_sink::to_file(rq.body_file, rq.max_body);
      if (!sink.ok()) return failed(failure::io, sink.error().message);
      t->sink.emplace(std::move(sink).value());
    }
    // A download to a file sets CURLOPT_BUFFERSIZE, which libcurl refuses on a handle
    // that still holds a receive buffer: it gets a fresh handle (connections are pooled
    // by the multi handle, not by easy handles, so nothing is lost).
    t->easy = rq.body_file.empty() ? acquire_handle() : curl_easy_init();
    if (t->easy == nullptr) return failed(failure::other, "curl_easy_init failed");
    if (auto rc = configure(*t); rc != CURLE_OK) {
      curl_easy_reset(t->easy);
      idle_handles.push_back(t->easy);
      t->easy = nullptr;
      return failed(failure::invalid_request,
                    "cannot set up the request (curl option " + std::to_string(t->failed_option) +
                        "): " + curl_easy_strerror(rc));
    }
    if (auto mc = curl_multi_add_handle(multi, t->easy); mc != CURLM_OK) {
      curl_easy_cleanup(t->easy);
      t->easy = nullptr;
      return failed(failure::other, curl_multi_strerror(mc));
    }
    return std::nullopt;
  }

  // Frees a transfer and its host slot (passing the slot to the next queued request of
  // that host), then reports r.
  void end(transfer* t, response&& r) {
    auto it = transfers.find(t->id);
    std::unique_ptr<transfer> owned = std::move(it->second);
    transfers.erase(it);
    deadlines.erase(t->deadline);
    if (t->easy != nullptr) {
      release_handle(t->easy, t->finished);
      t->easy = nullptr;
    }
    // Queued requests that could not even start; they end after this one, slot-less.
    std::vector<std::pair<transfer*, response>> failed_to_start;
    if (!t->host_key.empty()) {
      auto h = hosts.find(t->host_key);
      auto& host = h->second;
      if (t->queued) {
        host.waiting.erase(t->queue_pos);
      } else {
        bool passed = false;
        while (!passed && !host.waiting.empty()) {
          transfer* next = host.waiting.front();
          host.waiting.pop_front();
          next->queued = false;
          if (auto err = launch(next)) {
            next->host_key.clear();  // holds no slot any more
            failed_to_start.emplace_back(next, std::move(*err));
          } else {
            passed = true;
          }
        }
        if (!passed) --host.running;
      }
      if (host.running == 0 && host.waiting.empty()) hosts.erase(h);
    }
    auto id = t->id;
    owned.reset();
    complete(id, std::move(r));
    for (auto& [next, err] : failed_to_start) end(next, std::move(err));
  }

  // Turns a transfer curl has finished into its response.
  void finish(transfer* tp, CURLcode code) {
    tp->finished = true;
    transfer& t = *tp;
    response r;
    long status = 0;
    long connects = 0;
    char* effective = nullptr;
    curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(t.easy, CURLINFO_NUM_CONNECTS, &connects);
    curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
    r.status = static_cast<int>(status);
    r.new_connections = static_cast<uint32_t>(connects);
    r.reused_connection = status > 0 && connects == 0;
    if (effective != nullptr) r.effective_url = effective;
    r.headers = t.headers.take();

    if (code == CURLE_OK && !t.req.body_file.empty() && (status < 200 || status >= 300)) {
      // An error document is not the content the caller wants in its file.
      r.body_size = t.sink->size();
      t.sink->take_error_body(r.body, error_body_limit);
    } else if (code == CURLE_OK) {
      r.body_size = t.sink->size();
      auto committed = t.sink->commit(r.body, r.body_sha256_hex);
      if (!committed.ok()) {
        r.fail = failure::io;
        r.error = committed.error().message;
        r.body.clear();
        r.body_size = 0;
      }
    } else {
      switch (t.sink->current()) {
        case body_sink::state::over_cap:
          r.fail = failure::body_too_large;
          r.error = t.sink->error();
          break;
        case body_sink::state::io_error:
          r.fail = failure::io;
          r.error = t.sink->error();
          break;
        case body_sink::state::ok:
          r.fail = classify(code);
          if (r.fail == failure::body_too_large)
            r.error = "body exceeds the limit of " + std::to_string(t.sink->cap()) + " bytes";
          else
            r.error = t.errbuf[0] != '\0' ? std::string(t.errbuf) : curl_easy_strerror(code);
          break;
      }
      t.sink->discard();
    }
    end(tp, std::move(r));
  }

  // The backstop: a transfer past its deadline (and the grace) ends as a timeout, be it
  // still queued behind its host or stuck in curl.
  void expire_overdue() {
    auto now = clock::now();
    while (!deadlines.empty() && deadlines.begin()->first <= now) {
      transfer* t = deadlines.begin()->second;
      auto what = std::string(t->queued ? "still queued for a connection" : "no answer") +
                  " after " + std::to_string(t->req.timeout.count()) + " ms";
      end(t, failed(failure::timeout, std::move(what)));
    }
  }

  int poll_timeout_ms() const {
    if (deadlines.empty()) return max_poll_ms;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadlines.begin()->first - clock::now()).count() + 1;
    return static_cast<int>(std::clamp<long long>(left, 0, max_poll_ms));
  }

  void run() {
    pthread_setname_np(pthread_self(), "fluxaws-http");
    std::vector<submission> batch;
    while (!stopping.load(std::memory_order_acquire)) {
      {
        std::lock_guard<std::mutex> guard(mtx);
        batch.swap(queue);
      }
      for (auto& s : batch) start(std::move(s));
      batch.clear();

      int running = 0;
      curl_multi_perform(multi, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        void* priv = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        auto code = msg->data.result;  // msg is invalid once the handle is removed
        finish(static_cast<transfer*>(priv), code);
        if (stopping.load(std::memory_order_acquire)) return;
      }
      expire_overdue();
      if (stopping.load(std::memory_order_acquire)) return;
      curl_multi_poll(multi, nullptr, 0, poll_timeout_ms(), nullptr);
    }
  }

  void request_stop() {
    {
      std::lock_guard<std::mutex> guard(mtx);
      stopping.store(true, std::memory_order_release);
      queue.clear();
    }
    curl_multi_wakeup(multi);
  }
};

curl_engine::curl_engine(client_options opts, completion_fn on_done) {
  curl_global_init_once();
  impl_ = std::make_shared<impl>(std::move(opts), std::move(on_done));
  // The thread shares ownership of impl so that it can finish alone when the engine is
  // destroyed from inside a completion (see the header).
  thread_ = std::thread([self = impl_] { self->run(); });
}

curl_engine::~curl_engine() {
  impl_->request_stop();
  if (thread_.get_id() == std::this_thread::get_id())
    thread_.detach();
  else
    thread_.join();
}

void curl_engine::submit(uint64_t id, request req) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> guard(impl_->mtx);
    if (impl_->stopping.load(std::memory_order_relaxed)) return;
    wake = impl_->queue.empty();
    impl_->queue.push_back(submission{id, std::move(req)});
  }
  // One wakeup per batch: the I/O thread drains the whole queue when it wakes.
  if (wake) curl_multi_wakeup(impl_->multi);
}

}  // namespace fluxaws::http
