// The artifact HTTP server against a real socket on 127.0.0.1: byte-exact GET, HEAD,
// 404 for directories, traversal (plain and percent-encoded), hidden files, symlinks
// leading out and missing files; 405; keep-alive; concurrent clients; clean stop.
#include <boost/test/unit_test.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "../archive/test_support.hpp"
#include "adapters/common/digest.hpp"
#include "runtime/artifact_server.hpp"
#include "runtime/artifact_storage.hpp"

using namespace fluxaws;
using namespace fluxaws::runtime;
using namespace fluxaws::testing;
namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

struct reply {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string content_length;
  bool keep_alive = false;
};

// One HTTP/1.1 connection to the server; sends the target verbatim (no normalising).
class client {
 public:
  explicit client(std::uint16_t port) : stream_(ioc_) {
    stream_.expires_after(std::chrono::seconds(30));
    stream_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }
  reply request(http::verb method, const std::string& target) {
    http::request<http::empty_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    stream_.expires_after(std::chrono::seconds(30));
    http::write(stream_, req);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    if (method == http::verb::head) parser.skip(true);  // a HEAD response has no body
    http::read(stream_, buffer_, parser);
    auto& res = parser.get();
    reply r;
    r.status = res.result_int();
    r.body = res.body();
    r.content_type = std::string(res[http::field::content_type]);
    r.content_length = std::string(res[http::field::content_length]);
    r.keep_alive = res.keep_alive();
    return r;
  }
  reply get(const std::string& target) { return request(http::verb::get, target); }

 private:
  net::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

struct served {
  scratch_dir root, src, outside;
  std::unique_ptr<artifact_storage> storage;
  std::unique_ptr<artifact_server> server;
  artifact art;

