#include "tests/emulator/ecr_service.hpp"

#include <cmath>

#include "adapters/common/encoding.hpp"
#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/authorizer.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/kms_service.hpp"

namespace emu {

namespace json = fluxaws::json;
namespace str = fluxaws::str;

namespace {
constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";
}

ecr_service::ecr_service(const service_context& ctx) : ctx_(ctx) {
  for (const auto& r : ctx_.w.repositories) repos_[r.arn] = &r;
}

std::string ecr_service::operation_of(const http_request& req) {
  auto t = sv(req["x-amz-target"]);
  if (str::starts_with(t, kTargetPrefix)) return std::string(t.substr(kTargetPrefix.size()));
  return "Unknown";
}

http_response ecr_service::handle(const http_request& req, const route& rt, call_record& rec) {
  const auto version = req.version();
  rec.operation = operation_of(req);
  auto v = authenticate(req, rt, ctx_, "ecr", rt.bare ? std::string_view{} : std::string_view(rt.region));
  if (!v.ok()) {
    if (v.error == sigv4::auth_error::expired_token)
      if (auto key = ctx_.creds.find_key(v.access_key_id)) rec.principal = key->who->arn;
    return json_auth_error(version, v);
  }
  const auto& who = v.who;
  rec.principal = who->arn;
  std::string perr;
  auto body = json::parse(req.body().empty() ? std::string_view("{}") : std::string_view(req.body()), &perr);
  if (!body || !body->is_object())
    return json_error(version, 400, "SerializationException", "The request body is not a JSON object");

  if (rec.operation == "GetAuthorizationToken") {
    auto d = authorize(*who, "ecr:GetAuthorizationToken", "*", nullptr);
    if (!d.allowed) return json_error(version, 400, "AccessDeniedException", d.message);
    std::vector<std::string> registries;
    if (const auto* ids = body->find("registryIds"); ids && ids->is_array()) {
      for (const auto& id : ids->as_array()) {
        const auto& s = id.as_string();
        if (s.size() != 12 || s.find_first_not_of("0123456789") != std::string::npos)
          return json_error(version, 400, "InvalidParameterException",
                            "Invalid parameter at 'registryIds' failed to satisfy constraint: 'Member must satisfy "
                            "regular expression pattern: [0-9]{12}'");
        registries.push_back(s);
      }
    }
    if (registries.empty()) registries.push_back(who->account);
    auto now = std::chrono::system_clock::now();
    auto expiry = now + std::chrono::seconds(ctx_.settings.ecr_token_lifetime_s.load());
    double expires_at = std::chrono::duration<double>(expiry.time_since_epoch()).count();
    expires_at = std::floor(expires_at * 1000) / 1000;
    std::string out = "{\"authorizationData\":[";
    for (std::size_t i = 0; i < registries.size(); ++i) {
      // One password opens every registry of the region the principal may read.
      auto password = ctx_.creds.issue_ecr_password(who, registries[i], v.region, expiry);
      if (i) out.push_back(',');
      char num[32];
      std::snprintf(num, sizeof num, "%.3f", expires_at);
      out += "{\"authorizationToken\":\"" + fluxaws::enc::base64("AWS:" + password) + "\",\"expiresAt\":" + num +
             ",\"proxyEndpoint\":\"https://" + registries[i] + ".dkr.ecr." + v.region + ".amazonaws.com\"}";
    }
    out += "]}";
    return json_ok(version, std::move(out));
  }
  return json_error(version, 400, "UnknownOperationException", "");
}

registry_auth_result ecr_service::authorize_registry(std::string_view authorization_header,
                                                     const std::string& repository_arn,
                                                     std::string_view ecr_action) const {
  registry_auth_result r;
  auto h = str::trim(authorization_header);
  if (h.size() < 6 || !str::iequals(h.substr(0, 6), "Basic ")) {
    r.status = 401;
    r.code = "UNAUTHORIZED";
    r.message = "Not Authorized";
    return r;
  }
  auto decoded = fluxaws::enc::unbase64(str::trim(h.substr(6)));
  auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (!decoded || colon == std::string::npos || decoded->substr(0, colon) != "AWS") {
    r.status = 401;
    r.code = "UNAUTHORIZED";
    r.message = "Not Authorized";
    return r;
  }
  auto entry = ctx_.creds.find_ecr_password(std::string_view(*decoded).substr(colon + 1));
  if (!entry) {
    r.status = 401;
    r.code = "UNAUTHORIZED";
    r.message = "Not Authorized";
    return r;
  }
  r.principal_arn = entry->who->arn;
  if (std::chrono::system_clock::now() >= entry->expiry) {
    r.status = 403;
    r.code = "DENIED";
    r.message = "Your authorization token has expired. Reauthenticate and try again.";
    return r;
  }
  if (repository_arn.empty()) {  // ping / catalog: the token is valid
    r.allowed = true;
    return r;
  }
  auto parts = str::split(repository_arn, ':');
  if (parts.size() >= 6 && parts[3] != entry->region) {
    r.status = 403;
    r.code = "DENIED";
    r.message = "Your authorization token is not valid for the registry in " + std::string(parts[3]) +
                "; it was issued in " + entry->region + ".";
    return r;
  }
  const iam::policy* repo_policy = nullptr;
  if (auto it = repos_.find(repository_arn); it != repos_.end() && it->second->policy) repo_policy = &*it->second->policy;
  auto d = authorize(*entry->who, ecr_action, repository_arn, repo_policy);
  if (!d.allowed) {
    r.status = 403;
    r.code = "DENIED";
    r.message = d.message;
    return r;
  }
  r.allowed = true;
  return r;
}

}  // namespace emu
