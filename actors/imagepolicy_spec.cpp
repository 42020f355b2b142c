#include "actors/imagepolicy_spec.hpp"

#include "adapters/common/time.hpp"

namespace fluxaws::actors::imagepolicy {

namespace {

// A Go duration field ("1m", "30s"); fallback when absent, invalid or not positive.
// (kind_reconciler's duration_field, without depending on the actor core: this file is
// pure logic, also built into the image policy benchmark.)
std::chrono::milliseconds go_duration_field(const json::value& obj, std::initializer_list<std::string_view> path,
                                         std::chrono::milliseconds fallback) {
  const json::value* v = obj.at(path);
  if (!v || !v->is_string()) return fallback;
  auto d = timefmt::parse_go_duration(v->as_string());
  if (!d || *d <= std::chrono::nanoseconds{0}) return fallback;
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::string string_at(const json::value& obj, std::initializer_list<std::string_view> path) {
  const json::value* v = obj.at(path);
  return v && v->is_string() ? v->as_string() : std::string();
}

// A policy member present as an object: its string field, or "" (the CRD default
// is applied before us; "" means ascending to the selector).
std::optional<std::string> choice_field(const json::value& obj, std::string_view member, std::string_view field) {
  const json::value* p = obj.at({"spec", "policy", member});
  if (!p || p->is_null()) return std::nullopt;
  const json::value* f = p->find(field);
  return f && f->is_string() ? f->as_string() : std::string();
}

}  // namespace

spec parse_spec(const json::value& obj) {
  spec s;
  s.repository_name = string_at(obj, {"spec", "imageRepositoryRef", "name"});
  s.repository_namespace = string_at(obj, {"spec", "imageRepositoryRef", "namespace"});
  s.choice.semver_range = choice_field(obj, "semver", "range");
  s.choice.alphabetical_order = choice_field(obj, "alphabetical", "order");
  s.choice.numerical_order = choice_field(obj, "numerical", "order");
  if (const json::value* f = obj.at({"spec", "filterTags"}); f && f->is_object()) {
    s.has_filter = true;
    s.filter_pattern = string_at(obj, {"spec", "filterTags", "pattern"});
    s.filter_extract = string_at(obj, {"spec", "filterTags", "extract"});
  }
  auto r = string_at(obj, {"spec", "digestReflectionPolicy"});
  if (r == "Always")
    s.reflect = reflection::always;
  else if (r == "IfNotPresent")
    s.reflect = reflection::if_not_present;
  if (const json::value* i = obj.at({"spec", "interval"}); i && !i->is_null()) {
    s.interval_set = true;
    auto d = go_duration_field(obj, {"spec", "interval"}, std::chrono::milliseconds(0));
    if (d > std::chrono::milliseconds(0)) s.interval = d;
  }
  return s;
}

std::optional<reconcile_error> validate(const spec& s) {
  if (s.interval_set && s.reflect != reflection::always)
    return reconcile_error::stalling(
        "InvalidSpec", "spec.interval is only accepted when spec.digestReflectionPolicy is set to 'Always'");
  if (!s.interval_set && s.reflect == reflection::always)
    return reconcile_error::stalling(reason_interval_not_configured,
                                     "spec.interval must be set when spec.digestReflectionPolicy is set to 'Always'");
  return std::nullopt;
}

kube::object_key repository_key(const spec& s, const std::string& policy_ns) {
  return kube::object_key{"ImageRepository", s.repository_namespace.empty() ? policy_ns : s.repository_namespace,
                          s.repository_name};
}

std::optional<std::chrono::milliseconds> requeue(const spec& s) {
  if (s.reflect != reflection::always) return std::nullopt;
  return s.interval ? *s.interval : std::chrono::milliseconds(std::chrono::minutes(10));
}

result<compiled_policy> compile(const spec& s) {
  // spec.policy is a union: Flux would silently take the first of several; the issue
  // this project follows asks for exactly one.
  std::vector<std::string> set;
  if (s.choice.semver_range) set.emplace_back("semver");
  if (s.choice.alphabetical_order) set.emplace_back("alphabetical");
  if (s.choice.numerical_order) set.emplace_back("numerical");
  if (set.size() > 1) {
    std::string names;
    for (std::size_t i = 0; i < set.size(); ++i) names += (i ? (i + 1 == set.size() ? " and " : ", ") : "") + set[i];
    return make_error(reason_invalid_policy,
                      "invalid policy: exactly one of semver, alphabetical or numerical must be given, got " + names);
  }
  auto sel = policy::make_selector(s.choice);
  if (!sel) return make_error(reason_invalid_policy, sel.error().message);
  std::optional<policy::tag_filter> filter;
  if (s.has_filter) {
    auto f = policy::tag_filter::compile(s.filter_pattern, s.filter_extract);
    if (!f) return make_error(reason_invalid_policy, f.error().message);
    filter = std::move(f).value();
  }
  return compiled_policy{std::move(sel).value(), std::move(filter)};
}

result<policy::selection> evaluate(const compiled_policy& p, const std::vector<std::string>& tags) {
  auto r = policy::select_latest(tags, p.filter ? &*p.filter : nullptr, p.selector);
  if (r) return r;
  const auto& e = r.error();
  // A numerical policy over a value that is not a number cannot succeed until the
  // spec changes: this project stalls it (Flux retries it as a plain failure).
  if (policy::is_invalid_policy(e) || e.code == "NonNumericTag") return make_error(reason_invalid_policy, e.message);
  return make_error(reason_failure, e.message);
}

std::string image_ref::str() const { return name + ":" + tag + (digest.empty() ? "" : "@" + digest); }

json::value image_ref::to_json() const {
  json::value v = json::value::make_object();
  v["name"] = name;
  v["tag"] = tag;
  if (!digest.empty()) v["digest"] = digest;
  return v;
}

std::optional<image_ref> image_ref::from_json(const json::value* v) {
  if (!v || !v->is_object()) return std::nullopt;
  image_ref r;
  if (const json::value* n = v->find("name")) r.name = n->as_string();
  if (const json::value* t = v->find("tag")) r.tag = t->as_string();
  if (const json::value* d = v->find("digest")) r.digest = d->as_string();
  return r;
}

bool needs_digest(reflection r, const std::optional<image_ref>& current, image_ref& candidate) {
  switch (r) {
    case reflection::never: return false;
    case reflection::always: return true;
    case reflection::if_not_present: {
      bool fetch = !current || current->name != candidate.name || current->tag != candidate.tag ||
                   current->digest.empty();
      if (!fetch) candidate.digest = current->digest;
      return fetch;
    }
  }
  return false;
}

refs update_refs(refs current, const image_ref& latest) {
  if (!current.latest || *current.latest != latest) {
    current.previous = current.latest;
    current.latest = latest;
  }
  return current;
}

std::string ready_message(const refs& r) {
  if (!r.latest) return {};
  const auto& l = *r.latest;
  std::string msg = "Latest image tag for " + l.name + " resolved to " + l.tag;
  if (!l.digest.empty()) msg += " with digest " + l.digest;
  if (r.previous && *r.previous != l) {
    msg += " (previously " + r.previous->name + ":" + r.previous->tag;
    if (!r.previous->digest.empty()) msg += "@" + r.previous->digest;
    msg += ")";
  }
  return msg;
}

}  // namespace fluxaws::actors::imagepolicy
