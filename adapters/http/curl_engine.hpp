// The libcurl multi engine behind the HTTP client actor: one dedicated I/O thread runs
// every transfer (keep-alive connection pool, per-host and total connection caps, TLS,
// proxies, connect-to rules), so no caller ever blocks on the network. No CAF here.
//
// Contract:
//  - submit() may be called from any thread; it queues the request and wakes the I/O
//    thread (curl_multi_wakeup). Ids are the caller's; they must be unique while pending.
//  - Every submitted request gets exactly one call of the completion function, on the
//    I/O thread, no later than its timeout plus a short grace: either an HTTP answer or a
//    response whose `fail` says why there is none. The function must not block.
//  - Requests beyond a host's connection capacity (max_host_connections, times the
//    streams per connection with HTTP/2) wait in a per-host FIFO inside the engine and
//    hold no curl handle or file meanwhile; their timeout counts from submission. A busy
//    or slow host never delays requests to other hosts (up to max_total_connections).
//  - The destructor stops the I/O thread. Transfers still running are aborted (partial
//    files removed) and get no completion: the owner answers its waiters itself. The
//    destructor may run on the I/O thread (from inside the completion function, e.g. when
//    that drops the last reference to the owner); the thread then shuts down on its own.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "adapters/http/options.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::http {

class curl_engine {
 public:
  using completion_fn = std::function<void(uint64_t id, response&& r)>;

  // Starts the I/O thread. Throws std::runtime_error if libcurl cannot create a multi
  // handle (out of memory).
  curl_engine(client_options opts, completion_fn on_done);
  ~curl_engine();
  curl_engine(const curl_engine&) = delete;
  curl_engine& operator=(const curl_engine&) = delete;

  void submit(uint64_t id, request req);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
  std::thread thread_;
};

// curl_global_init, once per process; safe to call repeatedly.
void curl_global_init_once();

}  // namespace fluxaws::http
