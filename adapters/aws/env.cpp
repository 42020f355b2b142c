#include "adapters/aws/env.hpp"

#include "adapters/common/strings.hpp"

extern char** environ;

namespace fluxaws::aws {

env_map process_env() {
  env_map out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    out.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return out;
}

std::optional<std::string> env_get(const env_map& env, std::string_view name) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

bool env_flag(const env_map& env, std::string_view name) {
  auto v = env_get(env, name);
  return v && str::iequals(str::trim(*v), "true");
}

}  // namespace fluxaws::aws
