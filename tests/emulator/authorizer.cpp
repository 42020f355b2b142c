#include "tests/emulator/authorizer.hpp"

namespace emu {

namespace {

bool has_conditions(const iam::policy& p) {
  for (const auto& s : p.statements)
    if (!s.conditions.empty()) return true;
  return false;
}

}  // namespace

std::string denied_message(std::string_view arn, std::string_view action, std::string_view resource,
                           std::string_view reason) {
  std::string m = "User: ";
  m.append(arn).append(" is not authorized to perform: ").append(action);
  m.append(" on resource: ").append(resource).append(" ").append(reason);
  return m;
}

iam::context_map principal_context(const principal& who, const iam::context_map* extra) {
  iam::context_map ctx;
  if (extra) ctx = *extra;
  ctx.emplace("aws:principalarn", who.is_session() ? who.role_arn : who.arn);
  ctx.emplace("aws:principalaccount", who.account);
  ctx.emplace("aws:userid", who.user_id);
  if (!who.is_session()) ctx.emplace("aws:username", who.name);
  ctx.emplace("aws:principaltype", who.is_session() ? "AssumedRole" : "User");
  return ctx;
}

iam::principal_matcher principal_matcher_for(const principal& who, bool account_level) {
  return [&who, account_level](const iam::principal_entry& e) {
    if (e.type == "*") return true;
    if (e.type != "AWS") return false;
    if (e.value == "*" || e.value == who.arn) return true;
    if (who.is_session() && e.value == who.role_arn) return true;
    if (account_level && (e.value == who.account || e.value == "arn:aws:iam::" + who.account + ":root")) return true;
    return false;
  };
}

access_decision authorize(const principal& who, std::string_view action, std::string_view resource,
                          const iam::policy* resource_policy, const iam::context_map* extra_context,
                          resource_policy_mode mode) {
  bool need_ctx = extra_context != nullptr || (resource_policy && has_conditions(*resource_policy));
  if (!need_ctx && who.policies)
    for (const auto& p : *who.policies) need_ctx = need_ctx || has_conditions(p);
  iam::context_map ctx;
  if (need_ctx) ctx = principal_context(who, extra_context);

  iam::request identity_req{action, resource, need_ctx ? &ctx : nullptr, nullptr};
  bool identity_allows = false;
  if (who.policies) {
    for (const auto& p : *who.policies) {
      auto v = iam::evaluate(p, identity_req);
      if (v == iam::verdict::deny)
        return {false, denied_message(who.arn, action, resource, "with an explicit deny in an identity-based policy")};
      if (v == iam::verdict::allow) identity_allows = true;
    }
  }
  bool resource_allows = false;
  if (resource_policy) {
    auto any = principal_matcher_for(who, true);
    iam::request deny_req{action, resource, need_ctx ? &ctx : nullptr, &any};
    // A Deny naming the account (or "*") applies to every principal in it.
    if (iam::evaluate(*resource_policy, deny_req) == iam::verdict::deny)
      return {false, denied_message(who.arn, action, resource, "with an explicit deny in a resource-based policy")};
    auto specific = principal_matcher_for(who, false);
    iam::request allow_req{action, resource, need_ctx ? &ctx : nullptr, &specific};
    resource_allows = iam::evaluate(*resource_policy, allow_req) == iam::verdict::allow;
    if (mode == resource_policy_mode::key_policy && identity_allows && !resource_allows) {
      // Identity policies count only when the key policy delegates to the account.
      identity_allows = iam::evaluate(*resource_policy, deny_req) == iam::verdict::allow;
      if (!identity_allows) {
        std::string reason = "because no resource-based policy allows the ";
        reason.append(action).append(" action");
        return {false, denied_message(who.arn, action, resource, reason)};
      }
    }
  }
  if (identity_allows || resource_allows) return {true, {}};
  std::string reason = "because no identity-based policy allows the ";
  reason.append(action).append(" action");
  return {false, denied_message(who.arn, action, resource, reason)};
}

}  // namespace emu
