#include "tests/emulator/imds_service.hpp"

#include "adapters/common/json.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/aws_responses.hpp"
#include "tests/emulator/form.hpp"

namespace emu {

namespace json = fluxaws::json;
namespace str = fluxaws::str;

namespace {
constexpr std::string_view kCredsPrefix = "/latest/meta-data/iam/security-credentials/";
}

std::string imds_service::operation_of(const http_request& req) {
  auto path = split_target(sv(req.target())).path;
  if (path == "/latest/api/token") return "GetToken";
  if (str::starts_with(path, kCredsPrefix)) return path.size() > kCredsPrefix.size() ? "GetCredentials" : "ListRoles";
  return "GetMetadata";
}

http_response imds_service::handle(const http_request& req, call_record& rec) {
  const auto version = req.version();
  auto path = split_target(sv(req.target())).path;
  rec.operation = operation_of(req);
  if (path == "/latest/api/token") {
    if (req.method() != http::verb::put) return plain_response(version, 405, "Method Not Allowed\n");
    auto ttl_text = sv(req["x-aws-ec2-metadata-token-ttl-seconds"]);
    if (ttl_text.empty() || ttl_text.size() > 5 || ttl_text.find_first_not_of("0123456789") != std::string_view::npos)
      return plain_response(version, 400, "Bad Request\n");
    auto ttl = std::stoi(std::string(ttl_text));
    if (ttl < 1 || ttl > 21600) return plain_response(version, 400, "Bad Request\n");
    auto token = ctx_.creds.issue_imds_token(std::chrono::seconds(ttl));
    auto res = plain_response(version, 200, token);
    res.set("x-aws-ec2-metadata-token-ttl-seconds", std::string(ttl_text));
    return res;
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return plain_response(version, 405, "Method Not Allowed\n");
  auto token = sv(req["x-aws-ec2-metadata-token"]);
  if (token.empty() || !ctx_.creds.imds_token_valid(token)) return plain_response(version, 401, "Unauthorized\n");

  const auto& w = ctx_.w;
  const iam_role* role = w.instance_role_arn.empty() ? nullptr : w.find_role(w.instance_role_arn);
  const std::string& region = w.regions.front();
  if (path == "/latest/meta-data/instance-id") return plain_response(version, 200, std::string(instance_id));
  if (path == "/latest/meta-data/placement/region") return plain_response(version, 200, region);
  if (path == "/latest/meta-data/placement/availability-zone") return plain_response(version, 200, region + "a");
  if (path == "/latest/dynamic/instance-identity/document") {
    json::value doc = json::value::make_object();
    doc.set("accountId", w.accounts.front());
    doc.set("architecture", "x86_64");
    doc.set("availabilityZone", region + "a");
    doc.set("instanceId", std::string(instance_id));
    doc.set("instanceType", "m5.large");
    doc.set("region", region);
    return plain_response(version, 200, json::dump(doc, 2), "application/json");
  }
  if (!role) return plain_response(version, 404, "Not Found\n");
  if (path == "/latest/meta-data/iam/info") {
    json::value doc = json::value::make_object();
    doc.set("Code", "Success");
    doc.set("LastUpdated", fluxaws::timefmt::rfc3339(std::chrono::system_clock::now()));
    doc.set("InstanceProfileArn", "arn:aws:iam::" + role->account + ":instance-profile/" + role->name);
    doc.set("InstanceProfileId", derived_id("AIPA", role->arn));
    return plain_response(version, 200, json::dump(doc, 2), "text/plain");
  }
  if (path == kCredsPrefix || path == kCredsPrefix.substr(0, kCredsPrefix.size() - 1))
    return plain_response(version, 200, role->name);
  if (str::starts_with(path, kCredsPrefix)) {
    if (path.substr(kCredsPrefix.size()) != role->name) return plain_response(version, 404, "Not Found\n");
    rec.principal = role->arn;
    issued_credentials c;
    {
      std::lock_guard lock(mu_);
      auto now = std::chrono::system_clock::now();
      auto life = session_lifetime(*role, ctx_.settings, std::nullopt);
      auto keep = std::min<std::chrono::seconds>(std::chrono::minutes(5), life / 2);
      if (!current_ || current_->expiry - now < keep)
        current_ = ctx_.creds.issue_session(session_principal(*role, std::string(instance_id)), life);
      c = *current_;
    }
    json::value doc = json::value::make_object();
    doc.set("Code", "Success");
    doc.set("LastUpdated", fluxaws::timefmt::rfc3339(std::chrono::system_clock::now()));
    doc.set("Type", "AWS-HMAC");
    doc.set("AccessKeyId", c.access_key_id);
    doc.set("SecretAccessKey", c.secret);
    doc.set("Token", c.session_token);
    doc.set("Expiration", fluxaws::timefmt::rfc3339(c.expiry));
    return plain_response(version, 200, json::dump(doc, 2), "text/plain");
  }
  return plain_response(version, 404, "Not Found\n");
}

}  // namespace emu
