#include "tests/unit/sigv4/raw_request.hpp"

namespace fluxaws::testsupport {

namespace {

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view chomp_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::optional<raw_request> fail(std::string* error, std::string message) {
  if (error) *error = std::move(message);
  return std::nullopt;
}

}  // namespace

std::optional<raw_request> parse_raw_request(std::string_view text, std::string* error) {
  raw_request out;
  std::size_t pos = text.find('\n');
  std::string_view line = chomp_cr(text.substr(0, pos));
  pos = pos == std::string_view::npos ? text.size() : pos + 1;

  const std::size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos || first_space == 0)
    return fail(error, "request line has no method: '" + std::string(line) + "'");
  out.method = line.substr(0, first_space);
  std::string_view rest = line.substr(first_space + 1);
  const std::size_t last_space = rest.rfind(' ');
  if (last_space == std::string_view::npos || !iequals_ascii(rest.substr(last_space + 1, 5), "HTTP/"))
    return fail(error, "request line does not end in ' HTTP/<version>': '" + std::string(line) + "'");
  std::string_view target = rest.substr(0, last_space);
  if (target.empty()) return fail(error, "request line has an empty target");
  const std::size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string_view::npos) out.query = target.substr(q + 1);

  while (pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view hl = chomp_cr(text.substr(pos, end - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (hl.empty()) {
      out.body = text.substr(pos);
      return out;
    }
    if (hl.front() == ' ' || hl.front() == '\t') {
      if (out.headers.empty()) return fail(error, "continuation line before any header");
      out.headers.back().second.push_back('\n');
      out.headers.back().second.append(hl);
      continue;
    }
    const std::size_t colon = hl.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return fail(error, "header line without a name and ':': '" + std::string(hl) + "'");
    out.headers.emplace_back(std::string(hl.substr(0, colon)), std::string(hl.substr(colon + 1)));
  }
  return out;  // no blank line: no body
}

}  // namespace fluxaws::testsupport
