#include "tests/emulator/sts_service.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/common/time.hpp"
#include "tests/emulator/asio.hpp"
#include "tests/emulator/authorizer.hpp"
#include "tests/emulator/aws_responses.hpp"

namespace emu {

namespace {

param_map params_of(const http_request& req) {
  auto parts = split_target(std::string_view(req.target().data(), req.target().size()));
  param_map p = parse_form(parts.query);
  if (req.method() == http::verb::post) {
    for (auto& [k, v] : parse_form(req.body())) p.insert_or_assign(k, v);
  }
  return p;
}

bool valid_session_name(std::string_view s) {
  if (s.size() < 2 || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' ||
          c == '@' || c == '-'))
      return false;
  return true;
}

std::string credentials_xml(const issued_credentials& c) {
  std::string x = "    <Credentials>\n      <AccessKeyId>" + c.access_key_id + "</AccessKeyId>\n      <SecretAccessKey>" +
                  xml_escape(c.secret) + "</SecretAccessKey>\n      <SessionToken>" + xml_escape(c.session_token) +
                  "</SessionToken>\n      <Expiration>" + fluxaws::timefmt::rfc3339(c.expiry) +
                  "</Expiration>\n    </Credentials>\n";
  return x;
}

std::string assumed_user_xml(const principal& p) {
  return "    <AssumedRoleUser>\n      <Arn>" + xml_escape(p.arn) + "</Arn>\n      <AssumedRoleId>" +
         xml_escape(p.user_id) + "</AssumedRoleId>\n    </AssumedRoleUser>\n";
}

// A validation error in STS's words: "1 validation error detected: Value … at '…'".
http_response validation(unsigned version, std::string msg) {
  return query_error(version, 400, "ValidationError", msg);
}

std::optional<int64_t> parse_duration_param(const param_map& p, bool& bad) {
  bad = false;
  const auto* d = find_param(p, "DurationSeconds");
  if (!d) return std::nullopt;
  if (d->empty() || d->size() > 6 || d->find_first_not_of("0123456789") != std::string::npos) {
    bad = true;
    return std::nullopt;
  }
  return std::stoll(*d);
}

}  // namespace

http_response sts_auth_error(unsigned version, const sigv4::verify_result& v) {
  using E = sigv4::auth_error;
  switch (v.error) {
    case E::unknown_key:
    case E::missing_token:
    case E::invalid_token: return query_error(version, 403, "InvalidClientTokenId", v.message);
    case E::expired_token: return query_error(version, 403, "ExpiredToken", v.message);
    case E::missing: return query_error(version, 403, "MissingAuthenticationToken", v.message);
    case E::malformed:
    case E::unsupported_algorithm:
    case E::missing_date:
    case E::bad_scope_date:
    case E::bad_scope_terminator:
    case E::missing_content_sha: return query_error(version, 400, "IncompleteSignature", v.message);
    case E::presign_expired: return query_error(version, 403, "AccessDenied", v.message);
    case E::skewed:
    case E::bad_scope_region:
    case E::bad_scope_service:
    case E::content_sha_mismatch:
    case E::bad_signature:
    case E::none: break;
  }
  return query_error(version, 403, "SignatureDoesNotMatch", v.message);
}

std::string sts_service::operation_of(const http_request& req) {
  auto p = params_of(req);
  const auto* a = find_param(p, "Action");
  return a ? *a : std::string("Unknown");
}

