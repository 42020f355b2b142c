#include "actors/ocirepository_keychain.hpp"

#include "adapters/kube/object.hpp"

namespace fluxaws::actors::ocirepo {

namespace {

constexpr const char* kAuthFailed = "AuthenticationFailed";
constexpr const char* kDockerConfigKey = ".dockerconfigjson";

result<keychain::source> read_pull_secret(const resource_index& resources, const std::string& ns,
                                          const std::string& name) {
  const std::string ref = ns + "/" + name;
  auto secret = resources.secret(ns, name);
  if (!secret)
    return make_error(kAuthFailed, "failed to get secret '" + ref + "': secrets \"" + name + "\" not found");
  auto data = kube::decode_secret(*secret);
  if (!data.bad_key.empty())
    return make_error(kAuthFailed, "invalid secret '" + ref + "': key '" + data.bad_key + "' is not valid base64");
  const json::value* payload = nullptr;
  for (const auto& [k, v] : data.entries)
    if (k == kDockerConfigKey) payload = &v;
  if (!payload)
    return make_error(kAuthFailed, "invalid secret '" + ref + "': no '.dockerconfigjson' key (the Secret must be of "
                                   "type kubernetes.io/dockerconfigjson)");
  std::string source = "Secret " + ref;
  auto config = oci::parse_docker_config(payload->as_string(), source);
  if (!config) return make_error(kAuthFailed, config.error().message);
  return keychain::source{std::move(source), std::move(config).value()};
}

}  // namespace

result<keychain> load_keychain(const resource_index& resources, const std::string& ns, const std::string& secret_ref,
                               const std::string& service_account) {
  keychain k;
  if (!secret_ref.empty()) {
    auto s = read_pull_secret(resources, ns, secret_ref);
    if (!s) return s.error();
    k.sources.push_back(std::move(s).value());
  }
  if (!service_account.empty()) {
    auto sa = resources.service_account(ns, service_account);
    if (!sa)
      return make_error(kAuthFailed, "failed to get service account '" + ns + "/" + service_account +
                                         "': serviceaccounts \"" + service_account + "\" not found");
    if (const json::value* pulls = sa->find("imagePullSecrets")) {
      for (const auto& p : pulls->as_array()) {
        const json::value* n = p.find("name");
        if (!n || n->as_string().empty()) continue;
        auto s = read_pull_secret(resources, ns, n->as_string());
        if (!s) return s.error();
        k.sources.push_back(std::move(s).value());
      }
    }
  }
  return k;
}

result<oci::registry_auth> auth_for(const keychain& k, const std::string& registry) {
  for (const auto& s : k.sources) {
    if (!s.config.find(registry)) continue;
    auto a = oci::auth_for_registry(s.config, registry, s.name);
    if (!a) return make_error(kAuthFailed, a.error().message);
    return a;
  }
  return oci::registry_auth::anonymous();
}

}  // namespace fluxaws::actors::ocirepo