  served() {
    storage_options o;
    o.root = root.path();
    auto s = artifact_storage::open(o);
    if (!s) throw std::runtime_error(s.error().to_string());
    storage = std::move(*s);
    write_file(src / "deploy/app.yaml", std::string(200000, 'y'));  // a multi-chunk body
    auto a = storage->store_directory({"Bucket", "tenant-a", "podinfo"}, "sha256:" + std::string(64, 'a'), src.path());
    if (!a) throw std::runtime_error(a.error().to_string());
    art = *a;
    artifact_server_options so;
    so.address = "127.0.0.1:0";
    so.root = root.path();
    auto srv = artifact_server::start(so);
    if (!srv) throw std::runtime_error(srv.error().to_string());
    server = std::move(*srv);
  }
  std::uint16_t port() const { return server->port(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(server)

BOOST_AUTO_TEST_CASE(request_paths) {
  BOOST_TEST(*artifact_request_path("/bucket/ns/n/x.tar.gz") == "bucket/ns/n/x.tar.gz");
  BOOST_TEST(*artifact_request_path("/bucket//ns/./n/x.tar.gz?x=1#f") == "bucket/ns/n/x.tar.gz");
  BOOST_TEST(*artifact_request_path("/ocirepository/ns/n/sha256%3Aabc.tar.gz") == "ocirepository/ns/n/sha256:abc.tar.gz");
  for (auto bad : {"", "/", "//", "x", "http://h/a", "/../etc/passwd", "/a/../b", "/%2e%2e/etc", "/%2E%2E/etc",
                   "/a/%2e%2e/%2e%2e/b", "/a%2f..%2fb", "/a/.hidden", "/a/.x.tar.gz.tmp-abcdef", "/a%00b", "/a\\b",
                   "/a/%zz"}) {
    BOOST_TEST(!artifact_request_path(bad).has_value(), bad);
  }
  BOOST_TEST(artifact_content_type(std::string("\x1f\x8b\x08\x00", 4)) == "application/x-gzip");
  BOOST_TEST(artifact_content_type("apiVersion: v1\n") == "text/plain; charset=utf-8");
  BOOST_TEST(artifact_content_type(std::string("\x00\x01", 2)) == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(serves_an_artifact_byte_exact) {
  served s;
  client c(s.port());
  auto r = c.get("/" + s.art.path);
  BOOST_TEST(r.status == 200u);
  auto want = read_file(s.root.path() / s.art.path);
  BOOST_TEST(r.body.size() == want.size());
  BOOST_TEST((r.body == want));
  BOOST_TEST("sha256:" + digest::sha256_hex(r.body) == s.art.digest);
  BOOST_TEST(r.content_type == "application/x-gzip");
  BOOST_TEST(r.content_length == std::to_string(want.size()));
  // Through the latest link (a symlink inside the root), on the same connection.
  auto latest = c.get("/bucket/tenant-a/podinfo/latest.tar.gz");
  BOOST_TEST(latest.status == 200u);
  BOOST_TEST((latest.body == want));
}

BOOST_AUTO_TEST_CASE(head_gives_headers_only) {
  served s;
  client c(s.port());
  auto r = c.request(http::verb::head, "/" + s.art.path);
  BOOST_TEST(r.status == 200u);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.content_length == std::to_string(s.art.size));
  BOOST_TEST(r.content_type == "application/x-gzip");
  auto missing = c.request(http::verb::head, "/bucket/nope.tar.gz");
  BOOST_TEST(missing.status == 404u);
  BOOST_TEST(c.get("/" + s.art.path).status == 200u);  // the connection is still in sync
}

BOOST_AUTO_TEST_CASE(not_found_cases) {
  served s;
  write_file(s.outside / "secret.txt", "top secret");
  std::filesystem::create_symlink(s.outside / "secret.txt", s.root / "leak.txt");
  std::filesystem::create_directory_symlink(s.outside.path(), s.root / "leakdir");
  write_file(s.root / "bucket/tenant-a/podinfo/.half.tar.gz.tmp-abcdef", "partial");
  client c(s.port());
  for (const std::string& target :
       {std::string("/"), std::string("/bucket"), std::string("/bucket/"), std::string("/bucket/tenant-a/podinfo"),
        std::string("/bucket/tenant-a/podinfo/"), std::string("/../etc/passwd"),
        std::string("/bucket/../../etc/passwd"), std::string("/%2e%2e/%2e%2e/etc/passwd"),
        std::string("/%2e%2e/") + s.outside.path().filename().string() + "/secret.txt",
        std::string("/bucket/%2E%2E/%2E%2E/etc/passwd"), std::string("/bucket/tenant-a/podinfo/missing.tar.gz"),
        std::string("/leak.txt"), std::string("/leakdir/secret.txt"),
        std::string("/bucket/tenant-a/podinfo/.half.tar.gz.tmp-abcdef"), std::string("//etc/passwd")}) {
    auto r = c.get(target);
    BOOST_TEST(r.status == 404u, target);
    BOOST_TEST(r.body.find("secret") == std::string::npos, target);
  }
}

BOOST_AUTO_TEST_CASE(only_get_and_head) {
  served s;
  client c(s.port());
  BOOST_TEST(c.request(http::verb::post, "/" + s.art.path).status == 405u);
  BOOST_TEST(c.request(http::verb::delete_, "/" + s.art.path).status == 405u);
  BOOST_TEST(std::filesystem::exists(s.root / s.art.path));
}

BOOST_AUTO_TEST_CASE(concurrent_clients) {
  served s;
  auto want = read_file(s.root / s.art.path);
  std::atomic<int> good{0}, bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      try {
        client c(s.port());
        for (int i = 0; i < 5; ++i) {
          auto r = c.get("/" + s.art.path);
          (r.status == 200 && r.body == want ? good : bad)++;
        }
      } catch (const std::exception&) {
        ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  BOOST_TEST(good.load() == 40);
  BOOST_TEST(bad.load() == 0);
}

BOOST_AUTO_TEST_CASE(stops_cleanly_with_open_connections) {
  served s;
  auto port = s.port();
  client idle(port);  // a keep-alive connection left open
  BOOST_TEST(idle.get("/" + s.art.path).status == 200u);
  s.server->stop();
  s.server->stop();  // idempotent
  net::io_context ioc;
  tcp::socket sock(ioc);
  beast::error_code ec;
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  BOOST_TEST(ec.failed());  // nobody listens any more
}

BOOST_AUTO_TEST_CASE(bind_errors_are_reported) {
  served s;
  artifact_server_options so;
  so.root = s.root.path();
  so.address = "127.0.0.1:" + std::to_string(s.port());  // already taken
  auto again = artifact_server::start(so);
  BOOST_REQUIRE(!again.ok());
  BOOST_TEST(again.error().code == "bind");
  so.address = "no-port";
  BOOST_TEST(!artifact_server::start(so).ok());
  so.address = "127.0.0.1:0";
  so.root = s.root / "missing";
  BOOST_TEST(!artifact_server::start(so).ok());
}

BOOST_AUTO_TEST_SUITE_END()
