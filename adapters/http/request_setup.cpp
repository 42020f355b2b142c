#include "adapters/http/request_setup.hpp"

#include <curl/curl.h>

#include <array>
#include <memory>
#include <optional>

#include "adapters/common/strings.hpp"

namespace fluxaws::http {

bool is_supported_method(std::string_view method) {
  static constexpr std::array<std::string_view, 6> methods = {"GET",  "HEAD",  "POST",
                                                              "PUT",  "PATCH", "DELETE"};
  for (auto m : methods)
    if (m == method) return true;
  return false;
}

bool method_allows_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

bool is_http_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!ok) {
      switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
        case '-': case '.': case '^': case '_': case '`': case '|': case '~':
          ok = true;
          break;
        default:
          break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

namespace {

bool has_line_break(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool has_header(const header_list& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (str::iequals(k, name)) return true;
  return false;
}

}  // namespace

result<std::vector<std::string>> curl_header_lines(const header_list& headers) {
  std::vector<std::string> lines;
  lines.reserve(headers.size() + 3);
  for (const auto& [name, value] : headers) {
    if (!is_http_token(name))
      return make_error("invalid_request", "header name \"" + name + "\" is not an HTTP token");
    if (has_line_break(value))
      return make_error("invalid_request",
                        "header \"" + name + "\" has a line break or NUL in its value");
    if (value.empty()) {
      lines.push_back(name + ";");
    } else {
      std::string line;
      line.reserve(name.size() + 2 + value.size());
      line += name;
      line += ": ";
      line += value;
      lines.push_back(std::move(line));
    }
  }
  // "Name:" with nothing after the colon tells curl to drop its own header of that name.
  for (std::string_view dflt : {"Accept", "Expect", "Content-Type"})
    if (!has_header(headers, dflt)) lines.push_back(std::string(dflt) + ":");
  return lines;
}

std::string origin_key(const std::string& url) {
  struct url_free {
    void operator()(CURLU* u) const { curl_url_cleanup(u); }
  };
  std::unique_ptr<CURLU, url_free> u(curl_url());
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return {};
  auto part = [&](CURLUPart which, unsigned flags) -> std::optional<std::string> {
    char* text = nullptr;
    if (curl_url_get(u.get(), which, &text, flags) != CURLUE_OK) return std::nullopt;
    std::string out(text);
    curl_free(text);
    return out;
  };
  auto scheme = part(CURLUPART_SCHEME, 0);
  auto host = part(CURLUPART_HOST, 0);
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  if (!scheme || !host || !port) return {};
  return str::to_lower(*scheme) + "://" + str::to_lower(*host) + ":" + *port;
}

}  // namespace fluxaws::http
