// Test fixtures shared by the OCI integration tests: an actor system with the real HTTP
// client actor and a registry actor, a temporary directory, and the live
// docker-registry (started once per test binary, seeded with registry_push.hpp's
// content, stopped at exit).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adapters/http/client.hpp"
#include "adapters/oci/registry.hpp"
#include "registry_process.hpp"
#include "registry_push.hpp"

namespace fluxaws::oci::testing {

struct live_registry {
  registry_process process;
  seeded_content content;
  live_registry() : content(seed(process.port())) {}
};

// Starts the registry on first use (from the main thread, which the child is tied to).
live_registry& live();
void stop_live();

inline call_options local(std::chrono::milliseconds budget = std::chrono::seconds(30)) {
  return call_options{budget, true};  // the local servers speak plain HTTP
}

inline repository_ref repo_at(const std::string& authority, const std::string& path) {
  return repository_ref{authority, path};
}

class temp_dir {
 public:
  temp_dir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "fluxaws-oci-it-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path_)) ++n;
    return n;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct client_fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::scoped_actor self{sys};
  http::client_actor http;
  registry_actor registry;
  temp_dir tmp;

  client_fixture() {
    http::client_options o;
    o.no_proxy = "*";  // whatever the environment says, tests talk to 127.0.0.1 directly
    http = http::spawn_client(sys, o);
    registry = spawn_registry(sys, http);
  }
  ~client_fixture() {
    self->send_exit(registry, caf::exit_reason::user_shutdown);
    self->send_exit(http, caf::exit_reason::user_shutdown);
  }

  template <class T, class Atom, class Req>
  outcome<T> ask(Atom atom, Req req) {
    auto budget = req.opts.timeout;
    outcome<T> out;
    out.error = make_error("test", "no answer");
    self->request(registry, budget + reply_margin, atom, std::move(req))
        .receive([&](const outcome<T>& o) { out = o; },
                 [&](caf::error& e) { out.error = make_error("caf", sys.render(e)); });
    return out;
  }

  registry_stats stats() {
    registry_stats s;
    self->request(registry, std::chrono::seconds(10), registry_stats_atom::value)
        .receive([&](const registry_stats& r) { s = r; }, [&](caf::error&) {});
    return s;
  }
};

}  // namespace fluxaws::oci::testing
