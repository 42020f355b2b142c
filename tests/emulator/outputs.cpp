#include "tests/emulator/outputs.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "adapters/common/json.hpp"
#include "adapters/common/yaml_json.hpp"

namespace emu {

namespace json = fluxaws::json;
using fluxaws::make_error;

fluxaws::status write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return make_error("io", "cannot create " + tmp + ": " + std::strerror(errno));
  std::size_t off = 0;
  while (off < content.size()) {
    auto n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return make_error("io", "cannot write " + tmp + ": " + std::strerror(e));
    }
    off += static_cast<std::size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return make_error("io", "cannot rename " + tmp + " to " + path + ": " + std::strerror(e));
  }
  return {};
}

namespace {

std::string base_url(const ready_info& r, const char* scheme) {
  return std::string(scheme) + "://" + r.listen_host + ":" + std::to_string(r.port);
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

// Every AWS host name of the world a client may connect to, once.
std::vector<std::string> world_hosts(const world& w) {
  std::set<std::string> seen;
  std::vector<std::string> hosts;
  auto add = [&](std::string h) {
    if (seen.insert(h).second) hosts.push_back(std::move(h));
  };
  add("sts.amazonaws.com");
  for (const auto& r : w.regions) {
    add("sts." + r + ".amazonaws.com");
    add("api.ecr." + r + ".amazonaws.com");
    add("ecr." + r + ".amazonaws.com");
    add("kms." + r + ".amazonaws.com");
    add("s3." + r + ".amazonaws.com");
    for (const auto& a : w.accounts) add(a + ".dkr.ecr." + r + ".amazonaws.com");
  }
  for (const auto& repo : w.repositories) add(repo.account + ".dkr.ecr." + repo.region + ".amazonaws.com");
  for (const auto& b : w.buckets) add(b.name + ".s3." + b.region + ".amazonaws.com");
  return hosts;
}

}  // namespace

std::string env_file_text(const world& w, const ready_info& r) {
  std::string https = base_url(r, "https"), http = base_url(r, "http");
  std::string ca = r.state_dir + "/ca.pem";
  std::string out = "# Written by fluxaws-emulator for " + w.path + "\n";
  out += "# Source it: the AWS CLI and SDKs then talk to the emulator.\n";
  for (const char* svc : {"STS", "ECR", "S3", "KMS"}) out += "export AWS_ENDPOINT_URL_" + std::string(svc) + "=" + https + "\n";
  out += "export AWS_CA_BUNDLE=" + shell_quote(ca) + "\n";
  out += "export NODE_EXTRA_CA_CERTS=" + shell_quote(ca) + "\n";
  out += "export AWS_EC2_METADATA_SERVICE_ENDPOINT=" + http + "\n";
  out += "export AWS_REGION=" + w.regions.front() + "\n";
  out += "export AWS_DEFAULT_REGION=" + w.regions.front() + "\n";
  out += "export FLUXAWS_EMULATOR=" + r.listen_host + ":" + std::to_string(r.port) + "\n";
  out += "export FLUXAWS_EMULATOR_CA=" + shell_quote(ca) + "\n";
  out += "export FLUXAWS_EMULATOR_CONFIG=" + shell_quote(r.state_dir + "/fluxaws.yaml") + "\n";
  if (r.registry_port) out += "export FLUXAWS_EMULATOR_REGISTRY=127.0.0.1:" + std::to_string(r.registry_port) + "\n";
  out += "# Pod Identity agent (not exported: it would take precedence over other credentials):\n";
  out += "#   AWS_CONTAINER_CREDENTIALS_FULL_URI=" + http + "/v1/credentials\n";
  return out;
}

std::string fluxaws_config_text(const world& w, const ready_info& r) {
  json::value cfg = json::value::make_object();
  json::value http = json::value::make_object();
  http.set("caFile", r.state_dir + "/ca.pem");
  json::value connect = json::value::make_array();
  std::string to = r.listen_host + ":" + std::to_string(r.port);
  for (const auto& h : world_hosts(w)) connect.push_back(h + ":443:" + to);
  connect.push_back("169.254.169.254:80:" + to);
  connect.push_back("169.254.170.23:80:" + to);
  connect.push_back("169.254.170.2:80:" + to);
  http.set("connectTo", std::move(connect));
  cfg.set("http", std::move(http));
  json::value aws = json::value::make_object();
  aws.set("region", w.regions.front());
  cfg.set("aws", std::move(aws));
  for (const auto& p : w.oidc_providers) {
    if (p.private_key_path.empty()) continue;
    json::value local = json::value::make_object();
    local.set("serviceAccountTokenIssuer", p.url);
    local.set("serviceAccountTokenKey", p.private_key_path);
    cfg.set("local", std::move(local));
    break;
  }
  return "# Written by fluxaws-emulator for " + w.path + "\n# Points fluxaws at the emulator on " + to +
         " (see docs/config.md).\n" + fluxaws::yamljson::to_yaml(cfg);
}

std::string ready_json_text(const world& w, const ready_info& r) {
  json::value v = json::value::make_object();
  v.set("listen", r.listen_host + ":" + std::to_string(r.port));
  v.set("port", static_cast<int>(r.port));
  v.set("ca", r.state_dir + "/ca.pem");
  if (r.registry_port) v.set("registry", "127.0.0.1:" + std::to_string(r.registry_port));
  else v.set("registry", nullptr);
  v.set("pid", static_cast<int64_t>(r.pid));
  v.set("env", r.state_dir + "/env");
  v.set("config", r.state_dir + "/fluxaws.yaml");
  v.set("world", w.path);
  v.set("stateDir", r.state_dir);
  return json::dump(v, 2) + "\n";
}

fluxaws::status write_ready_files(const world& w, const ready_info& r) {
  if (auto st = write_file_atomic(r.state_dir + "/env", env_file_text(w, r)); !st) return st;
  if (auto st = write_file_atomic(r.state_dir + "/fluxaws.yaml", fluxaws_config_text(w, r)); !st) return st;
  return write_file_atomic(r.state_dir + "/ready.json", ready_json_text(w, r));
}

}  // namespace emu
