// fluxaws-kube-standin — a Kubernetes API server stand-in on loopback for tests:
// discovery, CRDs, namespaced CRUD, status subresource, merge/strategic/JSON/apply
// patches, list and watch, optimistic concurrency, Leases, Events, TokenRequest.
//
//   fluxaws-kube-standin --listen 127.0.0.1:PORT --state-dir DIR
//                        [--issuer URL] [--signing-key FILE]
//                        [--bookmark-interval-ms N] [--history N] [--verbose]
//
// Serves HTTPS (its own CA, DIR/ca.crt) and plain HTTP on the same loopback port
// (PORT 0 picks a free port), keeps its objects in DIR/state.json across restarts, and
// writes DIR/kubeconfig (https, the CA embedded, a bearer token) once it listens. SIGTERM/SIGINT: saves and exits 0.
// Exit codes: 0 clean stop, 1 runtime failure, 2 bad arguments.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "tests/kube-standin/api_handler.hpp"
#include "tests/kube-standin/asio.hpp"
#include "tests/kube-standin/http_server.hpp"
#include "tests/kube-standin/state_files.hpp"
#include "tests/kube-standin/tls_material.hpp"

namespace fs = std::filesystem;
using namespace kstand;

namespace {

struct args {
  std::string listen = "127.0.0.1:0", state_dir, issuer = "https://kubernetes.default.svc.cluster.local", signing_key;
  long bookmark_ms = 10000;
  long history = 10000;
  bool verbose = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "fluxaws-kube-standin: " << why << "\n"
            << "usage: fluxaws-kube-standin --listen 127.0.0.1:PORT --state-dir DIR [--issuer URL] "
               "[--signing-key FILE] [--bookmark-interval-ms N] [--history N] [--verbose]\n";
  std::exit(2);
}

long number(const std::string& flag, const std::string& v, long lo, long hi) {
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) usage(flag + " takes a number");
  long n = std::stol(v);
  if (n < lo || n > hi) usage(flag + " must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return n;
}

args parse_args(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(k + " needs a value");
      return argv[++i];
    };
    if (k == "--listen") a.listen = value();
    else if (k == "--state-dir") a.state_dir = value();
    else if (k == "--issuer") a.issuer = value();
    else if (k == "--signing-key") a.signing_key = value();
    else if (k == "--bookmark-interval-ms") a.bookmark_ms = number(k, value(), 10, 3600000);
    else if (k == "--history") a.history = number(k, value(), 1, 10000000);
    else if (k == "--verbose") a.verbose = true;
    else if (k == "-h" || k == "--help") usage("help");
    else usage("unknown argument " + k);
  }
  if (a.state_dir.empty()) usage("--state-dir is required");
  if (a.issuer.empty()) usage("--issuer must not be empty");
  return a;
}

// 127.x.x.x:PORT, [::1]:PORT or localhost:PORT only: the stand-in never listens beyond
// the machine.
tcp::endpoint loopback_endpoint(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) usage("--listen needs HOST:PORT");
  std::string host = listen.substr(0, colon);
  auto port = static_cast<unsigned short>(number("--listen port", listen.substr(colon + 1), 0, 65535));
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec || !addr.is_loopback()) usage("--listen must be a loopback address (127.0.0.1, [::1] or localhost)");
  return tcp::endpoint(addr, port);
}

std::string load_or_create_token(const std::string& path) {
  if (fs::exists(path)) {
    auto t = read_file(path);
    if (t) {
      std::string token(fluxaws::str::trim(*t));
      if (!token.empty()) return token;
    }
  }
  std::string token = fluxaws::enc::hex(fluxaws::digest::random_bytes(32));
  if (auto st = write_file_atomically(path, token + "\n"); !st) {
    std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
    std::exit(1);
  }
  return token;
}

std::shared_ptr<token_signer> load_signer(const args& a) {
  std::string path = a.signing_key.empty() ? a.state_dir + "/sa-signing.key" : a.signing_key;
  if (!a.signing_key.empty() || fs::exists(path)) {
    auto pem = read_file(path);
    if (!pem) {
      std::cerr << "fluxaws-kube-standin: " << pem.error().message << "\n";
      std::exit(a.signing_key.empty() ? 1 : 2);
    }
    auto s = token_signer::from_pem(*pem);
    if (!s) {
      std::cerr << "fluxaws-kube-standin: " << path << ": " << s.error().message << "\n";
      std::exit(2);
    }
    return s.value();
  }
  auto s = token_signer::generate();
  if (!s) {
    std::cerr << "fluxaws-kube-standin: " << s.error().message << "\n";
    std::exit(1);
  }
  if (auto st = write_file_atomically(path, s.value()->private_pem()); !st) {
    std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
    std::exit(1);
  }
  return s.value();
}

