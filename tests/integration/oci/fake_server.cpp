#include <utility>  // Boost 1.74's Asio headers use std::exchange without including it

#include "fake_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <mutex>
#include <thread>

namespace fluxaws::oci::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string find_header(const header_pairs& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

}  // namespace

std::string fake_request::header(std::string_view name) const { return find_header(headers, name); }
std::string loopback_response::header(std::string_view name) const { return find_header(headers, name); }

loopback_response loopback_call(uint16_t port, const std::string& method, const std::string& target,
                                const header_pairs& headers, const std::string& body,
                                std::chrono::milliseconds timeout) {
  loopback_response out;
  try {
    asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [k, v] : headers) req.insert(k, v);
    req.body() = body;
    if (!body.empty() || method == "PUT" || method == "POST" || method == "PATCH") req.prepare_payload();
    bhttp::write(stream, req);
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(256u << 20);
    parser.skip(method == "HEAD");
    bhttp::read(stream, buffer, parser);
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    for (const auto& f : res)
      out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    out.body = std::move(res.body());
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  return out;
}

struct fake_server::impl {
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
  handler on_request;
  mutable std::mutex mtx;
  std::vector<fake_request> seen;

  void accept();
};

namespace {

std::string_view reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 307: return "Temporary Redirect";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 500: return "Internal Server Error";
    default: return "Status";
  }
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(fake_server::impl& srv, tcp::socket sock) : srv_(srv), stream_(std::move(sock)) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(64u << 20);
    bhttp::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->handle(self->parser_->release());
    });
  }

 private:
  void handle(bhttp::request<bhttp::string_body> req) {
    fake_request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& f : req) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = req.body();
    {
      std::lock_guard<std::mutex> g(srv_.mtx);
      srv_.seen.push_back(r);
    }
    fake_reply reply;
    try {
      reply = srv_.on_request(r);
    } catch (const std::exception& e) {
      reply = fake_reply{500, {}, std::string("handler threw: ") + e.what(), std::nullopt};
    }
    bool head = r.method == "HEAD";
    std::size_t length = reply.declared_length.value_or(reply.body.size());
    bool truncate = !head && length > reply.body.size();
    bool keep_alive = req.keep_alive() && !truncate;
    auto out = std::make_shared<std::string>();
    *out = "HTTP/1.1 " + std::to_string(reply.status) + " " + std::string(reason(reply.status)) + "\r\n";
    for (const auto& [k, v] : reply.headers) *out += k + ": " + v + "\r\n";
    *out += "Content-Length: " + std::to_string(length) + "\r\n";
    if (!keep_alive) *out += "Connection: close\r\n";
    *out += "\r\n";
    if (!head) *out += reply.body.substr(0, length);
    asio::async_write(stream_.socket(), asio::buffer(*out),
                      [self = shared_from_this(), out, keep_alive](beast::error_code ec, std::size_t) {
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  fake_server::impl& srv_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

}  // namespace

void fake_server::impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket sock) {
    if (ec) return;
    std::make_shared<session>(*this, std::move(sock))->read();
    accept();
  });
}

fake_server::fake_server(handler h) : impl_(std::make_unique<impl>()) {
  impl_->on_request = std::move(h);
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

fake_server::~fake_server() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t fake_server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::vector<fake_request> fake_server::requests() const {
  std::lock_guard<std::mutex> g(impl_->mtx);
  return impl_->seen;
}

void fake_server::clear() {
  std::lock_guard<std::mutex> g(impl_->mtx);
  impl_->seen.clear();
}

fake_server::handler forward_to(uint16_t port, std::function<void(const fake_request&, fake_reply&)> edit) {
  return [port, edit](const fake_request& r) {
    header_pairs headers;
    for (const auto& [k, v] : r.headers)
      if (!iequals(k, "host") && !iequals(k, "connection") && !iequals(k, "content-length")) headers.emplace_back(k, v);
    auto up = loopback_call(port, r.method, r.target, headers, r.body);
    fake_reply reply;
    if (!up.error.empty()) {
      reply.status = 502;
      reply.body = "upstream: " + up.error;
      return reply;
    }
    reply.status = up.status;
    reply.body = std::move(up.body);
    for (const auto& [k, v] : up.headers) {
      if (iequals(k, "content-length")) {
        if (r.method == "HEAD") reply.declared_length = std::stoull(v);
        continue;
      }
      if (iequals(k, "connection") || iequals(k, "transfer-encoding")) continue;
      reply.headers.emplace_back(k, v);
    }
    if (edit) edit(r, reply);
    return reply;
  };
}

}  // namespace fluxaws::oci::testing
