#include "tests/emulator/server.hpp"

#include <boost/beast/core/detect_ssl.hpp>

#include "adapters/common/strings.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/routing.hpp"

namespace emu {

namespace {

constexpr auto kRequestDeadline = std::chrono::seconds(30);
constexpr auto kIdleDeadline = std::chrono::seconds(120);
constexpr std::uint64_t kBodyLimit = 1ull << 30;

tcp::socket& lowest(beast::tcp_stream& s) { return s.socket(); }
tcp::socket& lowest(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer().socket(); }
beast::tcp_stream& timed(beast::tcp_stream& s) { return s; }
beast::tcp_stream& timed(beast::ssl_stream<beast::tcp_stream>& s) { return s.next_layer(); }

// Ends the connection with a TCP RST: SO_LINGER on with a zero timeout, then close.
void reset_connection(tcp::socket& sock) {
  boost::system::error_code ec;
  sock.set_option(asio::socket_base::linger(true, 0), ec);
  sock.close(ec);
}

template <class Stream>
asio::awaitable<bool> write_slowly(Stream& stream, http_response& res) {
  boost::system::error_code ec;
  std::string body = std::move(res.body());
  res.body().clear();
  http::response_serializer<http::string_body> sr{res};
  co_await http::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const std::size_t pieces = 16;
  std::size_t step = std::max<std::size_t>(1, (body.size() + pieces - 1) / pieces);
  for (std::size_t off = 0; off < body.size(); off += step) {
    timer.expires_after(std::chrono::milliseconds(100));
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    co_await asio::async_write(stream, asio::buffer(body.data() + off, std::min(step, body.size() - off)),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return false;
  }
  co_return true;
}

template <class Stream>
asio::awaitable<void> serve(Stream& stream, beast::flat_buffer& buffer, bool tls, const dispatch_fn& dispatch) {
  boost::system::error_code ec;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    parser.header_limit(64 * 1024);
    timed(stream).expires_after(kIdleDeadline);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    timed(stream).expires_after(kRequestDeadline);
    auto& head = parser.get();
    if (fluxaws::str::iequals(sv(head[http::field::expect]), "100-continue")) {
      http::response<http::empty_body> cont{http::status::continue_, head.version()};
      co_await http::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    if (!parser.is_done()) {
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        auto res = plain_response(head.version(), 413, "Request Entity Too Large\n");
        res.keep_alive(false);
        res.prepare_payload();
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
      if (ec) co_return;
    }
    http_request req = parser.release();
    request_context rc;
    rc.host = host_of(sv(req[http::field::host]));
    rc.tls = tls;
    dispatch_result out;
    try {
      out = co_await dispatch(req, rc);
    } catch (const std::exception& e) {
      out.res = plain_response(req.version(), 500, std::string("emulator error: ") + e.what() + "\n");
    }
    if (out.action == fault_kind::reset) {
      reset_connection(lowest(stream));
      co_return;
    }
    auto& res = out.res;
    const bool keep = req.keep_alive() && res.keep_alive();
    res.version(req.version());
    if (req.method() == http::verb::head) {
      if (res.find(http::field::content_length) == res.end()) res.content_length(0);
      res.body().clear();
    } else {
      res.prepare_payload();
    }
    res.keep_alive(keep);
    if (out.action == fault_kind::slow_body && req.method() != http::verb::head) {
      if (!co_await write_slowly(stream, res)) co_return;
    } else if (req.method() == http::verb::head) {
      http::response_serializer<http::string_body> sr{res};
      co_await http::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    } else {
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
    if (!keep) co_return;
  }
}

asio::awaitable<void> session(tcp::socket socket, asio::ssl::context& tls, dispatch_fn dispatch) {
  boost::system::error_code ec;
  beast::tcp_stream stream(std::move(socket));
  stream.socket().set_option(tcp::no_delay(true), ec);
  beast::flat_buffer buffer;
  stream.expires_after(kRequestDeadline);
  bool is_tls = co_await beast::async_detect_ssl(stream, buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  if (!is_tls) {
    co_await serve(stream, buffer, false, dispatch);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> ssl(std::move(stream), tls);
  auto used = co_await ssl.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                           asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  buffer.consume(used);
  co_await serve(ssl, buffer, true, dispatch);
  ssl.next_layer().expires_after(std::chrono::seconds(2));
  co_await ssl.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

server::server(asio::io_context& io, asio::ssl::context& tls, const tcp::endpoint& ep, dispatch_fn dispatch)
    : io_(io), tls_(tls), acceptor_(io), dispatch_(std::move(dispatch)) {
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void server::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void server::stop() {
  boost::system::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> server::accept_loop() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (!acceptor_.is_open()) co_return;
      // EMFILE and friends: keep serving the connections we have, retry shortly.
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(20));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket), tls_, dispatch_), asio::detached);
  }
}

}  // namespace emu
