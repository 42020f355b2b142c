#include "adapters/http/response_headers.hpp"

#include "adapters/common/strings.hpp"

namespace fluxaws::http {

void header_collector::add_line(std::string_view line) {
  if (str::starts_with(line, "HTTP/")) {
    headers_.clear();
    return;
  }
  if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
    auto more = str::trim(line);
    if (!headers_.empty() && !more.empty()) {
      auto& value = headers_.back().second;
      if (!value.empty()) value += ' ';
      value += more;
    }
    return;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;  // blank end line, junk
  auto name = str::trim(line.substr(0, colon));
  if (name.empty()) return;
  headers_.emplace_back(str::to_lower(name), std::string(str::trim(line.substr(colon + 1))));
}

}  // namespace fluxaws::http
