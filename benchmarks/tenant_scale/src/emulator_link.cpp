#include "benchmarks/tenant_scale/src/emulator_link.hpp"

#include <stdexcept>

#include "benchmarks/tenant_scale/src/http_call.hpp"
#include "tests/emulator/harness/emulator_process.hpp"

namespace fluxaws::bench {

result<std::unique_ptr<emulator_link>> emulator_link::start(const emulator_settings& s) {
  std::unique_ptr<emulator_link> link(new emulator_link());
  emu::harness::emulator_options o;
  o.binary = s.binary;
  o.world = s.world;
  o.extra_args = {"--threads", std::to_string(s.threads), "--quiet"};
  o.ready_timeout = s.ready_timeout;
  auto t0 = std::chrono::steady_clock::now();
  try {
    link->process_ = std::make_unique<emu::harness::emulator_process>(o);
  } catch (const std::exception& e) {
    return make_error("emulator", std::string("fluxaws-emulator did not start: ") + e.what());
  }
  link->start_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return link;
}

emulator_link::~emulator_link() = default;

unsigned short emulator_link::port() const { return process_->port(); }
std::string emulator_link::base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
std::string emulator_link::tls_url() const { return "https://127.0.0.1:" + std::to_string(port()); }
std::string emulator_link::ca_file() const { return process_->ca_file(); }
std::string emulator_link::fluxaws_config_file() const { return process_->state_dir() + "/fluxaws.yaml"; }
std::optional<double> emulator_link::cpu_seconds() const { return bench::cpu_seconds(process_->pid()); }

result<json::value> emulator_link::calls() const {
  auto a = http_call("GET", base_url() + "/_emulator/calls");
  if (!a) return a.error();
  if (a->status != 200) return make_error("emulator", "/_emulator/calls answered " + std::to_string(a->status));
  auto v = json::parse(a->body);
  if (!v) return make_error("emulator", "/_emulator/calls is not JSON");
  return *v;
}

status emulator_link::reset_calls() const {
  auto a = http_call("POST", base_url() + "/_emulator/calls/reset");
  if (!a) return a.error();
  if (a->status != 200) return make_error("emulator", "/_emulator/calls/reset answered " + std::to_string(a->status));
  return {};
}

}  // namespace fluxaws::bench
