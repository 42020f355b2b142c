// SOPS store formats and how a format is chosen from a file name, the way sops'
// formats.FormatForPath does (.yaml/.yml, .json, .env, .ini; anything else is
// binary) with Flux's one addition: a Secret key ending in .dockerconfigjson is JSON.
#pragma once

#include <optional>
#include <string_view>

namespace fluxaws::sops {

enum class format { yaml, json, dotenv, ini, binary };

std::string_view format_name(format f);  // "yaml", "json", "dotenv", "ini", "binary"
std::optional<format> parse_format_name(std::string_view name);
format format_for_path(std::string_view path);

}  // namespace fluxaws::sops
