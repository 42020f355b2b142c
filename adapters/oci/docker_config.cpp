#include "adapters/oci/docker_config.hpp"

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/reference.hpp"

namespace fluxaws::oci {

namespace {

error_info invalid(std::string_view source, const std::string& why) {
  return make_error(std::string(errc::invalid_docker_config), std::string(source) + ": " + why);
}

}  // namespace

std::string docker_config_key_host(std::string_view key) {
  auto k = str::trim(key);
  auto scheme = k.find("://");
  if (scheme != std::string_view::npos) k.remove_prefix(scheme + 3);
  auto end = k.find_first_of("/?#");
  k = k.substr(0, end);
  if (k.find('@') != std::string_view::npos) return {};
  for (char c : k)
    if (static_cast<unsigned char>(c) <= 0x20) return {};
  return canonical_registry(k);
}

const docker_config_entry* docker_config::find(std::string_view registry) const {
  auto want = canonical_registry(registry);
  for (const auto& e : entries)
    if (e.registry == want) return &e;
  return nullptr;
}

result<docker_config> parse_docker_config(std::string_view json_text, std::string_view source) {
  auto doc = json::parse(json_text);
  if (!doc) return invalid(source, ".dockerconfigjson is not valid JSON");
  if (!doc->is_object()) return invalid(source, ".dockerconfigjson is not a JSON object");
  const auto* auths = doc->find("auths");
  if (auths == nullptr || auths->is_null()) return invalid(source, ".dockerconfigjson has no \"auths\"");
  if (!auths->is_object()) return invalid(source, "\"auths\" is not an object");
  docker_config out;
  for (const auto& [key, entry] : auths->as_object()) {
    auto where = "auths[\"" + printable(key) + "\"]";
    auto host = docker_config_key_host(key);
    if (host.empty()) return invalid(source, where + " does not name a registry host");
    if (!entry.is_object()) return invalid(source, where + " is not an object");
    docker_config_entry e;
    e.registry = host;
    auto str_field = [&](std::string_view name, std::string& dst) -> bool {
      const auto* v = entry.find(name);
      if (v == nullptr || v->is_null()) return true;
      if (!v->is_string()) return false;
      dst = v->as_string();
      return true;
    };
    std::string auth;
    for (auto [name, dst] : {std::pair<std::string_view, std::string*>{"auth", &auth},
                             {"username", &e.username},
                             {"password", &e.password},
                             {"identitytoken", &e.identity_token},
                             {"registrytoken", &e.registry_token}})
      if (!str_field(name, *dst)) return invalid(source, where + "." + std::string(name) + " is not a string");
    if (!auth.empty()) {
      auto decoded = enc::unbase64(str::trim(auth));
      if (!decoded) return invalid(source, where + ".auth is not valid base64");
      auto colon = decoded->find(':');
      if (colon == std::string::npos) return invalid(source, where + ".auth is not base64 of user:password");
      e.username = decoded->substr(0, colon);
      e.password = decoded->substr(colon + 1);
    }
    out.entries.push_back(std::move(e));
  }
  return out;
}

result<registry_auth> auth_for_registry(const docker_config& config, std::string_view registry,
                                        std::string_view source) {
  const auto* e = config.find(registry);
  if (e == nullptr)
    return invalid(source, "no credentials for registry \"" + canonical_registry(registry) + "\"");
  if (!e->registry_token.empty()) return registry_auth::bearer(e->registry_token);
  if (!e->identity_token.empty()) return registry_auth::identity_token(e->username, e->identity_token);
  if (!e->username.empty() || !e->password.empty()) return registry_auth::basic(e->username, e->password);
  return invalid(source, "the entry for registry \"" + e->registry + "\" has no credentials");
}

}  // namespace fluxaws::oci
