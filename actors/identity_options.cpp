#include "actors/identity_options.hpp"

#include <algorithm>

namespace fluxaws::actors {

status check_identity_options(const identity_options& o) {
  if (!o.object_level_identity &&
      (!o.default_service_account.empty() || !o.default_decryption_service_account.empty()))
    return make_error("config",
                      "cannot set default service accounts when the feature gate ObjectLevelWorkloadIdentity is not "
                      "enabled (--default-service-account / --default-decryption-service-account need "
                      "--feature-gates=ObjectLevelWorkloadIdentity=true)");
  if (o.token_cache_max_duration <= std::chrono::seconds(0))
    return make_error("config", "--token-cache-max-duration must be positive");
  if (!(o.reuse_fraction > 0 && o.reuse_fraction <= 1))
    return make_error("config", "the token cache's reuse fraction must be in (0, 1]");
  if (!(o.refresh_at > 0 && o.refresh_at <= 1))
    return make_error("config", "the token cache's refresh point must be in (0, 1]");
  if (o.idle_timeout <= std::chrono::milliseconds(0)) return make_error("config", "the idle timeout must be positive");
  if (o.initial_backoff <= std::chrono::milliseconds(0) || o.max_backoff < o.initial_backoff)
    return make_error("config", "failure backoff: need 0 < initial <= max");
  if (o.call_timeout <= std::chrono::milliseconds(0) || o.fetch_deadline < o.call_timeout)
    return make_error("config", "timeouts: need 0 < call timeout <= fetch deadline");
  if (o.sa_token_lifetime < std::chrono::seconds(600))
    return make_error("config", "ServiceAccount tokens live at least 10 minutes (the API server's minimum)");
  return {};
}

std::string effective_default_region(const identity_options& o) {
  if (!o.default_region.empty()) return o.default_region;
  if (auto r = aws::env_get(o.env, "AWS_REGION")) return *r;
  return {};
}

std::chrono::seconds effective_max_duration(const identity_options& o) {
  return std::clamp(o.token_cache_max_duration, std::chrono::seconds(1), token_cache_duration_cap);
}

std::chrono::milliseconds reply_deadline(const identity_options& o) {
  return o.fetch_deadline + std::chrono::milliseconds(5000);
}

}  // namespace fluxaws::actors
