// The environment the AWS adapters read (AWS_REGION, AWS_ROLE_ARN, AWS_ENDPOINT_URL_*, …),
// as a plain map so that pure functions never call getenv: main() snapshots the
// process environment once (or the config file supplies one), tests build their own.
//
// Contract: lookups are exact and case-sensitive, as POSIX environment names are; an
// empty value counts as unset, as the AWS SDKs treat it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace fluxaws::aws {

using env_map = std::map<std::string, std::string, std::less<>>;

// A snapshot of the process environment (the only function here that touches it).
env_map process_env();

// The value of name when set and non-empty.
std::optional<std::string> env_get(const env_map& env, std::string_view name);

// true for "true" in any case (the SDKs' boolean settings); false when unset or any
// other value.
bool env_flag(const env_map& env, std::string_view name);

}  // namespace fluxaws::aws
