#include "tests/emulator/iam_policy.hpp"

#include <cctype>

#include "adapters/common/strings.hpp"

namespace emu::iam {

namespace json = fluxaws::json;
using fluxaws::make_error;

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Iterative glob match with single-star backtracking: linear in practice, no recursion.
template <class Eq>
bool glob(std::string_view p, std::string_view t, Eq eq) {
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti])))) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// A JSON string or array of strings as a list; false on anything else.
bool string_list(const json::value& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.as_string());
    return true;
  }
  if (!v.is_array()) return false;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.push_back(e.as_string());
    else if (e.is_bool()) out.push_back(e.as_bool() ? "true" : "false");
    else if (e.is_integer()) out.push_back(std::to_string(e.as_int()));
    else return false;
  }
  return true;
}

bool condition_value_list(const json::value& v, std::vector<std::string>& out) {
  if (v.is_bool()) {
    out.push_back(v.as_bool() ? "true" : "false");
    return true;
  }
  if (v.is_integer()) {
    out.push_back(std::to_string(v.as_int()));
    return true;
  }
  return string_list(v, out);
}

const char* const kOperators[] = {"StringEquals",   "StringNotEquals", "StringEqualsIgnoreCase",
                                  "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
                                  "ArnEquals",      "ArnLike",         "ArnNotEquals",
                                  "ArnNotLike",     "Bool",            "Null"};

bool known_operator(std::string_view op) {
  for (const char* k : kOperators)
    if (op == k) return true;
  return false;
}

fluxaws::result<statement> parse_statement(const json::value& s, std::size_t index) {
  auto where = "Statement[" + std::to_string(index) + "]";
  if (!s.is_object()) return make_error("MalformedPolicyDocument", where + " is not an object");
  statement st;
  if (auto* sid = s.find("Sid")) st.sid = sid->as_string();
  auto* eff = s.find("Effect");
  if (!eff || !eff->is_string() || (eff->as_string() != "Allow" && eff->as_string() != "Deny"))
    return make_error("MalformedPolicyDocument", where + ": Effect must be Allow or Deny");
  st.allow = eff->as_string() == "Allow";

  auto* act = s.find("Action");
  auto* nact = s.find("NotAction");
  if ((act != nullptr) == (nact != nullptr))
    return make_error("MalformedPolicyDocument", where + ": exactly one of Action and NotAction is required");
  st.not_action = nact != nullptr;
  if (!string_list(act ? *act : *nact, st.actions) || st.actions.empty())
    return make_error("MalformedPolicyDocument", where + ": Action must be a string or a list of strings");
  for (auto& a : st.actions) a = fluxaws::str::to_lower(a);

  auto* res = s.find("Resource");
  auto* nres = s.find("NotResource");
  if (res && nres) return make_error("MalformedPolicyDocument", where + ": both Resource and NotResource");
  if (res || nres) {
    st.has_resource = true;
    st.not_resource = nres != nullptr;
    if (!string_list(res ? *res : *nres, st.resources))
      return make_error("MalformedPolicyDocument", where + ": Resource must be a string or a list of strings");
  }

  auto* pr = s.find("Principal");
  auto* npr = s.find("NotPrincipal");
  if (pr && npr) return make_error("MalformedPolicyDocument", where + ": both Principal and NotPrincipal");
  if (pr || npr) {
    st.has_principal = true;
    st.not_principal = npr != nullptr;
    const auto& p = pr ? *pr : *npr;
    if (p.is_string()) {
      if (p.as_string() != "*")
        return make_error("MalformedPolicyDocument", where + ": a string Principal must be \"*\"");
      st.principals.push_back({"*", "*"});
    } else if (p.is_object()) {
      for (const auto& [type, vals] : p.as_object()) {
        if (type != "AWS" && type != "Service" && type != "Federated" && type != "CanonicalUser")
          return make_error("MalformedPolicyDocument", where + ": unknown principal type " + type);
        std::vector<std::string> list;
        if (!string_list(vals, list))
          return make_error("MalformedPolicyDocument", where + ": Principal." + type + " must be strings");
        for (auto& v : list) st.principals.push_back({type, std::move(v)});
      }
    } else {
      return make_error("MalformedPolicyDocument", where + ": Principal must be \"*\" or an object");
    }
  }

  if (auto* cond = s.find("Condition")) {
    if (!cond->is_object()) return make_error("MalformedPolicyDocument", where + ": Condition must be an object");
    for (const auto& [op_name, block] : cond->as_object()) {
      std::string op = op_name;
      bool if_exists = false;
      if (fluxaws::str::ends_with(op, "IfExists")) {
        if_exists = true;
        op.resize(op.size() - 8);
      }
      if (fluxaws::str::starts_with(op, "ForAnyValue:") || fluxaws::str::starts_with(op, "ForAllValues:"))
        op = op.substr(op.find(':') + 1);  // single-valued context keys: same result
      if (!known_operator(op))
        return make_error("MalformedPolicyDocument", where + ": unsupported condition operator " + op_name);
      if (!block.is_object())
        return make_error("MalformedPolicyDocument", where + ": Condition." + op_name + " must be an object");
      for (const auto& [key, vals] : block.as_object()) {
        condition_clause c;
        c.op = op;
        c.if_exists = if_exists;
        c.key = fluxaws::str::to_lower(key);
        if (!condition_value_list(vals, c.values))
          return make_error("MalformedPolicyDocument", where + ": Condition." + op_name + "." + key + " must be strings");
        st.conditions.push_back(std::move(c));
      }
    }
  }
  return st;
}

