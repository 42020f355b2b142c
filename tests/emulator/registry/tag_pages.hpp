// tag_pages.hpp — ECR-style pagination of /v2/<name>/tags/list (and _catalog).
//
// docker-registry 2.8 answers the whole list; ECR pages it: at most 1000 items a page,
// items in lexical (byte) order, an opaque `last` token, and an absolute `Link` to the
// next page. Pure functions, no I/O.
//
// Contract for page_of():
//   - `sorted` must be sorted and free of duplicates;
//   - n: absent -> max_n; not a decimal number -> 400 PAGINATION_NUMBER_INVALID;
//     0 or above max_n -> 405 UNSUPPORTED with ECR's maxResults message;
//   - last: absent -> from the start; a token this module did not make (for example a
//     bare tag, which distribution accepts but ECR does not) -> 405 UNSUPPORTED with
//     ECR's NextToken message; otherwise the items strictly after the token's item;
//   - next_token is set only when items remain after the page.
// Errors are error_info{code, message, status}.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"

namespace emu::registry {

struct page {
  std::vector<std::string> items;
  std::optional<std::string> next_token;
  std::size_t n = 0;  // the page size in force, repeated in the Link
};

fluxaws::result<page> page_of(const std::vector<std::string>& sorted, const std::optional<std::string>& n,
                              const std::optional<std::string>& last, std::size_t max_n = 1000);

std::string page_token(std::string_view last_item);
std::optional<std::string> item_of_token(std::string_view token);

// <scheme://host/path?last=<token>&n=<n>>; rel="next"
std::string next_link(std::string_view scheme, std::string_view host, std::string_view path,
                      std::string_view token, std::size_t n);

}  // namespace emu::registry
