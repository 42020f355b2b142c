#include "tests/kube-standin/patches.hpp"

#include <string>
#include <vector>

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

value merge_patch(const value& target, const value& patch) {
  if (!patch.is_object()) return patch;
  value out = target.is_object() ? target : value::make_object();
  for (const auto& [k, v] : patch.as_object()) {
    if (v.is_null()) {
      out.erase(k);
    } else {
      const value* cur = out.find(k);
      out.set(k, merge_patch(cur ? *cur : value(), v));
    }
  }
  return out;
}

value strategic_merge_patch(const value& target, const value& patch) {
  if (!patch.is_object()) return patch;
  if (const value* d = patch.find("$patch")) {
    if (d->as_string() == "delete") return value();
    if (d->as_string() == "replace") {
      value copy = value::make_object();
      for (const auto& [k, v] : patch.as_object())
        if (k.empty() || k[0] != '$') copy.set(k, v);
      return copy;
    }
  }
  value out = target.is_object() ? target : value::make_object();
  for (const auto& [k, v] : patch.as_object()) {
    if (!k.empty() && k[0] == '$') continue;  // directives with no meaning without merge keys
    if (v.is_null()) {
      out.erase(k);
      continue;
    }
    const value* cur = out.find(k);
    value merged = strategic_merge_patch(cur ? *cur : value(), v);
    if (v.is_object() && merged.is_null())
      out.erase(k);  // "$patch: delete" on a nested map
    else
      out.set(k, std::move(merged));
  }
  return out;
}

namespace {

// RFC 6901: "" is the whole document; otherwise "/a/b~1c/0".
fluxaws::result<std::vector<std::string>> split_pointer(const std::string& p) {
  std::vector<std::string> parts;
  if (p.empty()) return parts;
  if (p[0] != '/') return make_error("BadRequest", "JSON pointer \"" + p + "\" does not start with '/'");
  std::string cur;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      parts.push_back(cur);
      cur.clear();
    } else if (p[i] == '~') {
      if (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1'))
        return make_error("BadRequest", "JSON pointer \"" + p + "\" has a bad '~' escape");
      cur += p[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      cur += p[i];
    }
  }
  return parts;
}

bool parse_index(const std::string& s, std::size_t& out) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  out = std::stoul(s);
  return true;
}

// The parent container of the pointer's last token, or an error.
fluxaws::result<value*> parent_of(value& doc, const std::vector<std::string>& parts, const std::string& ptr) {
  value* cur = &doc;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (cur->is_object()) {
      cur = cur->find(parts[i]);
    } else if (cur->is_array()) {
      std::size_t idx = 0;
      if (!parse_index(parts[i], idx) || idx >= cur->as_array().size()) cur = nullptr;
      else cur = &cur->as_array()[idx];
    } else {
      cur = nullptr;
    }
    if (!cur) return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
  }
  return cur;
}

fluxaws::result<value> get_at(const value& doc, const std::string& ptr) {
  auto parts = split_pointer(ptr);
  if (!parts) return parts.error();
  const value* cur = &doc;
  for (const auto& p : *parts) {
    if (cur->is_object()) {
      cur = cur->find(p);
    } else if (cur->is_array()) {
      std::size_t idx = 0;
      cur = parse_index(p, idx) && idx < cur->as_array().size() ? &cur->as_array()[idx] : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur) return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
  }
  return *cur;
}

fluxaws::status remove_at(value& doc, const std::string& ptr) {
  auto parts = split_pointer(ptr);
  if (!parts) return parts.error();
  if (parts->empty()) return make_error("BadRequest", "cannot remove the whole document");
  auto parent = parent_of(doc, *parts, ptr);
  if (!parent) return parent.error();
  value& c = **parent;
  const std::string& last = parts->back();
  if (c.is_object()) {
    if (!c.erase(last)) return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
    return {};
  }
  if (c.is_array()) {
    std::size_t idx = 0;
    if (!parse_index(last, idx) || idx >= c.as_array().size())
      return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
    c.as_array().erase(c.as_array().begin() + static_cast<std::ptrdiff_t>(idx));
    return {};
  }
  return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
}

fluxaws::status add_at(value& doc, const std::string& ptr, value v, bool replace) {
  auto parts = split_pointer(ptr);
  if (!parts) return parts.error();
  if (parts->empty()) {
    doc = std::move(v);
    return {};
  }
  auto parent = parent_of(doc, *parts, ptr);
  if (!parent) return parent.error();
  value& c = **parent;
  const std::string& last = parts->back();
  if (c.is_object()) {
    if (replace && !c.find(last)) return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
    c.set(last, std::move(v));
    return {};
  }
  if (c.is_array()) {
    auto& arr = c.as_array();
    if (last == "-" && !replace) {
      arr.push_back(std::move(v));
      return {};
    }
    std::size_t idx = 0;
    if (!parse_index(last, idx) || idx > arr.size() || (replace && idx == arr.size()))
      return make_error("BadRequest", "path \"" + ptr + "\" is not a valid index");
    if (replace) arr[idx] = std::move(v);
    else arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(idx), std::move(v));
    return {};
  }
  return make_error("BadRequest", "path \"" + ptr + "\" does not exist");
}

}  // namespace

fluxaws::result<value> json_patch(const value& target, const value& operations) {
  if (!operations.is_array()) return make_error("BadRequest", "a JSON patch must be an array of operations");
  value doc = target;
  std::size_t n = 0;
  for (const auto& op : operations.as_array()) {
    const std::string where = "operation " + std::to_string(n++);
    if (!op.is_object()) return make_error("BadRequest", where + " is not an object");
    const std::string name = op.find("op") ? op.find("op")->as_string() : "";
    const value* path_v = op.find("path");
    if (!path_v || !path_v->is_string()) return make_error("BadRequest", where + " (" + name + ") has no path");
    const std::string path = path_v->as_string();
    const value* val = op.find("value");
    fluxaws::status st;
    if (name == "add" || name == "replace") {
      if (!val) return make_error("BadRequest", where + " (" + name + ") has no value");
      st = add_at(doc, path, *val, name == "replace");
    } else if (name == "remove") {
      st = remove_at(doc, path);
    } else if (name == "move" || name == "copy") {
      const value* from_v = op.find("from");
      if (!from_v || !from_v->is_string()) return make_error("BadRequest", where + " (" + name + ") has no from");
      auto moved = get_at(doc, from_v->as_string());
      if (!moved) return make_error("BadRequest", where + " (" + name + "): " + moved.error().message);
      if (name == "move") st = remove_at(doc, from_v->as_string());
      if (st) st = add_at(doc, path, std::move(moved.value()), false);
    } else if (name == "test") {
      auto cur = get_at(doc, path);
      if (!cur || !val || !(*cur == *val))
        return make_error("UnprocessableEntity", where + " (test) failed at \"" + path + "\"");
    } else {
      return make_error("BadRequest", where + " has an unknown op \"" + name + "\"");
    }
    if (!st) return make_error("BadRequest", where + " (" + name + "): " + st.error().message);
  }
  return doc;
}

}  // namespace kstand
