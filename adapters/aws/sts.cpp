#include "adapters/aws/sts.hpp"

#include "adapters/aws/service_error.hpp"
#include "adapters/aws/xml.hpp"
#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"

namespace fluxaws::aws::sts {

namespace {

constexpr std::string_view kVersion = "2011-06-15";
constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

void add_policy_arns(form_fields& f, const std::vector<std::string>& arns) {
  for (std::size_t i = 0; i < arns.size(); ++i)
    f.emplace_back("PolicyArns.member." + std::to_string(i + 1) + ".arn", arns[i]);
}

service_request form_request(const endpoint& ep, std::string operation, std::string body, auth_mode auth) {
  service_request r;
  r.operation = std::move(operation);
  r.method = "POST";
  r.ep = ep;
  r.path = ep.path_for("/");
  r.headers.emplace_back("Content-Type", std::string(kFormType));
  r.body = std::move(body);
  r.auth = auth;
  return r;
}

error_info parse_error(std::string_view operation, std::string what) {
  return make_error("parse", std::string(operation) + ": " + std::move(what));
}

// The <Op>Result element of a 200 answer, or a clear error.
result<const xml::element*> result_element(const xml::element& root, std::string_view op_name,
                                           std::string_view operation) {
  std::string wrapper = std::string(op_name) + "Result";
  if (root.name == "ErrorResponse" || root.name == "Error") {
    const xml::element* err = root.name == "Error" ? &root : root.child("Error");
    std::string code = err ? std::string(err->child_text("Code")) : std::string();
    return parse_error(operation, "HTTP 200 answer carries an error document" +
                                      (code.empty() ? std::string() : " (" + code + ")") + " instead of " + wrapper);
  }
  const xml::element* res = root.child(wrapper);
  if (res == nullptr) return parse_error(operation, "answer has no " + wrapper + " element");
  return res;
}

result<credentials> credentials_of(const xml::element& res, std::string_view operation, std::string source) {
  const xml::element* c = res.child("Credentials");
  if (c == nullptr) return parse_error(operation, "answer has no Credentials element");
  credentials out;
  for (std::string_view field : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})
    if (str::trim(c->child_text(field)).empty())
      return parse_error(operation, "answer has no Credentials/" + std::string(field));
  out.access_key_id = std::string(str::trim(c->child_text("AccessKeyId")));
  out.secret_access_key = std::string(str::trim(c->child_text("SecretAccessKey")));
  out.session_token = std::string(str::trim(c->child_text("SessionToken")));
  auto exp_text = str::trim(c->child_text("Expiration"));
  auto exp = timefmt::parse_rfc3339(exp_text);
  if (!exp) return parse_error(operation, "Credentials/Expiration \"" + std::string(exp_text.substr(0, 40)) +
                                              "\" is not an RFC 3339 time");
  out.expiration = *exp;
  out.source = std::move(source);
  return out;
}

result<xml::element> parse_success_document(const http::response& r, std::string_view operation) {
  if (auto err = response_error(protocol::query, r, r.effective_url, operation)) return *err;
  auto doc = xml::parse(r.body);
  if (!doc) return parse_error(operation, doc.error().message);
  return std::move(doc).value();
}

result<assumed_role> parse_assumed(const http::response& r, std::string_view op_name, std::string_view operation,
                                   std::string source) {
  auto doc = parse_success_document(r, operation);
  if (!doc) return doc.error();
  auto res = result_element(*doc, op_name, operation);
  if (!res) return res.error();
  auto creds = credentials_of(**res, operation, std::move(source));
  if (!creds) return creds.error();
  assumed_role out;
  out.creds = std::move(creds).value();
  const xml::element& e = **res;
  if (const auto* u = e.child("AssumedRoleUser")) {
    out.assumed_role_arn = std::string(str::trim(u->child_text("Arn")));
    out.assumed_role_id = std::string(str::trim(u->child_text("AssumedRoleId")));
  }
  out.subject_from_web_identity_token = std::string(str::trim(e.child_text("SubjectFromWebIdentityToken")));
  out.audience = std::string(str::trim(e.child_text("Audience")));
  out.provider = std::string(str::trim(e.child_text("Provider")));
  out.source_identity = std::string(str::trim(e.child_text("SourceIdentity")));
  return out;
}

}  // namespace

