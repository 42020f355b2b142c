// HTTP Link headers (RFC 8288) and the tags pagination rule of the distribution
// spec: the next page is the target of the link whose rel includes "next".
//
// Contract:
//  - parse_link_header() returns every link-value of one header value; commas and
//    semicolons inside <...> or quoted strings do not split; parameter names are
//    lower-cased; malformed link-values are skipped.
//  - next_page_url() looks at every Link header (name case-insensitive). No link with
//    rel "next" (rel missing, or other relations only) means there is no next page.
//    The target is resolved against the current page's URL exactly as given (relative
//    or absolute). A next page on another scheme, host or port is refused with
//    PaginationRefused naming both places, as is a target that does not parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/http/types.hpp"

namespace fluxaws::oci {

struct link_value {
  std::string target;  // the URI reference between < and >
  std::vector<std::pair<std::string, std::string>> params;  // names lower case
  // True when the rel parameter lists relation (case-insensitive, space-separated).
  bool has_rel(std::string_view relation) const;
};

std::vector<link_value> parse_link_header(std::string_view value);

// The absolute URL of the next page, nullopt at the last page.
result<std::optional<std::string>> next_page_url(const http::header_list& headers, std::string_view current_url);

}  // namespace fluxaws::oci
