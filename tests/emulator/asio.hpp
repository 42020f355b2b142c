// asio.hpp — the one place the emulator includes Boost.Asio/Beast from.
//
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>,
// which g++ 12 does not pull in transitively; including <utility> first fixes it.
// Also names the namespaces every emulator file uses.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace emu {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
}  // namespace emu

namespace emu {
// Boost 1.74's beast::string_view is boost::string_view, not std::string_view.
inline std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }
inline boost::beast::string_view bsv(std::string_view s) { return {s.data(), s.size()}; }
}  // namespace emu
