// Kubeconfig and in-cluster configuration: contexts, token files, client
// certificates (files and inline data), relative paths, merging, errors.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "adapters/common/encoding.hpp"
#include "adapters/kube/bearer_token_file.hpp"
#include "adapters/kube/cluster_config.hpp"

using namespace fluxaws;
using namespace fluxaws::kube;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("fluxaws-kube-" + std::to_string(::getpid()) + "-" + std::to_string(rand()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view k) -> std::optional<std::string> {
    auto it = vars.find(std::string(k));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const char* two_contexts = R"(
apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority: certs/ca.pem
- name: prod-cluster
  cluster:
    server: 10.0.0.1:443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    insecure-skip-tls-verify: false
contexts:
- name: dev
  context: {cluster: dev-cluster, user: dev-user, namespace: flux-system}
- name: prod
  context: {cluster: prod-cluster, user: prod-user}
users:
- name: dev-user
  user:
    tokenFile: tokens/dev
- name: prod-user
  user:
    client-certificate-data: Y2VydA==
    client-key-data: a2V5
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(cluster_config_suite)

BOOST_AUTO_TEST_CASE(current_context_with_token_file_and_relative_paths) {
  auto cfg = parse_kubeconfig(two_contexts, "/home/me/.kube");
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->server == "https://127.0.0.1:6443");
  BOOST_TEST(cfg->ca_file == "/home/me/.kube/certs/ca.pem");
  BOOST_TEST(cfg->token_file == "/home/me/.kube/tokens/dev");
  BOOST_TEST(cfg->token.empty());
  BOOST_TEST(cfg->default_namespace == "flux-system");
  BOOST_TEST(!cfg->uses_client_certificate());
}

BOOST_AUTO_TEST_CASE(named_context_with_inline_client_certificate) {
  auto cfg = parse_kubeconfig(two_contexts, "/x", "prod");
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->server == "https://10.0.0.1:443");  // scheme added
  BOOST_TEST(cfg->ca_pem == "-----BEGIN CERTIFICATE-----\n");
  BOOST_TEST(cfg->client_cert_pem == "cert");
  BOOST_TEST(cfg->client_key_pem == "key");
  BOOST_TEST(cfg->uses_client_certificate());
  BOOST_TEST(cfg->default_namespace == "default");
}

BOOST_AUTO_TEST_CASE(client_certificate_files) {
  auto cfg = parse_kubeconfig(R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://k:6443"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate: pki/client.crt, client-key: /abs/client.key}}]
)", "/cfg");
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->client_cert_file == "/cfg/pki/client.crt");
  BOOST_TEST(cfg->client_key_file == "/abs/client.key");
}

