#include "tests/kube-standin/jsonpath.hpp"

#include <cctype>
#include <cstdlib>

namespace kstand::jsonpath {

using fluxaws::make_error;
using fluxaws::json::value;

struct step {
  enum class kind { field, index, wildcard, filter } k = kind::field;
  std::string name;                 // field
  long index = 0;                   // index (negative counts from the end)
  std::vector<std::string> lhs;     // filter: field names after "@"
  enum class op { exists, eq, ne } fop = op::exists;
  value literal;                    // filter: right-hand side
};

path::path() = default;
path::~path() = default;
path::path(path&&) noexcept = default;
path& path::operator=(path&&) noexcept = default;
path::path(const path&) = default;
path& path::operator=(const path&) = default;

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

struct parser {
  std::string_view s;
  std::size_t i = 0;
  std::string error;

  bool fail(const std::string& why) {
    if (error.empty()) error = why + " at position " + std::to_string(i) + " of \"" + std::string(s) + "\"";
    return false;
  }
  void skip_spaces() {
    while (i < s.size() && s[i] == ' ') ++i;
  }
  bool quoted(std::string& out) {
    char q = s[i++];
    while (i < s.size() && s[i] != q) out += s[i++];
    if (i >= s.size()) return fail("unterminated string");
    ++i;
    return true;
  }
  bool ident(std::string& out) {
    std::size_t start = i;
    while (i < s.size() && name_char(s[i])) ++i;
    if (i == start) return fail("expected a field name");
    out = std::string(s.substr(start, i - start));
    return true;
  }
  bool filter(step& st) {
    // after "[?(" : "@.a.b" [ op literal ] ")]"
    skip_spaces();
    if (i >= s.size() || s[i] != '@') return fail("expected '@' in a filter");
    ++i;
    while (i < s.size() && s[i] == '.') {
      ++i;
      std::string n;
      if (!ident(n)) return false;
      st.lhs.push_back(n);
    }
    skip_spaces();
    if (s.substr(i, 2) == "==" || s.substr(i, 2) == "!=") {
      st.fop = s[i] == '=' ? step::op::eq : step::op::ne;
      i += 2;
      skip_spaces();
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        std::string lit;
        if (!quoted(lit)) return false;
        st.literal = lit;
      } else {
        std::size_t start = i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '.')) ++i;
        if (start == i) {
          // true/false
          std::string word;
          if (!ident(word)) return false;
          if (word != "true" && word != "false") return fail("expected a literal");
          st.literal = word == "true";
        } else {
          std::string num(s.substr(start, i - start));
          if (num.find('.') != std::string::npos) st.literal = std::strtod(num.c_str(), nullptr);
          else st.literal = static_cast<int64_t>(std::strtoll(num.c_str(), nullptr, 10));
        }
      }
      skip_spaces();
    } else if (s.substr(i, 1) != ")") {
      return fail("unsupported filter operator");
    }
    if (s.substr(i, 2) != ")]") return fail("expected \")]\"");
    i += 2;
    st.k = step::kind::filter;
    return true;
  }
  bool bracket(std::vector<step>& out) {
    ++i;  // '['
    step st;
    if (i < s.size() && (s[i] == '\'' || s[i] == '"')) {
      if (!quoted(st.name)) return false;
      st.k = step::kind::field;
    } else if (i < s.size() && s[i] == '*') {
      ++i;
      st.k = step::kind::wildcard;
    } else if (s.substr(i, 2) == "?(") {
      i += 2;
      if (!filter(st)) return false;
      out.push_back(std::move(st));
      return true;
    } else {
      std::size_t start = i;
      if (i < s.size() && s[i] == '-') ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      if (i == start) return fail("expected an index, '*', a quoted name or a filter");
      st.k = step::kind::index;
      st.index = std::strtol(std::string(s.substr(start, i - start)).c_str(), nullptr, 10);
    }
    if (i >= s.size() || s[i] != ']') return fail("expected ']'");
    ++i;
    out.push_back(std::move(st));
    return true;
  }
};

bool filter_matches(const step& st, const value& v) {
  const value* cur = &v;
  for (const auto& n : st.lhs) {
    cur = cur->find(n);
    if (!cur) return false;  // a missing field matches no comparison
  }
  switch (st.fop) {
    case step::op::exists: return true;
    case step::op::eq: return *cur == st.literal || (cur->is_number() && st.literal.is_number() && cur->as_double() == st.literal.as_double());
    case step::op::ne: return !(*cur == st.literal);
  }
  return false;
}

}  // namespace

fluxaws::result<path> compile(std::string_view expr) {
  std::string_view e = expr;
  while (!e.empty() && e.front() == ' ') e.remove_prefix(1);
  while (!e.empty() && e.back() == ' ') e.remove_suffix(1);
  if (e.size() >= 2 && e.front() == '{' && e.back() == '}') e = e.substr(1, e.size() - 2);
  if (!e.empty() && e.front() == '$') e.remove_prefix(1);
  parser p{e, 0, {}};
  path out;
  while (p.i < e.size()) {
    char c = e[p.i];
    if (c == '.') {
      ++p.i;
      if (p.i < e.size() && e[p.i] == '*') {
        ++p.i;
        step st;
        st.k = step::kind::wildcard;
        out.steps_.push_back(st);
        continue;
      }
      if (p.i < e.size() && e[p.i] == '[') continue;  // ".[0]"
      step st;
      if (!p.ident(st.name)) return make_error("BadRequest", "JSONPath: " + p.error);
      out.steps_.push_back(std::move(st));
    } else if (c == '[') {
      if (!p.bracket(out.steps_)) return make_error("BadRequest", "JSONPath: " + p.error);
    } else {
      p.fail("unexpected character");
      return make_error("BadRequest", "JSONPath: " + p.error);
    }
  }
  return out;
}

std::vector<const value*> path::evaluate(const value& doc) const {
  std::vector<const value*> cur{&doc};
  for (const auto& st : steps_) {
    std::vector<const value*> next;
    for (const value* v : cur) {
      switch (st.k) {
        case step::kind::field:
          if (const value* f = v->find(st.name)) next.push_back(f);
          break;
        case step::kind::index:
          if (v->is_array()) {
            long n = static_cast<long>(v->as_array().size());
            long idx = st.index < 0 ? n + st.index : st.index;
            if (idx >= 0 && idx < n) next.push_back(&v->as_array()[static_cast<std::size_t>(idx)]);
          }
          break;
        case step::kind::wildcard:
          if (v->is_array())
            for (const auto& e : v->as_array()) next.push_back(&e);
          else if (v->is_object())
            for (const auto& m : v->as_object()) next.push_back(&m.second);
          break;
        case step::kind::filter:
          if (v->is_array()) {
            for (const auto& e : v->as_array())
              if (filter_matches(st, e)) next.push_back(&e);
          }
          break;
      }
    }
    cur = std::move(next);
  }
  return cur;
}

}  // namespace kstand::jsonpath
