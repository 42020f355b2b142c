#include "tests/emulator/pod_identity_service.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"
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

http_response message(unsigned version, unsigned status, std::string_view text) {
  json::value doc = json::value::make_object();
  doc.set("Message", std::string(text));
  return plain_response(version, status, json::dump(doc), "application/json");
}

}  // namespace

http_response pod_identity_service::handle(const http_request& req, call_record& rec) {
  const auto version = req.version();
  rec.operation = "GetCredentials";
  auto path = split_target(sv(req.target())).path;
  if (path != "/v1/credentials") return message(version, 404, "Not Found");
  if (req.method() != http::verb::get) return message(version, 405, "Method Not Allowed");
  auto token = std::string(str::trim(sv(req[http::field::authorization])));
  if (token.empty()) return message(version, 400, "Authorization header is required");

  std::string ns, sa;
  for (const auto& t : ctx_.w.pod_identity_tokens)
    if (t.token == token) {
      ns = t.ns;
      sa = t.service_account;
    }
  if (ns.empty()) {
    // A projected ServiceAccount token: any of the world's accounts' providers.
    std::optional<verified_web_token> verified;
    std::string why = "the token is not a known Pod Identity token";
    for (const auto& account : ctx_.w.accounts) {
      auto v = oidc_->verify(token, std::chrono::system_clock::now(), account, "pods.eks.amazonaws.com");
      if (v) {
        verified = std::move(v.value());
        break;
      }
      why = v.error().message;
    }
    if (!verified) return message(version, 401, "Invalid token: " + why);
    auto sub = verified->token.sub();
    auto parts = str::split(sub, ':');
    if (parts.size() != 4 || parts[0] != "system" || parts[1] != "serviceaccount")
      return message(version, 401, "Invalid token: sub is not system:serviceaccount:<namespace>:<name>");
    ns = std::string(parts[2]);
    sa = std::string(parts[3]);
  }
  const pod_identity_association* assoc = nullptr;
  for (const auto& a : ctx_.w.pod_identity_associations)
    if (a.ns == ns && a.service_account == sa) assoc = &a;
  if (!assoc)
    return message(version, 403, "No Pod Identity association for service account " + ns + "/" + sa);
  const iam_role* role = ctx_.w.find_role(assoc->role_arn);
  rec.principal = assoc->role_arn;
  if (!role) return message(version, 403, "The associated role " + assoc->role_arn + " does not exist");

  iam::principal_matcher pods = [](const iam::principal_entry& e) {
    return e.type == "*" || (e.type == "Service" && e.value == "pods.eks.amazonaws.com");
  };
  iam::context_map ctx{{"aws:requesttag/kubernetes-namespace", ns},
                       {"aws:requesttag/kubernetes-service-account", sa}};
  for (std::string_view action : {"sts:AssumeRole", "sts:TagSession"}) {
    iam::request r{action, role->arn, &ctx, &pods};
    if (iam::evaluate(role->trust, r) != iam::verdict::allow)
      return message(version, 403, "The role " + role->arn + " does not allow pods.eks.amazonaws.com to perform " +
                                       std::string(action));
  }
  // EKS names the session eks-<cluster>-<pod>-<uuid>; keep the shape within 64 chars.
  std::string session = "eks-emulator-" + sa;
  if (session.size() > 54) session.resize(54);
  session += "-" + fluxaws::enc::hex(fluxaws::digest::random_bytes(4));
  for (auto& c : session)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos))
      c = '-';
  auto creds = ctx_.creds.issue_session(session_principal(*role, session),
                                        session_lifetime(*role, ctx_.settings, std::nullopt));
  json::value doc = json::value::make_object();
  doc.set("AccessKeyId", creds.access_key_id);
  doc.set("SecretAccessKey", creds.secret);
  doc.set("Token", creds.session_token);
  doc.set("AccountId", role->account);
  doc.set("Expiration", fluxaws::timefmt::rfc3339(creds.expiry));
  return plain_response(version, 200, json::dump(doc), "application/json");
}

}  // namespace emu
