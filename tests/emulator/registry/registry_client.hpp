// registry_client.hpp — an asynchronous HTTP/1.1 client to the local docker-registry,
// with a pool of keep-alive connections (coroutines, Boost.Beast).
//
// Contract:
//   - send() may be called from any number of coroutines at once, on an io_context run
//     by one or several threads: each request takes an idle connection or opens a new
//     one (there is no cap on open connections; the caller bounds concurrency), and
//     gives it back afterwards when both sides keep it alive; at most max_idle stay
//     pooled.
//   - A request that fails on a reused connection before any answer arrived (the
//     server closed it while idle) is retried once on a fresh connection.
//   - Every operation has a deadline (timeout); bodies above body_limit are an error.
//     HEAD answers carry the server's Content-Length and no body.
//   - Errors are error_info{code "registry_unreachable" / "registry_io", message}; an
//     HTTP error status is a response, not an error.
//   - The client must outlive every send() it started.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/common/result.hpp"
#include "tests/emulator/registry/asio_types.hpp"
#include "tests/emulator/http_types.hpp"

namespace emu::registry {

class registry_client {
 public:
  struct options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::size_t max_idle = 256;
    std::chrono::milliseconds timeout{60000};
    std::uint64_t body_limit = 1ull << 30;
  };

  registry_client(asio::any_io_executor executor, options opts);
  ~registry_client();
  registry_client(const registry_client&) = delete;
  registry_client& operator=(const registry_client&) = delete;

  // Sets Host, keep-alive and the payload length, then sends req.
  asio::awaitable<fluxaws::result<http_response>> send(http_request req);

  const options& settings() const { return opts_; }
  const asio::any_io_executor& executor() const { return executor_; }
  std::size_t idle_connections() const;
  std::uint64_t connections_opened() const { return opened_.load(); }
  std::uint64_t requests_sent() const { return sent_.load(); }
  // Closes the pooled connections (in-flight ones close when they finish).
  void close_idle();

 private:
  struct connection;
  std::unique_ptr<connection> take_idle();
  void give_back(std::unique_ptr<connection> c);

  asio::any_io_executor executor_;
  options opts_;
  tcp::endpoint endpoint_;
  std::string host_header_;
  mutable std::mutex mutex_;
  std::deque<std::unique_ptr<connection>> idle_;
  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace emu::registry
