#include "tests/kube-standin/table_view.hpp"

#include "adapters/common/time.hpp"

namespace kstand {

using fluxaws::json::value;

std::string human_duration(std::chrono::seconds d) {
  long long s = d.count();
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return std::to_string(s) + "s";
  long long m = s / 60;
  if (m < 10) {
    long long rem = s % 60;
    return rem == 0 ? std::to_string(m) + "m" : std::to_string(m) + "m" + std::to_string(rem) + "s";
  }
  if (m < 180) return std::to_string(m) + "m";
  long long h = s / 3600;
  if (h < 8) {
    long long rem = (s % 3600) / 60;
    return rem == 0 ? std::to_string(h) + "h" : std::to_string(h) + "h" + std::to_string(rem) + "m";
  }
  if (h < 48) return std::to_string(h) + "h";
  if (h < 192) {
    long long rem = h % 24;
    return rem == 0 ? std::to_string(h / 24) + "d" : std::to_string(h / 24) + "d" + std::to_string(rem) + "h";
  }
  if (h < 24 * 365 * 2) return std::to_string(h / 24) + "d";
  if (h < 24 * 365 * 8) {
    long long days = (h / 24) % 365;
    return days == 0 ? std::to_string(h / 24 / 365) + "y" : std::to_string(h / 24 / 365) + "y" + std::to_string(days) + "d";
  }
  return std::to_string(h / 24 / 365) + "y";
}

value as_version(const value& obj, const resource_type& type, std::string_view version) {
  std::string want = type.api_version(version);
  const value* have = obj.find("apiVersion");
  if (have && have->as_string() == want) return obj;
  value copy = obj;
  copy.set("apiVersion", want);
  if (!copy.find("kind")) copy.set("kind", type.kind);
  return copy;
}

namespace {

struct column {
  std::string name, type, format, description;
  int priority = 0;
  const jsonpath::path* path = nullptr;  // nullptr: Name or Age
  bool is_name = false, is_age = false;
};

value column_definition(const column& c) {
  value d = value::make_object();
  d.set("name", c.name);
  d.set("type", c.type);
  d.set("format", c.format);
  d.set("description", c.description);
  d.set("priority", c.priority);
  return d;
}

std::string age_of(const value& obj, std::chrono::system_clock::time_point now) {
  const value* ts = obj.at({"metadata", "creationTimestamp"});
  auto t = ts ? fluxaws::timefmt::parse_rfc3339(ts->as_string()) : std::nullopt;
  if (!t) return "<unknown>";
  return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
}

value cell_for(const column& c, const value& obj, std::chrono::system_clock::time_point now) {
  if (c.is_name) return obj.at({"metadata", "name"}) ? *obj.at({"metadata", "name"}) : value("");
  if (c.is_age) return age_of(obj, now);
  auto found = c.path->evaluate(obj);
  if (found.empty()) return value();
  const value& v = *found.front();
  if (c.type == "date") {
    auto t = fluxaws::timefmt::parse_rfc3339(v.as_string());
    if (!t) return v;
    return human_duration(std::chrono::duration_cast<std::chrono::seconds>(now - *t));
  }
  if (c.type == "integer" || c.type == "number" || c.type == "boolean") return v;
  if (v.is_string()) return v;
  if (v.is_object() || v.is_array()) return fluxaws::json::dump(v);
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_integer()) return std::to_string(v.as_int());
  if (v.is_number()) return fluxaws::json::dump(v);
  return value();
}

// Columns for built-in resources (kept beside the table code: only printing uses them).
const std::vector<std::pair<std::string, jsonpath::path>>& builtin_columns(const resource_type& t) {
  static const auto compile = [](std::vector<std::pair<std::string, std::string>> spec) {
    std::vector<std::pair<std::string, jsonpath::path>> out;
    for (auto& [n, p] : spec) out.emplace_back(n, std::move(jsonpath::compile(p).value()));
    return out;
  };
  static const std::vector<std::pair<std::string, jsonpath::path>> none;
  static const auto ns = compile({{"Status", ".status.phase"}});
  static const auto secret = compile({{"Type", ".type"}});
  static const auto lease = compile({{"Holder", ".spec.holderIdentity"}});
  static const auto event = compile({{"Type", ".type"}, {"Reason", ".reason"}, {"Message", ".message"}});
  if (t.plural == "namespaces") return ns;
  if (t.plural == "secrets") return secret;
  if (t.plural == "leases") return lease;
  if (t.plural == "events") return event;
  return none;
}

value partial_metadata(const value& obj) {
  value p = value::make_object();
  p.set("kind", "PartialObjectMetadata");
  p.set("apiVersion", "meta.k8s.io/v1");
  p.set("metadata", obj.find("metadata") ? *obj.find("metadata") : value::make_object());
  return p;
}

}  // namespace

value to_table(const resource_type& type, std::string_view version, const std::vector<object_ptr>& objects,
               std::string_view include_object, std::string_view list_rv, std::string_view continue_token,
               std::chrono::system_clock::time_point now) {
  std::vector<column> cols;
  column name;
  name.name = "Name";
  name.type = "string";
  name.format = "name";
  name.description = "Name must be unique within a namespace.";
  name.is_name = true;
  cols.push_back(name);
  column age;
  age.name = "Age";
  age.type = "date";
  age.description = "CreationTimestamp is a timestamp representing the server time when this object was created.";
  age.is_age = true;
  const served_version* sv = type.version(version);
  if (type.custom) {
    if (sv && !sv->columns.empty()) {
      for (const auto& pc : sv->columns) {
        column c;
        c.name = pc.name;
        c.type = pc.type;
        c.format = pc.format;
        c.description = pc.description;
        c.priority = pc.priority;
        c.path = &pc.compiled;
        cols.push_back(c);
      }
    } else {
      cols.push_back(age);
    }
  } else {
    for (const auto& [n, p] : builtin_columns(type)) {
      column c;
      c.name = n;
      c.type = "string";
      c.path = &p;
      cols.push_back(c);
    }
    cols.push_back(age);
  }
  value t = value::make_object();
  t.set("kind", "Table");
  t.set("apiVersion", "meta.k8s.io/v1");
  value meta = value::make_object();
  meta.set("resourceVersion", std::string(list_rv));
  if (!continue_token.empty()) meta.set("continue", std::string(continue_token));
  t.set("metadata", std::move(meta));
  value defs = value::make_array();
  for (const auto& c : cols) defs.push_back(column_definition(c));
  t.set("columnDefinitions", std::move(defs));
  value rows = value::make_array();
  for (const auto& o : objects) {
    value row = value::make_object();
    value cells = value::make_array();
    for (const auto& c : cols) cells.push_back(cell_for(c, *o, now));
    row.set("cells", std::move(cells));
    if (include_object == "Object") row.set("object", as_version(*o, type, version));
    else if (include_object != "None") row.set("object", partial_metadata(*o));
    rows.push_back(std::move(row));
  }
  t.set("rows", std::move(rows));
  return t;
}

}  // namespace kstand
