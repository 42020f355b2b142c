#include "tests/emulator/form.hpp"

#include "adapters/common/encoding.hpp"

namespace emu {

namespace {
std::string decode(std::string_view s) {
  auto d = fluxaws::enc::uri_decode(s, true);
  return d ? *d : std::string(s);
}
}  // namespace

param_map parse_form(std::string_view text) {
  param_map m;
  std::size_t start = 0;
  while (start < text.size()) {
    auto amp = text.find('&', start);
    auto part = text.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      auto k = decode(part.substr(0, eq));
      auto v = eq == std::string_view::npos ? std::string() : decode(part.substr(eq + 1));
      m.emplace(std::move(k), std::move(v));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return m;
}

target_parts split_target(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

const std::string* find_param(const param_map& m, std::string_view key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace emu
