#include "adapters/oci/registry_auth.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/oci/content_digest.hpp"

namespace fluxaws::oci {

registry_auth registry_auth::basic(std::string user, std::string password, bool from_cache) {
  registry_auth a;
  a.type = kind::basic;
  a.username = std::move(user);
  a.secret = std::move(password);
  a.cached = from_cache;
  return a;
}

registry_auth registry_auth::bearer(std::string token, bool from_cache) {
  registry_auth a;
  a.type = kind::bearer;
  a.secret = std::move(token);
  a.cached = from_cache;
  return a;
}

registry_auth registry_auth::identity_token(std::string user, std::string token) {
  registry_auth a;
  a.type = kind::refresh_token;
  a.username = std::move(user);
  a.secret = std::move(token);
  return a;
}

std::string registry_auth::identity() const {
  if (type == kind::anonymous) return "anonymous";
  std::string material;
  material += static_cast<char>('0' + static_cast<int>(type));
  material += '\0';
  material += username;
  material += '\0';
  material += secret;
  return digest::sha256_hex(material);
}

std::string registry_auth::basic_header() const { return "Basic " + enc::base64(username + ":" + secret); }

std::string registry_auth::describe() const {
  switch (type) {
    case kind::anonymous:
      return "anonymous access";
    case kind::basic:
      return "basic credentials for user \"" + printable(username) + "\"";
    case kind::bearer:
      return "a registry token";
    case kind::refresh_token:
      return "an identity token";
  }
  return "credentials";
}

}  // namespace fluxaws::oci
