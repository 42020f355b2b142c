// Client-certificate auth of the kube client against a real TLS server that demands
// one (openssl s_server -Verify): certificates from a kubeconfig's inline data and
// from files both get through; without a certificate the handshake is refused and
// the answer is a transport error that names no key material.
#include <boost/test/unit_test.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/common/encoding.hpp"
#include "adapters/http/client.hpp"
#include "adapters/kube/cluster_config.hpp"
#include "adapters/kube/kube_client.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

bool port_open(unsigned short port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A CA, a server certificate for 127.0.0.1 and a client certificate, made with the
// openssl command line; and s_server demanding a client certificate.
struct tls_peer {
  fs::path dir;
  unsigned short port = 0;
  pid_t pid = -1;

  tls_peer() {
    dir = fs::temp_directory_path() / ("fluxaws-clientcert-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "san.ext") << "subjectAltName=IP:127.0.0.1\n";
    std::string d = dir.string();
    std::string cmds =
        "cd '" + d + "' && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=fluxaws-test-ca && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 && "
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile san.ext && "
        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=fluxaws && "
        "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 1";
    BOOST_TEST_REQUIRE(std::system(("(" + cmds + ") >/dev/null 2>&1").c_str()) == 0);
    port = free_port();
    pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      std::string accept = "127.0.0.1:" + std::to_string(port);
      std::string cert = d + "/server.crt", key = d + "/server.key", ca = d + "/ca.crt";
      int devnull = ::open("/dev/null", O_RDWR);
      ::dup2(devnull, 0);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::execlp("openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert", cert.c_str(), "-key", key.c_str(),
               "-CAfile", ca.c_str(), "-Verify", "1", "-www", "-quiet", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!port_open(port) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(50ms);
    BOOST_TEST_REQUIRE(port_open(port));
  }
  ~tls_peer() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      int st = 0;
      ::waitpid(pid, &st, 0);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string kubeconfig(bool with_client_cert, bool inline_data) const {
    std::string user;
    if (with_client_cert && inline_data)
      user = "{client-certificate-data: " + enc::base64(slurp(dir / "client.crt")) +
             ", client-key-data: " + enc::base64(slurp(dir / "client.key")) + "}";
    else if (with_client_cert)
      user = "{client-certificate: client.crt, client-key: client.key}";
    else
      user = "{}";
    return "current-context: c\n"
           "clusters: [{name: k, cluster: {server: 'https://127.0.0.1:" + std::to_string(port) +
           "', certificate-authority-data: " + enc::base64(slurp(dir / "ca.crt")) + "}}]\n"
           "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
           "users: [{name: u, user: " + user + "}]\n";
  }
};

struct cert_fixture {
  tls_peer peer;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  cert_fixture() {
    http::global_init();
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
  api_response get(const cluster_config& c) {
    client_settings s;
    s.cluster = c;
    auto client = spawn_kube_client(*sys, s, http::client_actor{});
    caf::scoped_actor self{*sys};
    api_response out;
    out.error = make_error("timeout", "no answer");
    self->request(client, 30s, api_atom::value, api_request{"GET", "/version", "", "", 10s, ""})
        .receive([&](api_response& r) { out = std::move(r); }, [](caf::error&) {});
    caf::anon_send_exit(client, caf::exit_reason::user_shutdown);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(client_cert_suite, cert_fixture)

BOOST_AUTO_TEST_CASE(inline_client_certificate_from_a_kubeconfig, *boost::unit_test::timeout(90)) {
  auto c = parse_kubeconfig(peer.kubeconfig(true, true), peer.dir);
  BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? std::string() : c.error().message));
  BOOST_TEST(c->uses_client_certificate());
  BOOST_TEST(needs_stream_transport(*c));
  auto r = get(*c);
  BOOST_TEST(!r.transport_failed(), r.error.message);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("CN=fluxaws") != std::string::npos);  // s_server echoes the verified client
}

BOOST_AUTO_TEST_CASE(client_certificate_files, *boost::unit_test::timeout(90)) {
  auto c = parse_kubeconfig(peer.kubeconfig(true, false), peer.dir);
  BOOST_TEST_REQUIRE(c.ok(), (c.ok() ? std::string() : c.error().message));
  BOOST_TEST(c->client_cert_file == (peer.dir / "client.crt").string());
  auto r = get(*c);
  BOOST_TEST(r.status == 200, r.error.message);
}

BOOST_AUTO_TEST_CASE(no_client_certificate_is_refused, *boost::unit_test::timeout(90)) {
  auto c = parse_kubeconfig(peer.kubeconfig(false, true), peer.dir);
  BOOST_TEST_REQUIRE(c.ok());
  auto r = get(*c);
  BOOST_TEST(r.transport_failed());
  BOOST_TEST(r.status != 200);
  BOOST_TEST(r.error.message.find("PRIVATE KEY") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
