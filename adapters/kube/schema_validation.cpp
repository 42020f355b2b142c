#include "adapters/kube/schema_validation.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace fluxaws::kube {

namespace {

// Patterns repeat across objects of a kind; compile each once.
const RE2* compiled(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    RE2::Options opts;
    opts.set_log_errors(false);
    it = cache.emplace(pattern, std::make_unique<RE2>(pattern, opts)).first;
  }
  return it->second->ok() ? it->second.get() : nullptr;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string type_name(const json::value& v) {
  switch (v.type()) {
    case json::value::kind::null: return "null";
    case json::value::kind::boolean: return "boolean";
    case json::value::kind::integer: return "integer";
    case json::value::kind::number: return "number";
    case json::value::kind::string: return "string";
    case json::value::kind::array: return "array";
    case json::value::kind::object: return "object";
  }
  return "unknown";
}

bool matches_type(const std::string& type, const json::value& v, bool int_or_string) {
  if (int_or_string) return v.is_integer() || v.is_string();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_integer() || (v.is_number() && v.as_double() == static_cast<double>(v.as_int()));
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  return true;
}

void check(const json::value& schema, const json::value& v, const std::string& path,
           std::vector<schema_issue>& out) {
  bool nullable = schema.find("nullable") && schema.find("nullable")->as_bool();
  if (v.is_null()) {
    if (!nullable && schema.find("type")) out.push_back({path, "must not be null"});
    return;
  }
  bool int_or_string = schema.find("x-kubernetes-int-or-string") && schema.find("x-kubernetes-int-or-string")->as_bool();
  const std::string type = schema.find("type") ? schema.find("type")->as_string() : "";
  if (!type.empty() || int_or_string) {
    if (!matches_type(type, v, int_or_string)) {
      out.push_back({path, "must be of type " + (int_or_string ? std::string("integer or string") : type) +
                               ", got " + type_name(v)});
      return;
    }
  }
  if (const auto* e = schema.find("enum")) {
    const auto& options = e->as_array();
    if (std::find(options.begin(), options.end(), v) == options.end()) {
      std::string allowed;
      for (const auto& o : options) allowed += (allowed.empty() ? "" : ", ") + json::dump(o);
      out.push_back({path, "Unsupported value " + json::dump(v) + ": supported values: " + allowed});
    }
  }
  if (v.is_string()) {
    const auto& s = v.as_string();
    if (const auto* p = schema.find("pattern")) {
      const RE2* re = compiled(p->as_string());
      if (re && !RE2::PartialMatch(s, *re)) out.push_back({path, "should match '" + p->as_string() + "'"});
    }
    if (const auto* m = schema.find("maxLength"); m && static_cast<int64_t>(s.size()) > m->as_int())
      out.push_back({path, "may not be longer than " + std::to_string(m->as_int())});
    if (const auto* m = schema.find("minLength"); m && static_cast<int64_t>(s.size()) < m->as_int())
      out.push_back({path, "should be at least " + std::to_string(m->as_int()) + " chars long"});
  }
  if (v.is_number()) {
    if (const auto* m = schema.find("maximum"); m && v.as_double() > m->as_double())
      out.push_back({path, "should be less than or equal to " + json::dump(*m)});
    if (const auto* m = schema.find("minimum"); m && v.as_double() < m->as_double())
      out.push_back({path, "should be greater than or equal to " + json::dump(*m)});
  }
  if (v.is_array()) {
    const auto& a = v.as_array();
    if (const auto* m = schema.find("maxItems"); m && static_cast<int64_t>(a.size()) > m->as_int())
      out.push_back({path, "must have at most " + std::to_string(m->as_int()) + " items"});
    if (const auto* m = schema.find("minItems"); m && static_cast<int64_t>(a.size()) < m->as_int())
      out.push_back({path, "should have at least " + std::to_string(m->as_int()) + " items"});
    if (const auto* items = schema.find("items"))
      for (std::size_t i = 0; i < a.size(); ++i) check(*items, a[i], path + "[" + std::to_string(i) + "]", out);
  }
  if (v.is_object()) {
    const auto* props = schema.find("properties");
    const auto* additional = schema.find("additionalProperties");
    bool preserve = schema.find("x-kubernetes-preserve-unknown-fields") &&
                    schema.find("x-kubernetes-preserve-unknown-fields")->as_bool();
    for (const auto& [key, child] : v.as_object()) {
      const json::value* child_schema = props ? props->find(key) : nullptr;
      if (child_schema) {
        check(*child_schema, child, child_path(path, key), out);
      } else if (additional && additional->is_object()) {
        check(*additional, child, child_path(path, key), out);
      } else if (props && !preserve && !(additional && additional->as_bool())) {
        out.push_back({child_path(path, key), "unknown field \"" + key + "\""});
      }
    }
    if (const auto* req = schema.find("required")) {
      for (const auto& r : req->as_array())
        if (!v.find(r.as_string())) out.push_back({child_path(path, r.as_string()), "Required value"});
    }
  }
}

void defaults(const json::value& schema, json::value& v) {
  if (!v.is_object()) {
    if (v.is_array())
      if (const auto* items = schema.find("items"))
        for (auto& e : v.as_array()) defaults(*items, e);
    return;
  }
  const auto* props = schema.find("properties");
  if (!props) return;
  for (const auto& [key, child_schema] : props->as_object()) {
    json::value* child = v.find(key);
    if (!child) {
      if (const auto* d = child_schema.find("default")) v[key] = *d;
      child = v.find(key);
    }
    if (child) defaults(child_schema, *child);
  }
}

}  // namespace

std::vector<schema_issue> validate(const json::value& schema, const json::value& obj) {
  std::vector<schema_issue> out;
  if (!obj.is_object()) {
    out.push_back({"", "object must be a mapping"});
    return out;
  }
  const auto* props = schema.find("properties");
  for (const auto& [key, child] : obj.as_object()) {
    if (key == "status") continue;
    const json::value* child_schema = props ? props->find(key) : nullptr;
    if (!child_schema) {
      out.push_back({key, "unknown field \"" + key + "\""});
      continue;
    }
    check(*child_schema, child, key, out);
  }
  if (const auto* req = schema.find("required"))
    for (const auto& r : req->as_array())
      if (!obj.find(r.as_string())) out.push_back({r.as_string(), "Required value"});
  return out;
}

void apply_defaults(const json::value& schema, json::value& obj) {
  const auto* props = schema.find("properties");
  if (!props || !obj.is_object()) return;
  for (const auto& [key, child_schema] : props->as_object()) {
    if (key == "status") continue;
    if (json::value* child = obj.find(key)) defaults(child_schema, *child);
  }
}

}  // namespace fluxaws::kube
