// STS role session names for the credential plane, within STS's rules: 2 to 64
// characters of [\w+=,.@-].
//
//   role_session_name(sa, ns, region) — object-level identity, Flux's
//     "<sa>.<namespace>.<region>.fluxcd.io". Flux sends it as is and STS refuses it
//     beyond 64 characters; here a name that does not fit keeps its first 37
//     characters, then "." + 16 hex digits of SHA-256 over the full name, then
//     ".fluxcd.io" (exactly 64). Distinct inputs give distinct names (up to a 64-bit
//     hash collision); a name that fits is unchanged.
//   sops_session_name(host) — "sops@<host>" as SOPS names its AssumeRole sessions:
//     characters outside the set removed, cut at 64.
#pragma once

#include <string>
#include <string_view>

namespace fluxaws::actors {

inline constexpr std::size_t max_role_session_name = 64;

std::string role_session_name(std::string_view service_account, std::string_view ns, std::string_view region);
std::string sops_session_name(std::string_view hostname);
// Whether STS would accept name as RoleSessionName.
bool valid_role_session_name(std::string_view name);

}  // namespace fluxaws::actors
