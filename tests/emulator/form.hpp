// form.hpp — application/x-www-form-urlencoded bodies and URL query strings as maps.
//
// Contract: keys and values are percent-decoded ('+' is a space in forms and queries);
// a malformed escape keeps the raw text; a repeated key keeps its first value.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace emu {

using param_map = std::map<std::string, std::string, std::less<>>;

param_map parse_form(std::string_view text);

// The path and query parts of a request target.
struct target_parts {
  std::string_view path;
  std::string_view query;
};
target_parts split_target(std::string_view target);

const std::string* find_param(const param_map& m, std::string_view key);

}  // namespace emu