// The CA and serving certificate: kept in the state directory so a restart keeps them.
tls_material load_tls(const std::string& dir) {
  auto ca = read_file(dir + "/ca.crt");
  auto crt = read_file(dir + "/tls.crt");
  auto key = read_file(dir + "/tls.key");
  if (ca && crt && key && !ca->empty() && !crt->empty() && !key->empty()) return {*ca, *crt, *key};
  auto made = make_tls_material();
  if (!made) {
    std::cerr << "fluxaws-kube-standin: " << made.error().message << "\n";
    std::exit(1);
  }
  for (auto [name, pem] : {std::pair{"/tls.key", &made->server_key_pem}, std::pair{"/tls.crt", &made->server_cert_pem},
                           std::pair{"/ca.crt", &made->ca_cert_pem}}) {
    if (auto st = write_file_atomically(dir + name, *pem); !st) {
      std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
      std::exit(1);
    }
  }
  return made.value();
}

}  // namespace

int main(int argc, char** argv) {
  args a = parse_args(argc, argv);
  tcp::endpoint ep = loopback_endpoint(a.listen);
  std::error_code fec;
  fs::create_directories(a.state_dir, fec);
  if (fec) {
    std::cerr << "fluxaws-kube-standin: cannot create " << a.state_dir << ": " << fec.message() << "\n";
    return 1;
  }
  const std::string kubeconfig = a.state_dir + "/kubeconfig";
  const std::string state_file = a.state_dir + "/state.json";
  fs::remove(kubeconfig, fec);  // readers wait for the new one

  handler_options opts;
  opts.issuer = a.issuer;
  opts.admin_token = load_or_create_token(a.state_dir + "/token");
  opts.signer = load_signer(a);

  object_store store(static_cast<std::size_t>(a.history));
  resource_catalog catalog;
  if (auto st = load_state(state_file, store); !st) {
    std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
    return 1;
  }
  api_handler handler(opts, store, catalog);
  handler.register_stored_crds();
  handler.ensure_system_namespaces();

  // Declared after the handler and the TLS context: coroutine frames destroyed with the
  // io_context still reach both (closing their watches, freeing their TLS streams).
  tls_material tls = load_tls(a.state_dir);
  asio::ssl::context tls_ctx(asio::ssl::context::tls_server);
  asio::io_context io(1);
  std::unique_ptr<http_server> server;
  try {
    tls_ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    tls_ctx.use_certificate_chain(asio::buffer(tls.server_cert_pem));
    tls_ctx.use_private_key(asio::buffer(tls.server_key_pem), asio::ssl::context::pem);
    server = std::make_unique<http_server>(io, tls_ctx, ep, handler, std::chrono::milliseconds(a.bookmark_ms), a.verbose);
  } catch (const std::exception& e) {
    std::cerr << "fluxaws-kube-standin: cannot listen on " << a.listen << ": " << e.what() << "\n";
    return 1;
  }
  std::string address = (ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string()) + ":" +
                        std::to_string(server->port());
  handler.set_server_address(address);

  // Persistence: at most one save per 100 ms while writes happen, and one at exit.
  bool save_pending = false;
  asio::steady_timer save_timer(io);
  auto save_now = [&] {
    save_pending = false;
    if (auto st = save_state(state_file, store); !st) std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
  };
  handler.on_write([&] {
    if (save_pending) return;
    save_pending = true;
    save_timer.expires_after(std::chrono::milliseconds(100));
    save_timer.async_wait([&](boost::system::error_code ec) {
      if (!ec) save_now();
    });
  });
  save_now();

  asio::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    server->stop();
    save_timer.cancel();
    save_now();
    io.stop();
  });
  server->start();

  if (auto st = write_file_atomically(kubeconfig, kubeconfig_yaml("https://" + address, tls.ca_cert_pem, opts.admin_token)); !st) {
    std::cerr << "fluxaws-kube-standin: " << st.error().message << "\n";
    return 1;
  }
  std::cerr << "fluxaws-kube-standin: serving https://" << address << " (and plain http)" << " (kubeconfig " << kubeconfig << ")\n";
  io.run();
  // Stopping: connections were closed; let their coroutines finish (bounded) so nothing
  // is left half-done when the objects they use go away.
  io.restart();
  io.run_for(std::chrono::seconds(5));
  std::cerr << "fluxaws-kube-standin: stopped\n";
  return 0;
}
