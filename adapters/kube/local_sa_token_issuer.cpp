#include "adapters/kube/local_sa_token_issuer.hpp"

#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "adapters/common/jwt.hpp"
#include "adapters/kube/sa_token_claims.hpp"

namespace fluxaws::kube {

namespace {

struct issuer_config {
  std::string issuer;
  std::shared_ptr<const jwt::rsa_signing_key> key;
  local_sa_token_options opts;
};

sa_token_reply issue(const issuer_config& cfg, const sa_token_request& req) {
  sa_token_reply out;
  std::vector<std::string> audiences{req.audience};
  if (auto st = check_sa_token_request(req.ns, req.name, audiences); !st) {
    out.error = st.error();
    return out;
  }
  sa_token_claims_input in;
  in.issuer = cfg.issuer;
  in.ns = req.ns;
  in.name = req.name;
  if (cfg.opts.uid_of) in.uid = cfg.opts.uid_of(req.ns, req.name);
  if (in.uid.empty()) in.uid = name_uuid(req.ns + "/" + req.name);
  in.audiences = std::move(audiences);
  in.issued_at = cfg.opts.clock ? cfg.opts.clock() : std::chrono::system_clock::now();
  in.lifetime = std::clamp(req.lifetime, cfg.opts.min_lifetime, cfg.opts.max_lifetime);
  in.jti = random_uuid();
  auto token = jwt::sign_rs256(service_account_token_claims(in), *cfg.key);
  if (!token) {
    out.error = make_error("TokenRequestFailed", "cannot sign a token for ServiceAccount '" + req.ns + "/" + req.name +
                                                     "': " + token.error().message);
    return out;
  }
  out.ok = true;
  out.token = std::move(token.value());
  // The token's exp: iat truncated to whole seconds plus the lifetime.
  out.expires_at = std::chrono::time_point_cast<std::chrono::seconds>(in.issued_at) + in.lifetime;
  return out;
}

sa_token_actor::behavior_type local_issuer(sa_token_actor::pointer, std::shared_ptr<const issuer_config> cfg) {
  return {
      [cfg](sa_token_atom, const sa_token_request& req) -> sa_token_reply { return issue(*cfg, req); },
  };
}

}  // namespace

result<sa_token_actor> spawn_local_sa_token_issuer(caf::actor_system& sys, const std::string& issuer_url,
                                                   const std::string& private_key_pem_path,
                                                   local_sa_token_options opts) {
  if (issuer_url.rfind("https://", 0) != 0 || issuer_url.size() <= 8)
    return make_error("config", "the ServiceAccount token issuer must be an https:// URL (STS federation requires "
                                "one), not '" + issuer_url + "'");
  if (private_key_pem_path.empty())
    return make_error("config", "no private key file is configured for signing ServiceAccount tokens");
  std::ifstream in(private_key_pem_path, std::ios::binary);
  if (!in) return make_error("config", "cannot read the ServiceAccount token signing key " + private_key_pem_path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error("config", "cannot read the ServiceAccount token signing key " + private_key_pem_path);
  auto key = jwt::rsa_signing_key::from_pem(ss.str());
  if (!key)
    return make_error("config", "the ServiceAccount token signing key " + private_key_pem_path + " is unusable: " +
                                    key.error().message);
  if (opts.min_lifetime <= std::chrono::seconds(0) || opts.max_lifetime < opts.min_lifetime)
    return make_error("config", "ServiceAccount token lifetimes: need 0 < min_lifetime <= max_lifetime");
  auto cfg = std::make_shared<issuer_config>();
  cfg->issuer = issuer_url;
  while (cfg->issuer.size() > 8 && cfg->issuer.back() == '/') cfg->issuer.pop_back();
  cfg->key = std::move(key.value());
  cfg->opts = std::move(opts);
  return sys.spawn(local_issuer, std::shared_ptr<const issuer_config>(std::move(cfg)));
}

}  // namespace fluxaws::kube
