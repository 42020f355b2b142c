// iam_policy.hpp — IAM policy documents (identity, resource and trust policies) and
// their evaluation, as AWS does it for same-account access.
//
// Contract:
//   - parse_policy() reads a real IAM JSON document (Version, Statement as object or
//     array; Effect, Action/NotAction, Resource/NotResource, Principal/NotPrincipal,
//     Condition). A malformed document is an error naming the reason; nothing is
//     half-parsed.
//   - Action patterns match case-insensitively, Resource patterns case-sensitively;
//     both support `*` (any run) and `?` (one character).
//   - Condition operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
//     StringNotEqualsIgnoreCase, StringLike, StringNotLike, ArnEquals, ArnLike,
//     ArnNotEquals, ArnNotLike, Bool, Null, each optionally with IfExists. A key absent
//     from the request context makes positive operators false and negated ones true
//     (IfExists makes a missing key true). Several values of one key are OR-ed; keys,
//     operators are AND-ed. Condition keys compare case-insensitively.
//   - evaluate() returns the statement-level verdict of one document: deny if any
//     matching Deny statement, else allow if any matching Allow, else none. The caller
//     combines documents (explicit deny wins; see authorizer.hpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/json.hpp"
#include "adapters/common/result.hpp"

namespace emu::iam {

// `*` and `?` wildcard match over the whole of text.
bool wildcard_match(std::string_view pattern, std::string_view text);
bool wildcard_match_icase(std::string_view pattern, std::string_view text);

// One Principal entry: type is "*", "AWS", "Service", "Federated" or "CanonicalUser".
struct principal_entry {
  std::string type;
  std::string value;
};

struct condition_clause {
  std::string op;    // base operator, e.g. "StringLike" (without IfExists)
  bool if_exists = false;
  std::string key;   // lower-cased
  std::vector<std::string> values;
};

struct statement {
  std::string sid;
  bool allow = false;
  bool not_action = false;
  std::vector<std::string> actions;  // lower-cased patterns
  bool has_resource = false;
  bool not_resource = false;
  std::vector<std::string> resources;
  bool has_principal = false;
  bool not_principal = false;
  std::vector<principal_entry> principals;
  std::vector<condition_clause> conditions;
};

struct policy {
  std::vector<statement> statements;
  bool empty() const { return statements.empty(); }
};

fluxaws::result<policy> parse_policy(const fluxaws::json::value& doc);
fluxaws::result<policy> parse_policy_text(std::string_view json_text);

// Request context keys (lower-cased names) to values, e.g. "oidc.example.com:sub".
using context_map = std::map<std::string, std::string, std::less<>>;

enum class verdict { none, allow, deny };

// Decides whether a principal entry names the caller. Used for resource and trust
// policies; identity policies have no Principal.
using principal_matcher = std::function<bool(const principal_entry&)>;

struct request {
  std::string_view action;    // e.g. "s3:GetObject" (any case)
  std::string_view resource;  // ARN, or "*"
  const context_map* context = nullptr;
  // Set for resource/trust policies; statements without a Principal never match then.
  const principal_matcher* principal = nullptr;
};

// The verdict of one document for one request.
verdict evaluate(const policy& p, const request& r);

// Condition evaluation alone (exposed for tests).
bool conditions_hold(const std::vector<condition_clause>& conds, const context_map* ctx);

}  // namespace emu::iam
