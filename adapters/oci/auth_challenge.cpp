#include "adapters/oci/auth_challenge.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::oci {

namespace {

// RFC 7230 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_token68_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

class scanner {
 public:
  explicit scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  std::size_t pos() const { return i_; }
  void seek(std::size_t p) { i_ = p; }
  void skip_spaces() {
    while (!done() && is_space(s_[i_])) ++i_;
  }
  void skip_spaces_and_commas() {
    while (!done() && (is_space(s_[i_]) || s_[i_] == ',')) ++i_;
  }
  std::string_view token() {
    auto start = i_;
    while (!done() && is_tchar(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  std::string_view token68() {
    auto start = i_;
    while (!done() && is_token68_char(s_[i_])) ++i_;
    if (i_ == start) return {};
    while (!done() && s_[i_] == '=') ++i_;
    return s_.substr(start, i_ - start);
  }
  // At an opening quote: the unescaped content; runs to the end when unterminated.
  std::string quoted() {
    std::string out;
    ++i_;
    while (!done()) {
      char c = s_[i_++];
      if (c == '"') return out;
      if (c == '\\' && !done()) c = s_[i_++];
      out += c;
    }
    return out;
  }
  // Skips one malformed character run up to the next comma.
  void skip_to_comma() {
    while (!done() && s_[i_] != ',') {
      if (s_[i_] == '"') {
        quoted();
        continue;
      }
      ++i_;
    }
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

std::string auth_challenge::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (str::iequals(k, name)) return v;
  return {};
}

bool auth_challenge::has_param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (str::iequals(k, name)) return true;
  return false;
}

std::vector<auth_challenge> parse_www_authenticate(std::string_view value) {
  std::vector<auth_challenge> out;
  scanner sc(value);
  while (true) {
    sc.skip_spaces_and_commas();
    if (sc.done()) break;
    auto scheme = sc.token();
    if (scheme.empty()) {
      sc.skip_to_comma();
      continue;
    }
    auth_challenge ch;
    ch.scheme = str::to_lower(scheme);
    sc.skip_spaces();
    // token68 ("Scheme abc123=="): a lone blob right after the scheme, followed by the
    // end or a comma. "Scheme name=value" is not one: the value follows the '='.
    {
      auto mark = sc.pos();
      auto t68 = sc.token68();
      sc.skip_spaces();
      if (!t68.empty() && (sc.done() || sc.peek() == ',')) {
        ch.token68 = std::string(t68);
        out.push_back(std::move(ch));
        continue;
      }
      sc.seek(mark);
    }
    // auth-params until something that is not "name = value".
    while (true) {
      auto mark = sc.pos();
      sc.skip_spaces_and_commas();
      if (sc.done()) break;
      auto name = sc.token();
      sc.skip_spaces();
      if (name.empty() || sc.peek() != '=') {
        // Not a parameter: the next challenge starts here (or garbage to skip).
        if (name.empty()) {
          sc.skip_to_comma();
          continue;
        }
        sc.seek(mark);
        break;
      }
      sc.seek(sc.pos() + 1);  // '='
      sc.skip_spaces();
      std::string val;
      if (sc.peek() == '"') {
        val = sc.quoted();
      } else {
        val = std::string(sc.token());
      }
      ch.params.emplace_back(str::to_lower(name), std::move(val));
      sc.skip_spaces();
      if (!sc.done() && sc.peek() != ',') sc.skip_to_comma();  // junk after a value
    }
    out.push_back(std::move(ch));
  }
  return out;
}

std::vector<auth_challenge> challenges_from(const http::header_list& headers) {
  std::vector<auth_challenge> out;
  for (const auto& [name, value] : headers) {
    if (!str::iequals(name, "www-authenticate")) continue;
    auto part = parse_www_authenticate(value);
    for (auto& c : part) out.push_back(std::move(c));
  }
  return out;
}

std::optional<auth_challenge> select_challenge(const std::vector<auth_challenge>& all) {
  for (const auto& c : all)
    if (c.scheme == "bearer" && !c.param("realm").empty()) return c;
  for (const auto& c : all)
    if (c.scheme == "basic") return c;
  return std::nullopt;
}

}  // namespace fluxaws::oci
