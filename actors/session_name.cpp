#include "actors/session_name.hpp"

#include "adapters/common/digest.hpp"
#include "adapters/common/encoding.hpp"

namespace fluxaws::actors {

namespace {

bool session_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
         c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

constexpr std::string_view flux_suffix = ".fluxcd.io";
constexpr std::size_t hash_hex = 16;

}  // namespace

std::string role_session_name(std::string_view service_account, std::string_view ns, std::string_view region) {
  std::string full = std::string(service_account) + "." + std::string(ns) + "." + std::string(region) +
                     std::string(flux_suffix);
  if (full.size() <= max_role_session_name) return full;
  std::string h = enc::hex(digest::sha256(full)).substr(0, hash_hex);
  std::size_t keep = max_role_session_name - flux_suffix.size() - 1 - hash_hex;
  return full.substr(0, keep) + "." + h + std::string(flux_suffix);
}

std::string sops_session_name(std::string_view hostname) {
  std::string out = "sops@";
  for (char c : hostname)
    if (session_char(c)) out.push_back(c);
  if (out.size() > max_role_session_name) out.resize(max_role_session_name);
  return out;
}

bool valid_role_session_name(std::string_view name) {
  if (name.size() < 2 || name.size() > max_role_session_name) return false;
  for (char c : name)
    if (!session_char(c)) return false;
  return true;
}

}  // namespace fluxaws::actors
