// Small string helpers used across adapters (ASCII only; HTTP and AWS names are ASCII).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fluxaws::str {

std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);  // spaces, tabs, CR, LF
std::vector<std::string_view> split(std::string_view s, char sep);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Replaces every occurrence of from (non-empty) with to.
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

}  // namespace fluxaws::str
