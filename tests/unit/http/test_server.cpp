#include "test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

#include "adapters/common/digest.hpp"

namespace fluxaws::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::string_view query_param(std::string_view target, std::string_view key) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  auto query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::size_t to_size(std::string_view s, std::size_t fallback) {
  std::size_t v = fallback;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

struct test_server::impl {
  asio::io_context ioc{1};
  std::optional<asio::ssl::context> ssl;
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  uint16_t port = 0;

  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> requests{0};
  std::atomic<std::size_t> held{0};
  mutable std::mutex proxied_mtx;
  std::vector<std::string> proxied;
  std::vector<std::weak_ptr<asio::steady_timer>> held_timers;  // server thread only

  void accept();
};

namespace {

template <class Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
 public:
  template <class... Args>
  session(test_server::impl& srv, Args&&... args)
      : srv_(srv), stream_(std::forward<Args>(args)...) {}

  void start() {
    if constexpr (is_tls) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    } else {
      read();
    }
  }

 private:
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;
  using response_t = bhttp::response<bhttp::string_body>;

  void read() {
    parser_.emplace();
    parser_->body_limit(64 << 20);  // the default 1 MiB is too small for the Expect test
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->req_ = self->parser_->release();
                        ++self->srv_.requests;
                        self->handle();
                      });
  }

  void handle() {
    std::string_view target(req_.target().data(), req_.target().size());
    auto path = target.substr(0, target.find('?'));
    if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
      {
        std::lock_guard<std::mutex> guard(srv_.proxied_mtx);
        srv_.proxied.emplace_back(target);
      }
      return respond(bhttp::status::ok, "proxied " + std::string(target));
    }
    if (path == "/echo") return respond(bhttp::status::ok, echo_text());
    if (path == "/slow") {
      auto ms = to_size(query_param(target, "ms"), 100);
      timer_ = std::make_shared<asio::steady_timer>(srv_.ioc, std::chrono::milliseconds(ms));
      timer_->async_wait([self = this->shared_from_this()](beast::error_code) {
        self->respond(bhttp::status::ok, "slow");
      });
      return;
    }
    if (path == "/hold") {
      timer_ = std::make_shared<asio::steady_timer>(srv_.ioc,
                                                    asio::steady_timer::time_point::max());
      srv_.held_timers.push_back(timer_);
      ++srv_.held;
      timer_->async_wait([self = this->shared_from_this()](beast::error_code) {
        --self->srv_.held;
        self->respond(bhttp::status::ok, "released");
      });
      return;
    }
    if (path == "/big") {
      auto n = to_size(query_param(target, "bytes"), 1024);
      auto body = test_server::pattern(n);
      auto digest = "sha256:" + digest::sha256_hex(body);
      return respond(bhttp::status::ok, std::move(body), query_param(target, "chunked") == "1",
                     {{"Docker-Content-Digest", digest}});
    }
    if (path == "/status") {
      auto code = static_cast<unsigned>(to_size(query_param(target, "code"), 200));
      return respond(static_cast<bhttp::status>(code), "");
    }
    if (path == "/redirect")
      return respond(bhttp::status::found, "redirecting", false, {{"Location", "/echo"}});
    if (path == "/headers")
      return respond(bhttp::status::ok, "headers", false,
                     {{"X-Mixed-Case", "Some Value"}, {"X-Dup", "a"}, {"X-Dup", "b"}});
    respond(bhttp::status::not_found, "no such endpoint");
  }

  std::string echo_text() const {
    std::string out(req_.method_string());
    out += ' ';
    out.append(req_.target().data(), req_.target().size());
    out += '\n';
    for (const auto& field : req_) {
      out.append(field.name_string().data(), field.name_string().size());
      out += ": ";
      out.append(field.value().data(), field.value().size());
      out += '\n';
    }
    out += '\n';
    out += req_.body();
    return out;
  }

  void respond(bhttp::status status, std::string body, bool chunked = false,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto res = std::make_shared<response_t>(status, req_.version());
    res->set(bhttp::field::server, "fluxaws-test");
    for (auto& [k, v] : headers) res->insert(k, v);
    res->keep_alive(req_.keep_alive());
    res->body() = std::move(body);
    if (req_.method() == bhttp::verb::head) {
      auto n = res->body().size();
      res->body().clear();
      res->content_length(n);
    } else if (chunked) {
      res->chunked(true);
    } else {
      res->prepare_payload();
    }
    bhttp::async_write(stream_, *res,
                       [self = this->shared_from_this(), res](beast::error_code ec, std::size_t) {
                         if (ec || !res->keep_alive()) return self->close();
                         self->read();
                       });
  }

  void close() {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  test_server::impl& srv_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::request<bhttp::string_body> req_;
  std::shared_ptr<asio::steady_timer> timer_;
};

}  // namespace

void test_server::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      ++connections;
      if (ssl)
        std::make_shared<session<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket),
                                                                         *ssl)
          ->start();
      else
        std::make_shared<session<beast::tcp_stream>>(*this, std::move(socket))->start();
    }
    accept();
  });
}

namespace {
void open_and_run(test_server::impl& s) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  s.acceptor.open(ep.protocol());
  s.acceptor.set_option(asio::socket_base::reuse_address(true));
  s.acceptor.bind(ep);
  s.acceptor.listen(asio::socket_base::max_listen_connections);
  s.port = s.acceptor.local_endpoint().port();
  s.accept();
  s.thread = std::thread([&s] { s.ioc.run(); });
}
}  // namespace

test_server::test_server() : impl_(std::make_unique<impl>()) { open_and_run(*impl_); }

test_server::test_server(tls_config tls) : impl_(std::make_unique<impl>()) {
  impl_->ssl.emplace(asio::ssl::context::tls_server);
  impl_->ssl->use_certificate_chain_file(tls.cert_file);
  impl_->ssl->use_private_key_file(tls.key_file, asio::ssl::context::pem);
  open_and_run(*impl_);
}

test_server::~test_server() {
  asio::post(impl_->ioc, [s = impl_.get()] {
    beast::error_code ec;
    s->acceptor.close(ec);
  });
  impl_->ioc.stop();
  impl_->thread.join();
}

uint16_t test_server::port() const { return impl_->port; }

std::string test_server::base_url() const {
  return std::string(impl_->ssl ? "https" : "http") + "://127.0.0.1:" + std::to_string(port());
}

uint64_t test_server::connections() const { return impl_->connections.load(); }
uint64_t test_server::requests() const { return impl_->requests.load(); }
std::size_t test_server::held() const { return impl_->held.load(); }

std::vector<std::string> test_server::proxied_targets() const {
  std::lock_guard<std::mutex> guard(impl_->proxied_mtx);
  return impl_->proxied;
}

void test_server::release_held() {
  asio::post(impl_->ioc, [s = impl_.get()] {
    for (auto& w : s->held_timers)
      if (auto t = w.lock()) t->cancel();
    s->held_timers.clear();
  });
}

std::string test_server::pattern(std::size_t n) {
  std::string out(n, '\0');
  uint32_t x = 2463534242u;  // xorshift32: cheap, not periodic at small strides
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    out[i] = static_cast<char>(x & 0xff);
  }
  return out;
}

refused_port::refused_port() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

refused_port::~refused_port() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fluxaws::http::testing
