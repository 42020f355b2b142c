// Where the Kubernetes API is and how to authenticate to it: in-cluster (the
// ServiceAccount token file, the service CA, KUBERNETES_SERVICE_HOST/_PORT) or a
// kubeconfig (--kubeconfig, KUBECONFIG) with bearer-token or client-certificate auth.
//
// Contract:
//  - Resolution follows controller-runtime: the --kubeconfig flag, else KUBECONFIG
//    (colon-separated files merged, first definition wins), else in-cluster, else
//    $HOME/.kube/config.
//  - Relative file paths inside a kubeconfig resolve against that file's folder.
//  - Inline data (certificate-authority-data, client-*-data) is base64-decoded into
//    the *_pem fields; nothing is written to disk.
//  - Unsupported auth (exec plugins, auth providers, basic auth) is a clear error
//    naming the user entry. Errors never contain token or key material.
//  - Files are read when the config is resolved (small, local); the token file is
//    re-read later by bearer_token_file as it rotates.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"

namespace fluxaws::kube {

struct cluster_config {
  std::string server;           // "https://host:port", no trailing slash
  std::string tls_server_name;  // overrides the name checked in the server certificate
  bool insecure_skip_tls_verify = false;
  std::string ca_file;          // PEM bundle on disk
  std::string ca_pem;           // inline PEM (certificate-authority-data)
  // Bearer token auth: a static token (a secret) or a file re-read as it rotates.
  std::string token;
  std::string token_file;
  // Client-certificate auth: files or inline PEM (the key is a secret).
  std::string client_cert_file;
  std::string client_key_file;
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string default_namespace = "default";  // context namespace / in-cluster namespace
  std::string origin;  // where this came from, for logs: "in-cluster" or "kubeconfig <path> context <name>"

  bool uses_client_certificate() const {
    return !client_cert_file.empty() || !client_cert_pem.empty();
  }
};

// Looks up an environment variable; injectable for tests.
using env_lookup = std::function<std::optional<std::string>(std::string_view)>;
env_lookup process_env();

// The default folder of the in-cluster ServiceAccount files.
inline constexpr std::string_view service_account_dir = "/var/run/secrets/kubernetes.io/serviceaccount";

// Parses one kubeconfig document. `context` empty = current-context.
result<cluster_config> parse_kubeconfig(std::string_view text, const std::filesystem::path& base_dir,
                                        std::string_view context = "");

// Reads and merges the files (kubectl's KUBECONFIG rules: first definition of a
// cluster, user or context wins; current-context from the first file setting it).
// Missing files in the list are skipped; all missing is an error.
result<cluster_config> load_kubeconfig_files(const std::vector<std::filesystem::path>& files,
                                             std::string_view context = "");

// In-cluster: needs KUBERNETES_SERVICE_HOST and _PORT and the token file; the CA and
// namespace files are used when present.
result<cluster_config> in_cluster_config(const env_lookup& env,
                                         const std::filesystem::path& sa_dir = service_account_dir);

// The resolution order described above.
result<cluster_config> resolve_cluster_config(std::string_view kubeconfig_flag, std::string_view context,
                                              const env_lookup& env,
                                              const std::filesystem::path& sa_dir = service_account_dir);

}  // namespace fluxaws::kube