std::string form_encode(const form_fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out.push_back('&');
    out += enc::uri_encode(k);
    out.push_back('=');
    out += enc::uri_encode(v);
  }
  return out;
}

std::string assume_role_with_web_identity_body(const web_identity_params& p) {
  form_fields f{{"Action", "AssumeRoleWithWebIdentity"}, {"Version", std::string(kVersion)}};
  f.emplace_back("RoleArn", p.role_arn);
  f.emplace_back("RoleSessionName", p.role_session_name);
  f.emplace_back("WebIdentityToken", p.web_identity_token);
  if (!p.provider_id.empty()) f.emplace_back("ProviderId", p.provider_id);
  add_policy_arns(f, p.policy_arns);
  if (!p.policy.empty()) f.emplace_back("Policy", p.policy);
  if (p.duration_seconds) f.emplace_back("DurationSeconds", std::to_string(*p.duration_seconds));
  return form_encode(f);
}

std::string assume_role_body(const assume_role_params& p) {
  form_fields f{{"Action", "AssumeRole"}, {"Version", std::string(kVersion)}};
  f.emplace_back("RoleArn", p.role_arn);
  f.emplace_back("RoleSessionName", p.role_session_name);
  add_policy_arns(f, p.policy_arns);
  if (!p.policy.empty()) f.emplace_back("Policy", p.policy);
  if (p.duration_seconds) f.emplace_back("DurationSeconds", std::to_string(*p.duration_seconds));
  if (!p.external_id.empty()) f.emplace_back("ExternalId", p.external_id);
  if (!p.source_identity.empty()) f.emplace_back("SourceIdentity", p.source_identity);
  return form_encode(f);
}

std::string get_caller_identity_body() {
  return form_encode({{"Action", "GetCallerIdentity"}, {"Version", std::string(kVersion)}});
}

service_request assume_role_with_web_identity_request(const endpoint& ep, const web_identity_params& p) {
  return form_request(ep, "STS AssumeRoleWithWebIdentity", assume_role_with_web_identity_body(p), auth_mode::none);
}

service_request assume_role_request(const endpoint& ep, const assume_role_params& p) {
  return form_request(ep, "STS AssumeRole", assume_role_body(p), auth_mode::sigv4);
}

service_request get_caller_identity_request(const endpoint& ep) {
  return form_request(ep, "STS GetCallerIdentity", get_caller_identity_body(), auth_mode::sigv4);
}

result<assumed_role> parse_assume_role_with_web_identity(const http::response& r) {
  return parse_assumed(r, "AssumeRoleWithWebIdentity", "STS AssumeRoleWithWebIdentity", "web-identity");
}

result<assumed_role> parse_assume_role(const http::response& r) {
  return parse_assumed(r, "AssumeRole", "STS AssumeRole", "assume-role");
}

result<caller_identity> parse_get_caller_identity(const http::response& r) {
  constexpr std::string_view op = "STS GetCallerIdentity";
  auto doc = parse_success_document(r, op);
  if (!doc) return doc.error();
  auto res = result_element(*doc, "GetCallerIdentity", op);
  if (!res) return res.error();
  caller_identity out;
  out.account = std::string(str::trim((*res)->child_text("Account")));
  out.arn = std::string(str::trim((*res)->child_text("Arn")));
  out.user_id = std::string(str::trim((*res)->child_text("UserId")));
  if (out.account.empty() || out.arn.empty()) return parse_error(op, "answer has no Account or Arn");
  return out;
}

}  // namespace fluxaws::aws::sts
