#include "runtime/observe_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "runtime/listen_address.hpp"

namespace fluxaws::runtime {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct observe_server::impl {
  net::io_context ioc{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  observe_handler handler;
  std::thread thread;
  std::atomic<bool> stopping{false};
  std::string address;

  // One connection at a time, synchronously: probes and scrapes are tiny and rare.
  void serve(tcp::socket socket) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      bhttp::read(socket, buffer, req, ec);
      if (ec) return;
      bhttp::response<bhttp::string_body> res;
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      if (req.method() != bhttp::verb::get && req.method() != bhttp::verb::head) {
        res.result(bhttp::status::method_not_allowed);
        res.body() = "method not allowed\n";
      } else {
        std::string path(req.target());
        if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
        observe_reply r = handler(path);
        res.result(static_cast<bhttp::status>(r.status));
        res.set(bhttp::field::content_type, r.content_type);
        if (req.method() != bhttp::verb::head) res.body() = std::move(r.body);
      }
      res.prepare_payload();
      bhttp::write(socket, res, ec);
      if (ec || !res.keep_alive()) return;
    }
  }

  void run() {
    while (!stopping.load()) {
      tcp::socket socket(ioc);
      beast::error_code ec;
      acceptor->accept(socket, ec);
      if (ec) {
        if (stopping.load()) return;
        continue;
      }
      // A slow client must not hold probes forever.
      struct timeval tv {5, 0};
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      serve(std::move(socket));
    }
  }
};

observe_server::observe_server() : impl_(std::make_unique<impl>()) {}
observe_server::~observe_server() { stop(); }

result<std::unique_ptr<observe_server>> observe_server::start(const std::string& address, observe_handler handler,
                                                              std::string what) {
  std::unique_ptr<observe_server> srv(new observe_server());
  auto& im = *srv->impl_;
  im.handler = std::move(handler);
  auto acceptor = listen_on(im.ioc, address, what);
  if (!acceptor) return acceptor.error();
  im.acceptor = std::move(*acceptor);
  auto local = im.acceptor->local_endpoint();
  im.address = (local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string()) + ":" +
               std::to_string(local.port());
  im.thread = std::thread([&im] { im.run(); });
  return srv;
}

void observe_server::stop() {
  auto& im = *impl_;
  if (im.stopping.exchange(true)) return;
  if (im.acceptor) {
    beast::error_code ec;
    // Wake the blocking accept: shut the socket down, then close it.
    ::shutdown(im.acceptor->native_handle(), SHUT_RDWR);
    im.acceptor->close(ec);
  }
  if (im.thread.joinable()) im.thread.join();
}

std::string observe_server::local_address() const { return impl_->address; }

}  // namespace fluxaws::runtime