BOOST_AUTO_TEST_CASE(errors_name_the_entry_and_never_the_secret) {
  auto missing_ctx = parse_kubeconfig(two_contexts, "/x", "staging");
  BOOST_TEST_REQUIRE(!missing_ctx.ok());
  BOOST_TEST(missing_ctx.error().message.find("staging") != std::string::npos);

  auto exec = parse_kubeconfig(R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://k"}}]
contexts: [{name: c, context: {cluster: k, user: eks}}]
users: [{name: eks, user: {exec: {command: aws, args: [eks, get-token]}}}]
)", "/");
  BOOST_TEST_REQUIRE(!exec.ok());
  BOOST_TEST(exec.error().message.find("exec credential plugin") != std::string::npos);
  BOOST_TEST(exec.error().message.find("\"eks\"") != std::string::npos);

  auto half = parse_kubeconfig(R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://k"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: Y2VydA==}}]
)", "/");
  BOOST_TEST_REQUIRE(!half.ok());
  BOOST_TEST(half.error().message.find("without a key") != std::string::npos);

  auto bad_b64 = parse_kubeconfig(R"(
current-context: c
clusters: [{name: k, cluster: {server: "https://k"}}]
contexts: [{name: c, context: {cluster: k, user: u}}]
users: [{name: u, user: {client-certificate-data: "%%%", client-key-data: "c2VjcmV0LWtleS1ieXRlcw=="}}]
)", "/");
  BOOST_TEST_REQUIRE(!bad_b64.ok());
  BOOST_TEST(bad_b64.error().message.find("client-certificate-data") != std::string::npos);
  BOOST_TEST(bad_b64.error().message.find("secret-key-bytes") == std::string::npos);

  auto not_yaml = parse_kubeconfig("clusters: [unclosed", "/");
  BOOST_TEST(!not_yaml.ok());
  auto no_server = parse_kubeconfig(R"(
current-context: c
clusters: [{name: k, cluster: {}}]
contexts: [{name: c, context: {cluster: k}}]
)", "/");
  BOOST_TEST_REQUIRE(!no_server.ok());
  BOOST_TEST(no_server.error().message.find("no server") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(kubeconfig_env_merges_files_first_wins) {
  temp_dir d;
  auto a = d.write("a.yaml", R"(
current-context: one
clusters: [{name: k, cluster: {server: "https://first:1"}}]
contexts: [{name: one, context: {cluster: k, user: u}}]
users: [{name: u, user: {token: from-a}}]
)");
  auto b = d.write("sub/b.yaml", R"(
current-context: two
clusters: [{name: k, cluster: {server: "https://second:2"}}, {name: k2, cluster: {server: "https://other:3", certificate-authority: ca.crt}}]
contexts: [{name: two, context: {cluster: k2, user: u}}]
users: [{name: u, user: {token: from-b}}]
)");
  auto env = fake_env({{"KUBECONFIG", a.string() + ":" + (d.path / "missing.yaml").string() + ":" + b.string()}});
  auto cfg = resolve_cluster_config("", "", env, d.path / "no-sa");
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->server == "https://first:1");
  BOOST_TEST(cfg->token == "from-a");

  auto other = resolve_cluster_config("", "two", env, d.path / "no-sa");
  BOOST_TEST_REQUIRE(other.ok(), (other.ok() ? std::string() : other.error().message));
  BOOST_TEST(other->server == "https://other:3");
  BOOST_TEST(other->ca_file == (d.path / "sub" / "ca.crt").string());  // relative to b.yaml
  BOOST_TEST(other->token == "from-a");                                // user "u" from the first file

  // The flag wins over the environment.
  auto flag = resolve_cluster_config(b.string(), "", env, d.path / "no-sa");
  BOOST_TEST_REQUIRE(flag.ok(), (flag.ok() ? std::string() : flag.error().message));
  BOOST_TEST(flag->server == "https://other:3");
  auto missing_flag = resolve_cluster_config((d.path / "nope").string(), "", env, d.path / "no-sa");
  BOOST_TEST(!missing_flag.ok());
}

BOOST_AUTO_TEST_CASE(in_cluster_reads_service_account_files) {
  temp_dir d;
  d.write("sa/token", "tok-1\n");
  d.write("sa/ca.crt", "CA");
  d.write("sa/namespace", "flux-system\n");
  auto env = fake_env({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}});
  auto cfg = resolve_cluster_config("", "", env, d.path / "sa");
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? std::string() : cfg.error().message));
  BOOST_TEST(cfg->server == "https://[fd00::1]:443");
  BOOST_TEST(cfg->token_file == (d.path / "sa" / "token").string());
  BOOST_TEST(cfg->ca_file == (d.path / "sa" / "ca.crt").string());
  BOOST_TEST(cfg->default_namespace == "flux-system");
  BOOST_TEST(cfg->origin == "in-cluster");

  auto no_env = in_cluster_config(fake_env({}), d.path / "sa");
  BOOST_TEST(!no_env.ok());
  auto no_token = in_cluster_config(env, d.path / "elsewhere");
  BOOST_TEST_REQUIRE(!no_token.ok());
  BOOST_TEST(no_token.error().message.find("token file") != std::string::npos);

  auto nothing = resolve_cluster_config("", "", fake_env({}), d.path / "elsewhere");
  BOOST_TEST_REQUIRE(!nothing.ok());
  BOOST_TEST(nothing.error().message.find("--kubeconfig") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(token_file_is_reread_as_it_rotates) {
  temp_dir d;
  auto path = d.write("token", "first\n");
  bearer_token_file tok("", path.string(), std::chrono::seconds(60));
  auto t0 = bearer_token_file::clock::time_point{} + std::chrono::hours(1);
  BOOST_TEST(*tok.get(t0) == "first");
  d.write("token", "second");
  BOOST_TEST(*tok.get(t0 + std::chrono::seconds(30)) == "first");   // within the refresh period
  BOOST_TEST(*tok.get(t0 + std::chrono::seconds(61)) == "second");  // re-read after it
  d.write("token", "third");
  tok.invalidate();  // a 401: read again at once
  BOOST_TEST(*tok.get(t0 + std::chrono::seconds(62)) == "third");
  fs::remove(path);
  tok.invalidate();
  BOOST_TEST(*tok.get(t0 + std::chrono::seconds(63)) == "third");  // keeps the last good one

  bearer_token_file missing("", (d.path / "none").string());
  auto err = missing.get(t0);
  BOOST_TEST_REQUIRE(!err.ok());
  BOOST_TEST(err.error().message.find("none") != std::string::npos);

  bearer_token_file fixed("static", "");
  BOOST_TEST(*fixed.get(t0) == "static");
  BOOST_TEST(bearer_token_file("", "").empty());
}

BOOST_AUTO_TEST_SUITE_END()
