#include "tests/kube-standin/selectors.hpp"

#include <algorithm>

#include "adapters/common/strings.hpp"

namespace kstand {

using fluxaws::make_error;
using fluxaws::json::value;

namespace {

// Splits on commas that are not inside parentheses ("a in (x,y),b").
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

bool valid_key(std::string_view k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/';
  });
}

std::string label_of(const value& obj, const std::string& key, bool& present) {
  const value* labels = obj.at({"metadata", "labels"});
  const value* v = labels ? labels->find(key) : nullptr;
  present = v != nullptr;
  return v ? v->as_string() : std::string();
}

}  // namespace

fluxaws::result<label_selector> label_selector::parse(std::string_view text) {
  label_selector sel;
  if (fluxaws::str::trim(text).empty()) return sel;
  for (const auto& raw : split_terms(text)) {
    std::string term(fluxaws::str::trim(raw));
    requirement r;
    auto bad = [&] { return make_error("BadRequest", "unable to parse requirement: \"" + term + "\" in label selector"); };
    if (term.empty()) return bad();
    auto sp_in = term.find(" in ");
    auto sp_notin = term.find(" notin ");
    if (sp_notin != std::string::npos || sp_in != std::string::npos) {
      bool notin = sp_notin != std::string::npos;
      auto at = notin ? sp_notin : sp_in;
      r.key = std::string(fluxaws::str::trim(std::string_view(term).substr(0, at)));
      auto rest = fluxaws::str::trim(std::string_view(term).substr(at + (notin ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return bad();
      for (auto v : fluxaws::str::split(rest.substr(1, rest.size() - 2), ','))
        r.values.emplace_back(fluxaws::str::trim(v));
      r.o = notin ? requirement::op::notin : requirement::op::in;
    } else if (auto ne = term.find("!="); ne != std::string::npos) {
      r.key = std::string(fluxaws::str::trim(std::string_view(term).substr(0, ne)));
      r.values.emplace_back(fluxaws::str::trim(std::string_view(term).substr(ne + 2)));
      r.o = requirement::op::ne;
    } else if (auto eq = term.find('='); eq != std::string::npos) {
      std::size_t len = term.compare(eq, 2, "==") == 0 ? 2 : 1;
      r.key = std::string(fluxaws::str::trim(std::string_view(term).substr(0, eq)));
      r.values.emplace_back(fluxaws::str::trim(std::string_view(term).substr(eq + len)));
      r.o = requirement::op::eq;
    } else if (term[0] == '!') {
      r.key = std::string(fluxaws::str::trim(std::string_view(term).substr(1)));
      r.o = requirement::op::not_exists;
    } else {
      r.key = term;
      r.o = requirement::op::exists;
    }
    if (!valid_key(r.key)) return bad();
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

bool label_selector::matches(const value& object) const {
  for (const auto& r : reqs_) {
    bool present = false;
    std::string v = label_of(object, r.key, present);
    bool listed = std::find(r.values.begin(), r.values.end(), v) != r.values.end();
    switch (r.o) {
      case requirement::op::eq:
      case requirement::op::in:
        if (!present || !listed) return false;
        break;
      case requirement::op::ne:
      case requirement::op::notin:
        if (present && listed) return false;
        break;
      case requirement::op::exists:
        if (!present) return false;
        break;
      case requirement::op::not_exists:
        if (present) return false;
        break;
    }
  }
  return true;
}

fluxaws::result<field_selector> field_selector::parse(std::string_view text) {
  field_selector sel;
  if (fluxaws::str::trim(text).empty()) return sel;
  for (auto raw : fluxaws::str::split(text, ',')) {
    std::string term(fluxaws::str::trim(raw));
    requirement r;
    std::size_t at = term.find("!=");
    std::size_t len = 2;
    if (at != std::string::npos) {
      r.equal = false;
    } else {
      at = term.find("==");
      if (at == std::string::npos) {
        at = term.find('=');
        len = 1;
      }
    }
    if (at == std::string::npos || at == 0)
      return make_error("BadRequest", "invalid selector: '" + term + "'; can't understand '" + term + "'");
    r.joined = std::string(fluxaws::str::trim(std::string_view(term).substr(0, at)));
    r.value = std::string(fluxaws::str::trim(std::string_view(term).substr(at + len)));
    for (auto p : fluxaws::str::split(r.joined, '.')) r.path.emplace_back(p);
    sel.reqs_.push_back(std::move(r));
  }
  return sel;
}

bool field_selector::matches(const value& object) const {
  for (const auto& r : reqs_) {
    const value* cur = &object;
    for (const auto& p : r.path) {
      cur = cur ? cur->find(p) : nullptr;
    }
    std::string v;
    if (cur) {
      if (cur->is_string()) v = cur->as_string();
      else if (cur->is_bool()) v = cur->as_bool() ? "true" : "false";
      else if (cur->is_integer()) v = std::to_string(cur->as_int());
    }
    if ((v == r.value) != r.equal) return false;
  }
  return true;
}

std::optional<std::string> field_selector::required(std::string_view path) const {
  for (const auto& r : reqs_)
    if (r.equal && r.joined == path) return r.value;
  return std::nullopt;
}

}  // namespace kstand
