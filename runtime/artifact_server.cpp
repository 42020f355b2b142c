#include "runtime/artifact_server.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "runtime/listen_address.hpp"

namespace fluxaws::runtime {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// ---- pure helpers -----------------------------------------------------------------

std::optional<std::string> artifact_request_path(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;  // no absolute-form, no '*'
  if (auto q = target.find_first_of("?#"); q != std::string_view::npos) target = target.substr(0, q);
  auto decoded = enc::uri_decode(target);
  if (!decoded) return std::nullopt;
  if (decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) return std::nullopt;
  std::string rel;
  for (auto part : str::split(*decoded, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == ".." || part.front() == '.') return std::nullopt;  // traversal, hidden or temp file
    if (!rel.empty()) rel += '/';
    rel += part;
  }
  if (rel.empty()) return std::nullopt;  // the root: no listing
  return rel;
}

std::string artifact_content_type(std::string_view b) {
  auto starts = [&](std::string_view sig) { return b.substr(0, sig.size()) == sig; };
  if (starts(std::string_view("\x1f\x8b\x08", 3))) return "application/x-gzip";
  if (starts("PK\x03\x04")) return "application/zip";
  if (starts("%PDF-")) return "application/pdf";
  for (unsigned char c : b) {
    bool binary = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1A) || (c >= 0x1C && c <= 0x1F);
    if (binary) return "application/octet-stream";
  }
  return "text/plain; charset=utf-8";
}

namespace {

struct server_config {
  std::filesystem::path root;  // canonical
  std::chrono::seconds idle_timeout;
  std::chrono::seconds write_timeout;
  std::size_t max_connections;
  std::atomic<std::size_t> connections{0};
};

// The file for a request, opened; or why there is none.
struct opened_file {
  int fd = -1;
  std::uint64_t size = 0;
  timefmt::sys_time mtime{};
  std::string content_type;
};

std::optional<opened_file> open_artifact(const server_config& cfg, const std::string& rel) {
  auto full = cfg.root / rel;
  char resolved[PATH_MAX];
  if (!::realpath(full.c_str(), resolved)) return std::nullopt;
  std::string_view real(resolved);
  const std::string& root = cfg.root.native();
  // Symlinks are fine while they stay inside the root (and out of hidden names).
  if (real.size() <= root.size() + 1 || real.substr(0, root.size()) != root || real[root.size()] != '/') {
    return std::nullopt;
  }
  for (auto part : str::split(real.substr(root.size() + 1), '/')) {
    if (part.empty() || part.front() == '.') return std::nullopt;
  }
  int fd = ::open(resolved, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  opened_file f;
  f.fd = fd;
  f.size = static_cast<std::uint64_t>(st.st_size);
  using namespace std::chrono;
  f.mtime = timefmt::sys_time(duration_cast<timefmt::sys_time::duration>(seconds(st.st_mtim.tv_sec)));
  char head[512];
  ssize_t n = ::pread(fd, head, sizeof head, 0);
  f.content_type = artifact_content_type(std::string_view(head, n > 0 ? static_cast<std::size_t>(n) : 0));
  return f;
}

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket&& socket, std::shared_ptr<server_config> cfg) : stream_(std::move(socket)), cfg_(std::move(cfg)) {}
  ~session() { --cfg_->connections; }

  void run() { net::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::read, shared_from_this())); }

  // Called from any thread: closes the socket on the session's strand.
  void close() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->stream_.socket().close(ec);
    });
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    stream_.expires_after(cfg_->idle_timeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec) return;  // timeout, reset, malformed request: drop the connection
    handle(parser_->release());
  }

  void handle(const http::request<http::empty_body>& req) {
    bool head = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !head) {
      return send_text(req, http::status::method_not_allowed, "405 method not allowed\n", {{"Allow", "GET, HEAD"}});
    }
    auto rel = artifact_request_path(std::string_view(req.target().data(), req.target().size()));
    std::optional<opened_file> file;
    if (rel) file = open_artifact(*cfg_, *rel);
    if (!file) return send_text(req, http::status::not_found, "404 page not found\n", {});

    auto set_headers = [&](auto& res) {
      res.set(http::field::content_type, file->content_type);
      res.set(http::field::last_modified, timefmt::http_date(file->mtime));
      res.set(http::field::date, timefmt::http_date(std::chrono::system_clock::now()));
      res.keep_alive(req.keep_alive());
    };
    if (head) {
      ::close(file->fd);
      http::response<http::empty_body> res{http::status::ok, req.version()};
      set_headers(res);
      res.content_length(file->size);  // the size a GET would send; no body
      return send(std::move(res));
    }
    http::file_body::value_type body;
    beast::file f;
    f.native_handle(file->fd);  // the file now owns the descriptor
    beast::error_code ec;
    body.reset(std::move(f), ec);
    if (ec) return send_text(req, http::status::internal_server_error, "500 internal server error\n", {});
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    set_headers(res);
    res.content_length(file->size);
    send(std::move(res));
  }

  void send_text(const http::request<http::empty_body>& req, http::status status, std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> extra) {
    bool head = req.method() == http::verb::head;
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    for (const auto& [k, v] : extra) res.set(beast::string_view(k.data(), k.size()), beast::string_view(v.data(), v.size()));
    res.keep_alive(req.keep_alive());
    if (!head) res.body() = std::string(text);
    res.content_length(text.size());
    send(std::move(res));
  }

  template <class Body>
  void send(http::response<Body>&& res) {
    auto sp = std::make_shared<http::response<Body>>(std::move(res));
    response_ = sp;
    bool close_after = sp->need_eof();
    stream_.expires_after(cfg_->write_timeout);
    http::async_write(stream_, *sp, [self = shared_from_this(), close_after](beast::error_code ec, std::size_t) {
      self->response_.reset();
      if (ec) return;
      if (close_after) return self->shutdown();
      self->read();
    });
  }

  void shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<server_config> cfg_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::shared_ptr<void> response_;
};

}  // namespace

