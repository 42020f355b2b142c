#include "adapters/oci/link_header.hpp"

#include "adapters/common/strings.hpp"
#include "adapters/oci/content_digest.hpp"
#include "adapters/oci/error_codes.hpp"
#include "adapters/oci/registry_url.hpp"

namespace fluxaws::oci {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

error_info refused(std::string_view why) {
  return make_error(std::string(errc::pagination_refused), "tags pagination refused: " + std::string(why));
}

}  // namespace

bool link_value::has_rel(std::string_view relation) const {
  for (const auto& [k, v] : params) {
    if (k != "rel") continue;
    for (auto r : str::split(v, ' '))
      if (str::iequals(str::trim(r), relation)) return true;
  }
  return false;
}

std::vector<link_value> parse_link_header(std::string_view value) {
  std::vector<link_value> out;
  std::size_t i = 0, n = value.size();
  auto skip_spaces = [&] {
    while (i < n && is_space(value[i])) ++i;
  };
  auto skip_to_comma = [&] {
    // Up to the next top-level comma (commas in quotes and <...> do not count).
    while (i < n && value[i] != ',') {
      if (value[i] == '"') {
        ++i;
        while (i < n && value[i] != '"') i += value[i] == '\\' ? 2 : 1;
      } else if (value[i] == '<') {
        while (i < n && value[i] != '>') ++i;
      }
      if (i < n) ++i;
    }
  };
  while (i < n) {
    skip_spaces();
    if (i < n && value[i] == ',') {
      ++i;
      continue;
    }
    if (i >= n) break;
    if (value[i] != '<') {
      skip_to_comma();
      continue;
    }
    auto close = value.find('>', i);
    if (close == std::string_view::npos) break;
    link_value link;
    link.target = std::string(str::trim(value.substr(i + 1, close - i - 1)));
    i = close + 1;
    // ; name[=value] pairs until a comma.
    while (true) {
      skip_spaces();
      if (i >= n || value[i] == ',') break;
      if (value[i] != ';') {
        skip_to_comma();
        break;
      }
      ++i;
      skip_spaces();
      auto start = i;
      while (i < n && value[i] != '=' && value[i] != ';' && value[i] != ',' && !is_space(value[i])) ++i;
      std::string name = str::to_lower(value.substr(start, i - start));
      skip_spaces();
      std::string val;
      if (i < n && value[i] == '=') {
        ++i;
        skip_spaces();
        if (i < n && value[i] == '"') {
          ++i;
          while (i < n && value[i] != '"') {
            if (value[i] == '\\' && i + 1 < n) ++i;
            val += value[i++];
          }
          if (i < n) ++i;
        } else {
          auto vs = i;
          while (i < n && value[i] != ';' && value[i] != ',' && !is_space(value[i])) ++i;
          val = std::string(value.substr(vs, i - vs));
        }
      }
      if (!name.empty()) link.params.emplace_back(std::move(name), std::move(val));
    }
    if (i < n && value[i] == ',') ++i;
    out.push_back(std::move(link));
  }
  return out;
}

result<std::optional<std::string>> next_page_url(const http::header_list& headers, std::string_view current_url) {
  std::optional<std::string> target;
  for (const auto& [name, value] : headers) {
    if (!str::iequals(name, "link")) continue;
    for (auto& link : parse_link_header(value)) {
      if (!link.has_rel("next")) continue;
      target = link.target;
      break;
    }
    if (target) break;
  }
  if (!target) return std::optional<std::string>();
  auto base = parse_http_url(current_url);
  if (!base) return refused("the current page URL does not parse: " + base.error().message);
  if (target->empty()) return refused("the next link is empty");
  auto next = resolve_url(*base, *target);
  if (!next) return refused("the next link \"" + printable(*target, 200) + "\" does not parse");
  if (next->scheme != base->scheme)
    return refused("the next link \"" + printable(*target, 200) + "\" switches from " + base->scheme + " to " +
                   next->scheme);
  if (!same_origin(*base, *next))
    return refused("the next link \"" + printable(*target, 200) + "\" leaves " + base->authority() + " for " +
                   next->authority());
  return std::optional<std::string>(next->str());
}

}  // namespace fluxaws::oci
