// The credentials a caller attaches to one registry request. The client never picks
// credentials itself: the caller decides (anonymous, a Secret's entry, or ECR's
// "AWS:<token>" from its credential cache, only for ECR hosts), and the client sends
// them only to the registry of that request and, for the Bearer flow, to the token
// realm the registry names.
//
// Contract:
//  - The type has no stream operator and is sent between actors as an opaque message
//    type: secrets never reach a log, an error or CAF's diagnostics.
//  - identity() is a one-way key (SHA-256 over the kind, user and secret) for caching
//    Bearer tokens per credential; it reveals nothing usable.
//  - cached marks credentials the caller holds in a cache (ECR authorization tokens):
//    a 401 is then reported as Unauthorized so the caller can evict and retry once.
#pragma once

#include <string>

namespace fluxaws::oci {

struct registry_auth {
  enum class kind {
    anonymous,
    basic,          // user + password: Basic to the registry, or to the token realm
    bearer,         // a registry token (dockerconfig "registrytoken"), sent as is
    refresh_token,  // an identity token (dockerconfig "identitytoken"): OAuth2 refresh
  };

  kind type = kind::anonymous;
  std::string username;
  std::string secret;  // password, registry token or identity token
  bool cached = false;

  static registry_auth anonymous() { return {}; }
  static registry_auth basic(std::string user, std::string password, bool from_cache = false);
  static registry_auth bearer(std::string token, bool from_cache = false);
  static registry_auth identity_token(std::string user, std::string token);

  bool has_credentials() const { return type != kind::anonymous; }
  std::string identity() const;
  // "Basic <base64(user:password)>"; only meaningful for kind::basic.
  std::string basic_header() const;
  // A description without secrets: "anonymous", "basic credentials for user \"AWS\"", ...
  std::string describe() const;
};

}  // namespace fluxaws::oci