bool clause_holds(const condition_clause& c, const context_map* ctx) {
  const std::string* actual = nullptr;
  if (ctx) {
    auto it = ctx->find(c.key);
    if (it != ctx->end()) actual = &it->second;
  }
  if (c.op == "Null") {
    // "Null": "true" means the key must be absent.
    bool want_absent = !c.values.empty() && c.values.front() == "true";
    return want_absent == (actual == nullptr);
  }
  bool negated = c.op.find("Not") != std::string::npos;
  if (!actual) return c.if_exists || negated;
  bool any = false;
  for (const auto& v : c.values) {
    bool m = false;
    if (c.op == "StringEquals" || c.op == "StringNotEquals" || c.op == "ArnEquals" || c.op == "ArnNotEquals") {
      m = (c.op[0] == 'A') ? wildcard_match(v, *actual) : v == *actual;  // ARN operators take wildcards
    } else if (c.op == "StringEqualsIgnoreCase" || c.op == "StringNotEqualsIgnoreCase") {
      m = fluxaws::str::iequals(v, *actual);
    } else if (c.op == "StringLike" || c.op == "StringNotLike" || c.op == "ArnLike" || c.op == "ArnNotLike") {
      m = wildcard_match(v, *actual);
    } else if (c.op == "Bool") {
      m = fluxaws::str::iequals(v, *actual);
    }
    if (m) {
      any = true;
      break;
    }
  }
  return negated ? !any : any;
}

bool action_matches(const statement& st, std::string_view action) {
  bool m = false;
  for (const auto& a : st.actions)
    if (wildcard_match_icase(a, action)) {
      m = true;
      break;
    }
  return st.not_action ? !m : m;
}

bool resource_matches(const statement& st, std::string_view resource) {
  if (!st.has_resource) return true;  // trust policies carry no Resource
  bool m = false;
  for (const auto& r : st.resources)
    if (wildcard_match(r, resource)) {
      m = true;
      break;
    }
  return st.not_resource ? !m : m;
}

bool principal_matches(const statement& st, const principal_matcher* who) {
  if (!who) return !st.has_principal;  // identity policies: no Principal element
  if (!st.has_principal) return false;
  bool m = false;
  for (const auto& p : st.principals)
    if ((*who)(p)) {
      m = true;
      break;
    }
  return st.not_principal ? !m : m;
}

}  // namespace

bool wildcard_match(std::string_view pattern, std::string_view text) {
  return glob(pattern, text, [](char a, char b) { return a == b; });
}

bool wildcard_match_icase(std::string_view pattern, std::string_view text) {
  return glob(pattern, text, [](char a, char b) { return lower(a) == lower(b); });
}

fluxaws::result<policy> parse_policy(const json::value& doc) {
  if (!doc.is_object()) return make_error("MalformedPolicyDocument", "the policy document is not a JSON object");
  auto* stmts = doc.find("Statement");
  if (!stmts) return make_error("MalformedPolicyDocument", "the policy document has no Statement");
  policy p;
  if (stmts->is_object()) {
    auto st = parse_statement(*stmts, 0);
    if (!st) return st.error();
    p.statements.push_back(std::move(st.value()));
  } else if (stmts->is_array()) {
    std::size_t i = 0;
    for (const auto& s : stmts->as_array()) {
      auto st = parse_statement(s, i++);
      if (!st) return st.error();
      p.statements.push_back(std::move(st.value()));
    }
  } else {
    return make_error("MalformedPolicyDocument", "Statement must be an object or an array");
  }
  return p;
}

fluxaws::result<policy> parse_policy_text(std::string_view text) {
  std::string err;
  auto doc = json::parse(text, &err);
  if (!doc) return make_error("MalformedPolicyDocument", "the policy is not valid JSON: " + err);
  return parse_policy(*doc);
}

bool conditions_hold(const std::vector<condition_clause>& conds, const context_map* ctx) {
  for (const auto& c : conds)
    if (!clause_holds(c, ctx)) return false;
  return true;
}

verdict evaluate(const policy& p, const request& r) {
  bool allowed = false;
  for (const auto& st : p.statements) {
    if (!action_matches(st, r.action) || !resource_matches(st, r.resource) ||
        !principal_matches(st, r.principal) || !conditions_hold(st.conditions, r.context))
      continue;
    if (!st.allow) return verdict::deny;
    allowed = true;
  }
  return allowed ? verdict::allow : verdict::none;
}

}  // namespace emu::iam