http_response sts_service::handle(const http_request& req, const route& rt, call_record& rec) {
  auto p = params_of(req);
  const auto* action = find_param(p, "Action");
  rec.operation = action ? *action : "Unknown";
  if (!action) {
    return query_error(req.version(), 400, "MissingAction", "Missing Action");
  }
  if (*action == "AssumeRoleWithWebIdentity" && !sigv4::is_signed(req))
    return assume_role_with_web_identity(req, p, rec);

  auto expected_region = rt.bare ? std::string_view{} : std::string_view(rt.region);
  auto v = authenticate(req, rt, ctx_, "sts", expected_region);
  if (!v.ok()) {
    if (auto key = ctx_.creds.find_key(v.access_key_id); key && v.error == sigv4::auth_error::expired_token)
      rec.principal = key->who->arn;
    if (*action == "AssumeRoleWithWebIdentity")
      if (const auto* r = find_param(p, "RoleArn")) rec.principal = *r;
    return sts_auth_error(req.version(), v);
  }
  rec.principal = v.who->arn;
  if (*action == "GetCallerIdentity") return get_caller_identity(req, *v.who);
  if (*action == "AssumeRole") return assume_role(req, *v.who, p);
  if (*action == "AssumeRoleWithWebIdentity") return assume_role_with_web_identity(req, p, rec);
  return query_error(req.version(), 400, "InvalidAction", "Could not find operation " + *action + " for version " +
                                                              (find_param(p, "Version") ? *find_param(p, "Version") : ""));
}

http_response sts_service::get_caller_identity(const http_request& req, const principal& caller) {
  std::string x = "    <Arn>" + xml_escape(caller.arn) + "</Arn>\n    <UserId>" + xml_escape(caller.user_id) +
                  "</UserId>\n    <Account>" + caller.account + "</Account>\n";
  return query_ok(req.version(), "GetCallerIdentity", x);
}

