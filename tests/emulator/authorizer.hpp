// authorizer.hpp — combines identity and resource policies into an allow/deny for one
// call, and builds AWS's AccessDenied message naming the caller.
//
// Contract (same-account evaluation, as AWS documents it):
//   1. an explicit Deny in any identity policy or in the resource policy wins;
//   2. otherwise the call is allowed if an identity policy allows it, or if the resource
//      policy allows it for this principal specifically (its ARN, its role's ARN for a
//      session, or "*"); a resource policy naming only the account delegates to IAM
//      policies and grants nothing by itself;
//   3. otherwise it is denied.
// Messages: "User: <arn> is not authorized to perform: <action> on resource: <res>
// because no identity-based policy allows the <action> action" (or "with an explicit
// deny in an identity-based policy" / "... in a resource-based policy").
#pragma once

#include <string>
#include <string_view>

#include "tests/emulator/iam_policy.hpp"
#include "tests/emulator/principal.hpp"

namespace emu {

struct access_decision {
  bool allowed = false;
  std::string message;  // set when denied
};

// How a resource policy combines with identity policies. standard: either may allow.
// key_policy (KMS): the key policy is authoritative — identity policies count only
// where the key policy allows the caller's account (the "Enable IAM policies"
// statement); no key policy means KMS's default key policy, which does.
enum class resource_policy_mode { standard, key_policy };

access_decision authorize(const principal& who, std::string_view action, std::string_view resource,
                          const iam::policy* resource_policy, const iam::context_map* extra_context = nullptr,
                          resource_policy_mode mode = resource_policy_mode::standard);

// The request-context keys every call carries (aws:PrincipalArn, aws:PrincipalAccount,
// aws:username for users, aws:userid), merged with extra.
iam::context_map principal_context(const principal& who, const iam::context_map* extra);

// Matches Principal entries against a caller. account_level also accepts the caller's
// account ("111122223333" or "arn:aws:iam::111122223333:root").
iam::principal_matcher principal_matcher_for(const principal& who, bool account_level);

std::string denied_message(std::string_view arn, std::string_view action, std::string_view resource,
                           std::string_view reason);

}  // namespace emu
