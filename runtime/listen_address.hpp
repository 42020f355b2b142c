// Listen addresses as Go's net.Listen takes them ("host:port", "[v6]:port", ":port"
// for every interface, port 0 for a free one), resolved to endpoints to try in order.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::runtime {

// what: names the address in errors ("storage", "metrics", "health").
result<std::vector<boost::asio::ip::tcp::endpoint>> listen_endpoints(boost::asio::io_context& ioc,
                                                                     std::string_view address, std::string_view what);

// An acceptor listening on the first endpoint of the address that can be bound
// (dual-stack for ":port"), or why none could.
result<std::unique_ptr<boost::asio::ip::tcp::acceptor>> listen_on(boost::asio::io_context& ioc,
                                                                  std::string_view address, std::string_view what);

}  // namespace fluxaws::runtime
