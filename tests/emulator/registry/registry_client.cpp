#include "tests/emulator/registry/registry_client.hpp"

namespace emu::registry {

struct registry_client::connection {
  explicit connection(asio::any_io_executor ex) : stream(ex) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

registry_client::registry_client(asio::any_io_executor executor, options opts)
    : executor_(std::move(executor)), opts_(std::move(opts)) {
  endpoint_ = tcp::endpoint(asio::ip::make_address(opts_.host), opts_.port);
  host_header_ = opts_.host + ":" + std::to_string(opts_.port);
}

registry_client::~registry_client() = default;

std::size_t registry_client::idle_connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_.size();
}

void registry_client::close_idle() {
  std::deque<std::unique_ptr<connection>> closing;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing.swap(idle_);
  }
  for (auto& c : closing) {
    beast::error_code ignored;
    c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->stream.socket().close(ignored);
  }
}

std::unique_ptr<registry_client::connection> registry_client::take_idle() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.empty()) return nullptr;
  auto c = std::move(idle_.back());  // most recently used: least likely to be stale
  idle_.pop_back();
  return c;
}

void registry_client::give_back(std::unique_ptr<connection> c) {
  c->stream.expires_never();
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() < opts_.max_idle) idle_.push_back(std::move(c));
}

asio::awaitable<fluxaws::result<http_response>> registry_client::send(http_request req) {
  req.set(http::field::host, host_header_);
  req.keep_alive(true);
  req.prepare_payload();
  const bool head = req.method() == http::verb::head;
  const std::string what = std::string(req.method_string()) + " " + std::string(req.target());
  ++sent_;

  for (int attempt = 0;; ++attempt) {
    beast::error_code ec;
    auto conn = take_idle();
    const bool reused = conn != nullptr;
    if (!conn) {
      conn = std::make_unique<connection>(executor_);
      conn->stream.expires_after(opts_.timeout);
      co_await conn->stream.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, ec));
      if (ec)
        co_return fluxaws::make_error("registry_unreachable",
                                      "cannot connect to docker-registry at " + host_header_ + ": " + ec.message());
      ++opened_;
    }
    conn->stream.expires_after(opts_.timeout);
    co_await http::async_write(conn->stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (reused && attempt == 0) continue;
      co_return fluxaws::make_error("registry_io", what + " to docker-registry failed while sending: " + ec.message());
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(opts_.body_limit);
    if (head) parser.skip(true);
    co_await http::async_read(conn->stream, conn->buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      // A stale keep-alive connection closes before sending a single byte.
      const bool nothing_read = !parser.got_some();
      if (reused && attempt == 0 && nothing_read) continue;
      co_return fluxaws::make_error("registry_io", what + " to docker-registry failed while reading: " + ec.message());
    }
    http_response res = parser.release();
    if (res.keep_alive()) give_back(std::move(conn));
    co_return res;
  }
}

}  // namespace emu::registry
