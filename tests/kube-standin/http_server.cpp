#include "tests/kube-standin/http_server.hpp"

#include <deque>
#include <iostream>

namespace kstand {

namespace {

constexpr auto kIdleDeadline = std::chrono::seconds(300);
constexpr auto kRequestDeadline = std::chrono::seconds(60);
constexpr std::uint64_t kBodyLimit = 64ull << 20;

std::string sv(boost::beast::string_view s) { return std::string(s.data(), s.size()); }

beast::tcp_stream& timed(beast::tcp_stream& s) { return s; }
beast::tcp_stream& timed(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

std::string hex_size(std::size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[n & 0xf]);
    n >>= 4;
  } while (n);
  return out;
}

void append_chunk(std::string& out, const std::string& data) {
  out += hex_size(data.size());
  out += "\r\n";
  out += data;
  out += "\r\n";
}

// What one watch connection shares with the store's callbacks.
struct watch_channel {
  explicit watch_channel(const asio::any_io_executor& ex) : wake(ex) {}
  std::deque<std::string> queue;
  bool cut = false;          // the test asked to cut the stream
  bool peer_closed = false;  // the client went away
  asio::steady_timer wake;
  char scratch[512];
};

}  // namespace

http_server::http_server(asio::io_context& io, asio::ssl::context& tls, const tcp::endpoint& ep, api_handler& handler,
                         std::chrono::milliseconds bookmark_interval, bool verbose)
    : io_(io), tls_(tls), acceptor_(io), handler_(handler), bookmark_interval_(bookmark_interval), verbose_(verbose) {
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void http_server::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void http_server::stop() {
  stopping_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (tcp::socket* s : *live_) {
    s->shutdown(tcp::socket::shutdown_both, ec);
    s->close(ec);
  }
}

asio::awaitable<void> http_server::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open() || stopping_) co_return;
      asio::steady_timer pause(io_, std::chrono::milliseconds(20));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    asio::co_spawn(io_, session(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> http_server::session(tcp::socket socket) {
  boost::system::error_code ec;
  beast::tcp_stream stream(std::move(socket));
  stream.socket().set_option(tcp::no_delay(true), ec);
  live_->insert(&stream.socket());
  struct forget {
    std::shared_ptr<std::set<tcp::socket*>> live;
    tcp::socket* s;
    ~forget() { live->erase(s); }
  } guard{live_, &stream.socket()};
  beast::flat_buffer buffer;
  stream.expires_after(kRequestDeadline);
  bool is_tls = co_await beast::async_detect_ssl(stream, buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  if (!is_tls) {
    co_await serve(stream, buffer);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> ssl(std::move(stream), tls_);
  live_->erase(guard.s);
  guard.s = &ssl.next_layer().socket();
  live_->insert(guard.s);
  auto used = co_await ssl.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                           asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  buffer.consume(used);
  co_await serve(ssl, buffer);
  if (!ssl.next_layer().socket().is_open()) co_return;
  ssl.next_layer().expires_after(std::chrono::seconds(2));
  co_await ssl.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

template <class Stream>
asio::awaitable<void> http_server::serve(Stream& stream, beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    parser.header_limit(64 * 1024);
    timed(stream).expires_after(kIdleDeadline);
    co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == http::error::body_limit) {
        http::response<http::string_body> res{http::status::payload_too_large, 11};
        res.set(http::field::content_type, "text/plain");
        res.body() = "request entity too large\n";
        res.keep_alive(false);
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      }
      co_return;
    }
    timed(stream).expires_after(kRequestDeadline);
    auto& head = parser.get();
    api_request req;
    req.method = sv(head.method_string());
    req.target = sv(head.target());
    req.content_type = sv(head[http::field::content_type]);
    req.accept = sv(head[http::field::accept]);
    req.authorization = sv(head[http::field::authorization]);
    req.impersonate_user = sv(head["Impersonate-User"]);
    req.body = std::move(head.body());
    const bool keep = head.keep_alive();
    const unsigned version = head.version();

    api_handler::outcome out = handler_.handle(req);
    if (auto* spec = std::get_if<watch_spec>(&out)) {
      if (verbose_) std::cerr << "kube-standin: WATCH " << req.target << "\n";
      co_await stream_watch(stream, *spec);
      timed(stream).socket().close(ec);
      co_return;
    }
    auto& r = std::get<api_response>(out);
    if (verbose_)
      std::cerr << "kube-standin: " << req.method << " " << req.target << " " << r.status << "\n";
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::content_type, r.content_type);
    res.set(http::field::cache_control, "no-cache, private");
    res.body() = std::move(r.body);
    res.keep_alive(keep);
    res.prepare_payload();
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !keep || stopping_) co_return;
  }
}

template <class Stream>
asio::awaitable<void> http_server::stream_watch(Stream& stream, const watch_spec& spec) {
  boost::system::error_code ec;
  timed(stream).expires_never();
  tcp::socket& sock = timed(stream).socket();
  auto ch = std::make_shared<watch_channel>(sock.get_executor());
  std::string head =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: application/json\r\n"
      "Cache-Control: no-cache, private\r\n"
      "Transfer-Encoding: chunked\r\n"
      "\r\n";
  co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;

  uint64_t id = handler_.open_watch(
      spec,
      [ch](std::string line) {
        ch->queue.push_back(std::move(line));
        ch->wake.cancel();
      },
      [ch] {
        ch->cut = true;
        ch->wake.cancel();
      });
  struct closer {
    api_handler& h;
    uint64_t id;
    ~closer() {
      if (id) h.close_watch(id);
    }
  } guard{handler_, id};

  // A read that completes only when the client closes (or sends something it should not).
  stream.async_read_some(asio::buffer(ch->scratch), [ch](boost::system::error_code, std::size_t) {
    ch->peer_closed = true;
    ch->wake.cancel();
  });

  using clock = std::chrono::steady_clock;
  const auto deadline = clock::now() + spec.timeout;
  auto next_bookmark = clock::now() + bookmark_interval_;
  bool clean_end = id == 0;  // an ERROR event was queued: send it and end
  for (;;) {
    if (!ch->queue.empty()) {
      std::string batch;
      while (!ch->queue.empty()) {
        append_chunk(batch, ch->queue.front());
        ch->queue.pop_front();
      }
      co_await asio::async_write(stream, asio::buffer(batch), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        clean_end = false;
        break;
      }
    }
    // Cut mid-stream (a test asked, or the stand-in stops): no terminating chunk.
    if (ch->cut || ch->peer_closed || stopping_) {
      clean_end = false;
      break;
    }
    auto now = clock::now();
    if (clean_end || now >= deadline) {
      clean_end = true;
      break;
    }
    if (spec.bookmarks && now >= next_bookmark) {
      ch->queue.push_back(handler_.bookmark_line(spec));
      next_bookmark = now + bookmark_interval_;
      continue;
    }
    ch->wake.expires_at(spec.bookmarks ? std::min(deadline, next_bookmark) : deadline);
    co_await ch->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (clean_end) {
    std::string last = "0\r\n\r\n";
    co_await asio::async_write(stream, asio::buffer(last), asio::redirect_error(asio::use_awaitable, ec));
  }
  sock.close(ec);
  // The pending read refers to the stream (TLS state included): wait for its handler
  // before the stream can go away.
  while (!ch->peer_closed) {
    ch->wake.expires_after(std::chrono::seconds(5));
    co_await ch->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace kstand
