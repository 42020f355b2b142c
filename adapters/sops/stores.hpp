// Reading and writing each SOPS store format as the document model (tree.hpp),
// with SOPS' own rules per format:
//   YAML   go-yaml v3 types for plain scalars, comments kept (full-line and inline),
//          several documents, only mappings at the top; written with 4-space indent.
//   JSON   top-level object, integers vs floats kept; written tab-indented like Go.
//   dotenv lines split at the first '=', no trimming, "\n" escapes, '#' comments.
//   INI    go-ini's reading (sections, ';'/'#' comments, """ multi-line values);
//          a section is a mapping of strings; written in go-ini's aligned style.
//   binary plain: the whole input is the string `data`; encrypted: a JSON envelope.
// Errors name the line (never a value) and use code "sops_parse" (reading) or
// "sops_format" (a tree the format cannot represent).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "adapters/common/result.hpp"
#include "adapters/sops/format.hpp"
#include "adapters/sops/tree.hpp"

namespace fluxaws::sops {

result<std::vector<node>> load_plain(format fmt, std::string_view text);
result<std::vector<node>> load_encrypted(format fmt, std::string_view text);
result<std::string> emit_plain(format fmt, const std::vector<node>& branches);
result<std::string> emit_encrypted(format fmt, const std::vector<node>& branches);

// Per-format building blocks (used by the dispatchers above and by tests).
result<std::vector<node>> load_yaml(std::string_view text);
result<std::string> emit_yaml(const std::vector<node>& branches);
result<node> load_json(std::string_view text);
result<std::string> emit_json(const node& mapping);
result<node> load_dotenv(std::string_view text);
result<std::string> emit_dotenv(const node& mapping);
result<node> load_ini(std::string_view text);
result<std::string> emit_ini(const node& mapping);

// The text SOPS' dotenv/INI stores write for a non-string scalar (stores.ValToString).
std::string value_to_string(const node& scalar);

}  // namespace fluxaws::sops
