#include "runtime/listen_address.hpp"

#include <cstdlib>
#include <string>

#include <boost/asio/ip/v6_only.hpp>

#include "adapters/common/strings.hpp"

namespace fluxaws::runtime {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// "host:port", "[v6]:port", ":port" -> endpoints to try, in order.
result<std::vector<tcp::endpoint>> listen_endpoints(net::io_context& ioc, std::string_view address, std::string_view what) {
  std::string host, port;
  if (str::starts_with(address, "[")) {
    auto close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return make_error("invalid", std::string("invalid ") + std::string(what) + " address '" + std::string(address) + "'");
    }
    host = std::string(address.substr(1, close - 1));
    port = std::string(address.substr(close + 2));
  } else {
    auto colon = address.rfind(':');
    if (colon == std::string_view::npos || address.find(':') != colon) {
      return make_error("invalid", std::string("invalid ") + std::string(what) + " address '" + std::string(address) + "' (want host:port)");
    }
    host = std::string(address.substr(0, colon));
    port = std::string(address.substr(colon + 1));
  }
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p < 0 || p > 65535) {
    return make_error("invalid", "invalid port in " + std::string(what) + " address '" + std::string(address) + "'");
  }
  auto port_num = static_cast<unsigned short>(p);
  if (host.empty()) {
    // All interfaces, as Go listens on ":port": dual-stack IPv6 first, then IPv4.
    return std::vector<tcp::endpoint>{tcp::endpoint(net::ip::address_v6::any(), port_num),
                                      tcp::endpoint(net::ip::address_v4::any(), port_num)};
  }
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  if (!ec) return std::vector<tcp::endpoint>{tcp::endpoint(addr, port_num)};
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) {
    return make_error("invalid", "cannot resolve " + std::string(what) + " address host '" + host + "': " + ec.message());
  }
  std::vector<tcp::endpoint> out;
  for (const auto& r : results) out.push_back(r.endpoint());
  return out;
}


result<std::unique_ptr<tcp::acceptor>> listen_on(net::io_context& ioc, std::string_view address,
                                                  std::string_view what) {
  auto eps = listen_endpoints(ioc, address, what);
  if (!eps) return eps.error();
  std::string last_error;
  for (const auto& ep : *eps) {
    auto acc = std::make_unique<tcp::acceptor>(ioc);
    boost::system::error_code ec;
    acc->open(ep.protocol(), ec);
    if (!ec && ep.protocol() == tcp::v6() && ep.address().is_unspecified()) acc->set_option(net::ip::v6_only(false), ec);
    if (!ec) acc->set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acc->bind(ep, ec);
    if (!ec) acc->listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      last_error = ec.message();
      continue;
    }
    return acc;
  }
  return make_error("bind", "cannot listen on " + std::string(what) + " address '" + std::string(address) + "': " +
                                last_error);
}

}  // namespace fluxaws::runtime