struct artifact_server::impl {
  net::io_context ioc;
  std::shared_ptr<server_config> cfg;
  std::unique_ptr<tcp::acceptor> acceptor;
  tcp::endpoint bound;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable idle;
  int running = 0;
  bool stopped = false;
  std::set<std::weak_ptr<session>, std::owner_less<std::weak_ptr<session>>> sessions;  // guarded by mu

  void accept() {
    acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
      if (!ec) {
        std::unique_lock lk(mu);
        if (stopped || cfg->connections.load() >= cfg->max_connections) {
          lk.unlock();
          beast::error_code ignored;
          socket.close(ignored);
        } else {
          ++cfg->connections;
          auto s = std::make_shared<session>(std::move(socket), cfg);
          for (auto it = sessions.begin(); it != sessions.end();) it = it->expired() ? sessions.erase(it) : std::next(it);
          sessions.insert(s);
          lk.unlock();
          s->run();
        }
      }
      accept();
    });
  }
};

artifact_server::artifact_server() : impl_(std::make_unique<impl>()) {}

artifact_server::~artifact_server() { stop(); }

result<std::unique_ptr<artifact_server>> artifact_server::start(artifact_server_options opts) {
  std::unique_ptr<artifact_server> srv(new artifact_server());
  auto& im = *srv->impl_;
  std::error_code fec;
  auto root = std::filesystem::canonical(opts.root, fec);
  if (fec || !std::filesystem::is_directory(root)) {
    return make_error("invalid", "artifact server root '" + opts.root.string() + "' is not a directory");
  }
  im.cfg = std::make_shared<server_config>();
  im.cfg->root = root;
  im.cfg->idle_timeout = opts.idle_timeout;
  im.cfg->write_timeout = opts.write_timeout;
  im.cfg->max_connections = opts.max_connections;

  auto acceptor = listen_on(im.ioc, opts.address, "storage");
  if (!acceptor) return acceptor.error();
  im.acceptor = std::move(*acceptor);
  beast::error_code bound_ec;
  im.bound = im.acceptor->local_endpoint(bound_ec);
  im.accept();
  int n = std::max(1, opts.threads);
  im.running = n;
  for (int i = 0; i < n; ++i) {
    im.threads.emplace_back([&im] {
      im.ioc.run();
      std::lock_guard lk(im.mu);
      --im.running;
      im.idle.notify_all();
    });
  }
  return srv;
}

void artifact_server::stop() {
  auto& im = *impl_;
  {
    std::lock_guard lk(im.mu);
    if (im.stopped) return;
    im.stopped = true;
  }
  if (im.acceptor) {
    // Close the listener and every connection on their own executors; with no work
    // left the threads return from run() by themselves.
    net::post(im.ioc, [&im] {
      beast::error_code ec;
      im.acceptor->close(ec);
    });
    std::vector<std::shared_ptr<session>> live;
    {
      std::lock_guard lk(im.mu);
      for (const auto& w : im.sessions)
        if (auto s = w.lock()) live.push_back(std::move(s));
      im.sessions.clear();
    }
    for (auto& s : live) s->close();
    live.clear();
    std::unique_lock lk(im.mu);
    im.idle.wait_for(lk, std::chrono::seconds(5), [&im] { return im.running == 0; });
  }
  im.ioc.stop();  // whatever is still running after the grace period
  for (auto& t : im.threads)
    if (t.joinable()) t.join();
  im.threads.clear();
}

std::uint16_t artifact_server::port() const { return impl_->bound.port(); }

std::string artifact_server::local_address() const {
  const auto& ep = impl_->bound;
  auto host = ep.address().to_string();
  if (ep.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(ep.port());
}

}  // namespace fluxaws::runtime
