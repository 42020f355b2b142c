#include "adapters/aws/default_chain.hpp"

namespace fluxaws::aws {

namespace {

template <class T>
result<source_config> widen(result<T>&& r) {
  if (!r.ok()) return r.error();
  return source_config(std::move(r).value());
}

}  // namespace

result<source_config> choose_source(const env_map& env) {
  if (auto s = static_config_from_env(env)) return widen(std::move(*s));
  if (auto w = web_identity_config_from_env(env)) return widen(std::move(*w));
  if (auto c = container_config_from_env(env)) return widen(std::move(*c));
  if (auto i = imds_config_from_env(env)) return widen(std::move(*i));
  return make_error("credentials",
                    "no AWS credentials: none of AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, "
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI/RELATIVE_URI is set and AWS_EC2_METADATA_DISABLED=true");
}

std::unique_ptr<credential_source> make_source(const source_config& cfg, std::chrono::system_clock::time_point now) {
  struct visitor {
    std::chrono::system_clock::time_point now;
    std::unique_ptr<credential_source> operator()(const static_config& c) const {
      return std::make_unique<static_source>(c);
    }
    std::unique_ptr<credential_source> operator()(const web_identity_config& c) const {
      return std::make_unique<web_identity_source>(c, now);
    }
    std::unique_ptr<credential_source> operator()(const container_config& c) const {
      return std::make_unique<container_source>(c);
    }
    std::unique_ptr<credential_source> operator()(const imds_config& c) const {
      return std::make_unique<imds_source>(c);
    }
  };
  return std::visit(visitor{now}, cfg);
}

std::string_view source_name(const source_config& cfg) {
  switch (cfg.index()) {
    case 0: return "static";
    case 1: return "web-identity";
    case 2: return "container";
    default: return "imds";
  }
}

}  // namespace fluxaws::aws