http_response sts_service::assume_role(const http_request& req, const principal& caller, const param_map& p) {
  auto v = req.version();
  const auto* role_arn = find_param(p, "RoleArn");
  const auto* session = find_param(p, "RoleSessionName");
  if (!role_arn)
    return validation(v, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!session)
    return validation(v, "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: "
                         "Member must not be null");
  if (!valid_session_name(*session))
    return validation(v, "1 validation error detected: Value '" + *session +
                             "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
                             "expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
  if (role_arn->size() < 20 || !fluxaws::str::starts_with(*role_arn, "arn:"))
    return validation(v, "1 validation error detected: Value '" + *role_arn +
                             "' at 'roleArn' failed to satisfy constraint: Member must have length greater than or "
                             "equal to 20");
  bool bad_duration = false;
  auto duration = parse_duration_param(p, bad_duration);
  if (bad_duration) return validation(v, "DurationSeconds must be a whole number of seconds");

  const auto* role = ctx_.w.find_role(*role_arn);
  auto denied = [&] {
    return query_error(v, 403, "AccessDenied",
                       "User: " + caller.arn + " is not authorized to perform: sts:AssumeRole on resource: " + *role_arn);
  };
  if (!role) return denied();

  // Trust policy: a Principal naming the caller (or its role) allows by itself; one
  // naming the account needs the caller's identity policy to allow sts:AssumeRole too.
  auto specific = principal_matcher_for(caller, false);
  auto account = principal_matcher_for(caller, true);
  iam::context_map ctx = principal_context(caller, nullptr);
  iam::request specific_req{"sts:AssumeRole", role->arn, &ctx, &specific};
  iam::request account_req{"sts:AssumeRole", role->arn, &ctx, &account};
  auto trust_any = iam::evaluate(role->trust, account_req);
  if (trust_any == iam::verdict::deny || trust_any == iam::verdict::none) return denied();
  bool trusted_specifically = iam::evaluate(role->trust, specific_req) == iam::verdict::allow;
  auto identity = authorize(caller, "sts:AssumeRole", role->arn, nullptr);
  if (!identity.allowed) {
    bool explicit_deny = identity.message.find("explicit deny") != std::string::npos;
    if (explicit_deny || !trusted_specifically || caller.account != role->account) return denied();
  }

  int64_t max = caller.is_session() ? std::min<int64_t>(3600, role->max_session.count()) : role->max_session.count();
  if (duration && (*duration < 900 || *duration > max)) {
    if (*duration < 900)
      return validation(v, "1 validation error detected: Value '" + std::to_string(*duration) +
                               "' at 'durationSeconds' failed to satisfy constraint: Member must have value greater "
                               "than or equal to 900");
    if (caller.is_session())
      return validation(v, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role "
                           "chaining.");
    return validation(v, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  auto who = session_principal(*role, *session);
  auto creds = ctx_.creds.issue_session(who, session_lifetime(*role, ctx_.settings, duration));
  std::string x = credentials_xml(creds) + assumed_user_xml(*who);
  return query_ok(v, "AssumeRole", x);
}

http_response sts_service::assume_role_with_web_identity(const http_request& req, const param_map& p,
                                                         call_record& rec) {
  auto v = req.version();
  const auto* role_arn = find_param(p, "RoleArn");
  const auto* session = find_param(p, "RoleSessionName");
  const auto* token = find_param(p, "WebIdentityToken");
  if (role_arn) rec.principal = *role_arn;
  if (!role_arn)
    return validation(v, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
  if (!session)
    return validation(v, "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: "
                         "Member must not be null");
  if (!token)
    return validation(v, "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy "
                         "constraint: Member must not be null");
  if (!valid_session_name(*session))
    return validation(v, "1 validation error detected: Value '" + *session +
                             "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
                             "expression pattern: [\\w+=,.@-]* and have length between 2 and 64");
  if (token->size() < 4 || token->size() > 20000)
    return validation(v, "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: "
                         "Member must have length between 4 and 20000");
  bool bad_duration = false;
  auto duration = parse_duration_param(p, bad_duration);
  if (bad_duration) return validation(v, "DurationSeconds must be a whole number of seconds");

  // The account whose providers are consulted is the role's (as written in the ARN).
  std::string account;
  if (auto parts = fluxaws::str::split(*role_arn, ':'); parts.size() >= 6) account = std::string(parts[4]);
  auto checked = oidc_->verify(*token, std::chrono::system_clock::now(), account);
  if (!checked) {
    const auto& e = checked.error();
    return query_error(v, static_cast<unsigned>(e.status ? e.status : 400), e.code, e.message);
  }
  const auto& wt = checked.value();
  const auto* role = ctx_.w.find_role(*role_arn);
  if (!role) return query_error(v, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");

  iam::context_map ctx;
  ctx.emplace(fluxaws::str::to_lower(wt.provider->host) + ":aud", wt.audience);
  ctx.emplace(fluxaws::str::to_lower(wt.provider->host) + ":sub", wt.token.sub());
  ctx.emplace(fluxaws::str::to_lower(wt.provider->host) + ":iss", wt.provider->url);
  const std::string provider_arn = wt.provider->arn;
  iam::principal_matcher federated = [&provider_arn](const iam::principal_entry& e) {
    return e.type == "*" || (e.type == "Federated" && e.value == provider_arn);
  };
  iam::request trust_req{"sts:AssumeRoleWithWebIdentity", role->arn, &ctx, &federated};
  if (iam::evaluate(role->trust, trust_req) != iam::verdict::allow)
    return query_error(v, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");

  if (duration && (*duration < 900 || *duration > role->max_session.count())) {
    if (*duration < 900)
      return validation(v, "1 validation error detected: Value '" + std::to_string(*duration) +
                               "' at 'durationSeconds' failed to satisfy constraint: Member must have value greater "
                               "than or equal to 900");
    return validation(v, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  auto who = session_principal(*role, *session);
  auto creds = ctx_.creds.issue_session(who, session_lifetime(*role, ctx_.settings, duration));
  std::string x = "    <SubjectFromWebIdentityToken>" + xml_escape(wt.token.sub()) +
                  "</SubjectFromWebIdentityToken>\n    <Audience>" + xml_escape(wt.audience) + "</Audience>\n" +
                  assumed_user_xml(*who) + credentials_xml(creds) + "    <Provider>" + xml_escape(wt.provider->arn) +
                  "</Provider>\n";
  return query_ok(v, "AssumeRoleWithWebIdentity", x);
}

}  // namespace emu
