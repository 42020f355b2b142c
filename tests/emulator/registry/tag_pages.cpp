#include "tests/emulator/registry/tag_pages.hpp"

#include <algorithm>

#include "adapters/common/encoding.hpp"
#include "adapters/common/strings.hpp"

namespace emu::registry {
namespace {

// A fixed prefix inside the encoding makes the token self-identifying: anything a
// client invents (a bare tag, a truncated token) fails to decode to it.
constexpr std::string_view token_prefix = "fluxaws-emulator/page/v1:";

}  // namespace

std::string page_token(std::string_view last_item) {
  std::string plain(token_prefix);
  plain.append(last_item);
  return fluxaws::enc::base64url(plain);
}

std::optional<std::string> item_of_token(std::string_view token) {
  auto plain = fluxaws::enc::unbase64url(token);
  if (!plain || !fluxaws::str::starts_with(*plain, token_prefix)) return std::nullopt;
  return plain->substr(token_prefix.size());
}

fluxaws::result<page> page_of(const std::vector<std::string>& sorted, const std::optional<std::string>& n,
                              const std::optional<std::string>& last, std::size_t max_n) {
  page out;
  out.n = max_n;
  if (n) {
    const std::string& text = *n;
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return fluxaws::make_error("PAGINATION_NUMBER_INVALID", "invalid number of results requested", 400);
    out.n = static_cast<std::size_t>(std::stoul(text));
    if (out.n == 0)
      return fluxaws::make_error("UNSUPPORTED",
                                 "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                 "'Member must have value greater than or equal to 1'",
                                 405);
    if (out.n > max_n)
      return fluxaws::make_error("UNSUPPORTED",
                                 "Invalid parameter at 'maxResults' failed to satisfy constraint: "
                                 "'Member must have value less than or equal to " + std::to_string(max_n) + "'",
                                 405);
  }
  auto begin = sorted.begin();
  if (last) {
    auto item = item_of_token(*last);
    if (!item)
      return fluxaws::make_error("UNSUPPORTED",
                                 "Invalid parameter at 'NextToken' failed to satisfy constraint: "
                                 "'Invalid next token provided'",
                                 405);
    begin = std::upper_bound(sorted.begin(), sorted.end(), *item);
  }
  const std::size_t remaining = static_cast<std::size_t>(sorted.end() - begin);
  const std::size_t take = std::min(remaining, out.n);
  out.items.assign(begin, begin + static_cast<std::ptrdiff_t>(take));
  if (take < remaining) out.next_token = page_token(out.items.back());
  return out;
}

std::string next_link(std::string_view scheme, std::string_view host, std::string_view path,
                      std::string_view token, std::size_t n) {
  std::string out = "<";
  out.append(scheme).append("://").append(host).append(path);
  out.append("?last=").append(fluxaws::enc::uri_encode(token)).append("&n=").append(std::to_string(n));
  out.append(">; rel=\"next\"");
  return out;
}

}  // namespace emu::registry
